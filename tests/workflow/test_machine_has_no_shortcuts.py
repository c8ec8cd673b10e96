"""The `transitions` Machine the engine builds has no `to_<state>` shortcuts (which would
move an episode past every guard) and starts in the episode's own state."""

from __future__ import annotations

from tests.workflow.factories import actor, engine, ready_facts
from webapp.workflow.engine import _Episode


def machine_model(state: str) -> _Episode:
    built = engine()
    model = _Episode()
    built._machine(model, built.state(state), ready_facts(), actor("manager"))
    return model


def test_the_machine_model_has_no_shortcut_to_any_state():
    model = machine_model("delivering")
    shortcuts = [name for name in dir(model) if name.startswith("to_")]
    assert shortcuts == []


def test_the_machine_keeps_the_episodes_state_instead_of_resetting_it():
    assert machine_model("reviewing").state == "reviewing"


def test_only_the_steps_out_of_the_current_state_are_triggers():
    model = machine_model("closure_requested")
    assert model.trigger("approve_closure") is True
    assert model.state == "closed"
