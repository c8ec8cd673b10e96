"""The registry the domains plug their workflow effects and facts into: it refuses what
would go wrong quietly later, and the app does not start with an effect nobody provides."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import create_app, db
from webapp.consent import effects as consent_effects
from webapp.crossborough import effects as transfer_effects
from webapp.episodes import effects, workflow
from webapp.workflow import DEFAULT_REGISTRY, EffectPhase


def do_nothing(context: effects.EffectContext) -> None:
    """An effect that is not the one registered."""


def test_an_effect_registered_for_the_wrong_phase_is_refused():
    with pytest.raises(ValueError, match="runs in_transaction, not after_commit"):
        effects.register_effect("mark_transferred", EffectPhase.AFTER_COMMIT, do_nothing)


def test_an_effect_the_workflow_registry_does_not_describe_is_refused():
    with pytest.raises(ValueError, match="'send_flowers' is not an effect"):
        effects.register_effect("send_flowers", EffectPhase.AFTER_COMMIT, do_nothing)


def test_a_second_implementation_of_an_effect_is_refused(app):
    with pytest.raises(ValueError, match="'complete_transfer' already has an implementation"):
        effects.register_effect("complete_transfer", EffectPhase.IN_TRANSACTION, do_nothing)


def test_each_app_registers_the_same_implementations_again(app):
    transfer_effects.init_app(app)

    effects.register_effect(
        "complete_transfer", EffectPhase.IN_TRANSACTION, transfer_effects.complete_transfer
    )


def test_every_effect_the_registry_describes_has_an_implementation(app):
    implemented = set(effects._EFFECTS)

    assert implemented == set(DEFAULT_REGISTRY.effects)


def test_the_app_does_not_start_when_a_domain_leaves_an_effect_unimplemented(monkeypatch):
    registered = {
        name: effect
        for name, effect in effects._EFFECTS.items()
        if name not in {"mark_transferred", "complete_transfer"}
    }
    monkeypatch.setattr(effects, "_EFFECTS", registered)
    monkeypatch.setattr(transfer_effects, "init_app", lambda app: None)

    with pytest.raises(RuntimeError) as refused:
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})

    message = str(refused.value)
    assert "no implementation for workflow effects" in message
    assert "'complete_transfer'" in message
    assert "'mark_transferred'" in message


@pytest.fixture
def episode(app):
    borough = make_borough()
    assessor = make_user(make_organisation(borough))
    episode = make_episode(make_child(borough), assessor)
    db.session.commit()
    return episode


def test_the_facts_read_for_an_episode_come_from_every_domain(episode):
    facts = workflow.facts_for(db.session, episode)

    assert facts.has_consent_to_record is False
    assert facts.assessment_completed is False
    assert facts.state_before_transfer is None
    assert facts.lead_professional_id is None


def test_a_fact_no_domain_provides_stops_the_step_instead_of_taking_its_default(
    episode, monkeypatch
):
    providers = [p for p in effects._FACT_PROVIDERS if p is not consent_effects.consent_facts]
    monkeypatch.setattr(effects, "_FACT_PROVIDERS", providers)

    with pytest.raises(RuntimeError, match="no provider of the workflow facts") as refused:
        workflow.facts_for(db.session, episode)

    assert "has_consent_to_record" in str(refused.value)


def test_two_domains_providing_the_same_fact_are_refused(episode, monkeypatch):
    monkeypatch.setattr(effects, "_FACT_PROVIDERS", list(effects._FACT_PROVIDERS))
    effects.register_facts(lambda db_session, episode: {"consent_refused": True})

    with pytest.raises(RuntimeError, match=r"more than one provider .*\['consent_refused'\]"):
        workflow.facts_for(db.session, episode)


def test_the_registry_imports_no_domain():
    """The bridge reaches no domain: each domain reaches it (see tests/test_import_graph.py
    for why a centre that reaches out ends in an import cycle)."""
    allowed = {
        "__future__",
        "collections.abc",
        "dataclasses",
        "typing",
        "sqlalchemy.orm",
        "webapp.accounts.models",
        "webapp.audit",
        "webapp.episodes.models",
        "webapp.workflow",
    }
    tree = ast.parse(Path(effects.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert imported <= allowed, sorted(imported - allowed)
