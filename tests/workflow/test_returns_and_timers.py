"""The checks on `dest: previous`, `move_effects` and timed steps (`after_days`): the
Eastbrook variants load, the engine goes back to the state the history names, and each
way of writing them wrongly is refused naming the file and key, so that no episode can go
back to nowhere, no safeguarding effect is dropped silently and no person takes a step
that is the system's."""

from __future__ import annotations

import pytest

from tests.workflow.factories import actor, ready_facts
from tests.workflow.variants import BOROUGH, EASTBROOK, WORKFLOW_ID, write_workflows
from webapp.workflow import Engine, TransitionNotAllowed, load_directory
from webapp.workflow.diagram import mermaid


def loaded(tmp_path, override: str = EASTBROOK):
    return load_directory(write_workflows(tmp_path, override))


def problems(tmp_path, override: str) -> list[str]:
    return [str(problem) for problem in loaded(tmp_path, override).problems]


def eastbrook(tmp_path):
    result = loaded(tmp_path)
    assert result.problems == []
    (definition,) = [d for d in result.definitions if d.id == WORKFLOW_ID]
    return definition


def test_the_variants_load_with_the_borough_option_as_the_deadline(tmp_path):
    definition = eastbrook(tmp_path)
    assert definition.borough == BOROUGH
    overdue = definition.find_transition("mark_review_overdue", "delivering")
    assert (overdue.timed, overdue.after_days, overdue.roles) == (True, 42, frozenset())
    request = definition.find_transition("refer_to_social_care", "delivering")
    assert (request.dest, request.effects) == ("step_up_requested", ())
    agree = definition.find_transition("agree_step_up", "step_up_requested")
    assert agree.effects == ("record_safeguarding_referral", "notify_safeguarding_contacts")


def decline(engine: Engine, came_from: str | None):
    return engine.fire(
        "decline_step_up",
        state="step_up_requested",
        expected_state="step_up_requested",
        facts=ready_facts(),
        actor=actor("manager"),
        comment="Not at the threshold",
        came_from=came_from,
    )


def test_going_back_leads_to_the_state_the_history_names_and_nowhere_without_one(tmp_path):
    engine = Engine(eastbrook(tmp_path))
    for came_from in ("assessed", "reviewing", "identified"):
        firing = decline(engine, came_from)
        assert (firing.source, firing.dest) == ("step_up_requested", came_from)
    for unknown in (None, "closed", "no_such_state"):
        with pytest.raises(TransitionNotAllowed, match="does not show which stage"):
            decline(engine, unknown)


def test_a_timed_step_is_never_offered_and_nobody_may_take_it(tmp_path):
    engine = Engine(eastbrook(tmp_path))
    everyone = actor("lead_professional", "coordinator", "manager", "borough_caf_contact")
    offered = {a.trigger for a in engine.available("delivering", ready_facts(), everyone)}
    assert "mark_review_overdue" not in offered and "start_review" in offered
    with pytest.raises(TransitionNotAllowed, match="happens by itself after 42 days"):
        engine.fire(
            "mark_review_overdue",
            state="delivering",
            expected_state="delivering",
            facts=ready_facts(),
            actor=everyone,
        )
    overdue = engine.definition.find_transition("mark_review_overdue", "delivering")
    firing = engine.fire_timed(overdue, state="delivering", facts=ready_facts(), reason="Late")
    assert (firing.dest, firing.comment) == ("review_overdue", "Late")


def test_the_diagram_draws_going_back_to_each_state_it_may_have_come_from(tmp_path):
    drawn = mermaid(eastbrook(tmp_path))
    for state in ("assessed", "delivering", "identified", "review_overdue"):
        assert f"step_up_requested --> {state}: Decline the referral (back)" in drawn
    assert "delivering --> review_overdue: Review overdue (after 42 days)" in drawn
    assert "previous" not in drawn


def change(old: str, new: str) -> str:
    assert old in EASTBROOK
    return EASTBROOK.replace(old, new, 1)


FILE = "boroughs/eastbrook.yaml"


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (  # no way back from where an episode starts
            "    source: step_up_requested\n    dest: previous",
            "    source: [step_up_requested, identified]\n    dest: previous",
            "transitions[2].dest",
            "cannot go back to where the episode came from in state 'identified': an episode "
            "starts in 'identified' without a step",
        ),
        (  # an episode can come into 'assessing' from a closed or transferred one
            "    source: step_up_requested\n    dest: previous",
            "    source: [step_up_requested, assessing]\n    dest: previous",
            "transitions[2].dest",
            "in state 'assessing': 'assessing' is entered from a finished state (by "
            "'accept_transfer_into_assessment', 'reopen')",
        ),
        (  # the agreement does not run what the request moved to it
            "    effects: [record_safeguarding_referral, notify_safeguarding_contacts]\n",
            "    effects: [record_safeguarding_referral]\n",
            "transitions[0].move_effects.notify_safeguarding_contacts",
            "moves 'notify_safeguarding_contacts' to 'agree_step_up', which does not run it",
        ),
        (  # moved to a step that does not leave where the request leads
            "      notify_safeguarding_contacts: agree_step_up\n",
            "      notify_safeguarding_contacts: approve_closure\n",
            "transitions[0].move_effects.notify_safeguarding_contacts",
            "moves 'notify_safeguarding_contacts' to 'approve_closure', which is not a step "
            "out of 'step_up_requested'",
        ),
        (  # dropped without saying where it went
            "      notify_safeguarding_contacts: agree_step_up\n",
            "",
            "transitions[0].effects",
            "drops the effect 'notify_safeguarding_contacts' that caf version 1 has for "
            "'refer_to_social_care'",
        ),
        (
            "    after_days: {option: review_interval_days}\n",
            "    after_days: {option: review_days}\n    roles: [manager]\n",
            "transitions[3].roles",
            "is timed (after_days): the system takes it, so it cannot have roles",
        ),
        (
            "    after_days: {option: review_interval_days}\n",
            "    after_days: {option: review_days}\n",
            "transitions[3].after_days.option",
            "the workflow has no option 'review_days' giving a number of days",
        ),
        (
            "    effects: [notify_managers]\n",
            "    effects: [record_closure]\n",
            "transitions[3].effects[0]",
            "the effect 'record_closure' needs a person to take the step",
        ),
        (
            "  review_overdue:\n    title: Review overdue\n",
            "  previous:\n    title: Previous\n    view: [manager]\n"
            "  review_overdue:\n    title: Review overdue\n",
            "states.previous",
            "'previous' is reserved",
        ),
    ],
)
def test_each_way_of_losing_an_episode_or_an_effect_is_refused(tmp_path, old, new, key, message):
    found = problems(tmp_path, change(old, new))
    assert any(FILE in p and f": {key}: " in p and message in p for p in found), found


def test_a_timed_step_stuck_behind_a_condition_that_never_holds_is_reported(tmp_path):
    stuck = change(
        "    effects: [notify_managers]\n",
        "    effects: [notify_managers]\n    conditions: [transferred_during_assessment]\n",
    )
    found = problems(tmp_path, stuck)
    assert any("step 'mark_review_overdue' can never be taken" in p for p in found), found
