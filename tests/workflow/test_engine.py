"""The engine: what a user may do now and why not, and firing with its safety checks."""

from __future__ import annotations

import pytest

from tests.workflow.factories import ACTOR_ID, REQUESTER_ID, actor, engine, national, ready_facts
from webapp.workflow import (
    DEFAULT_REGISTRY,
    CommentRequired,
    EffectPhase,
    Engine,
    EpisodeSnapshot,
    Registry,
    StaleState,
    TransitionNotAllowed,
    UnknownState,
    UnknownTransition,
)


def fire(trigger, state, *, who, facts=None, expected_state=None, comment=None):
    return engine().fire(
        trigger,
        state=state,
        expected_state=state if expected_state is None else expected_state,
        facts=facts or ready_facts(),
        actor=who,
        comment=comment,
    )


def test_available_lists_every_step_out_of_the_state_in_definition_order():
    triggers = [item.trigger for item in engine().available("delivering", ready_facts(), actor())]
    assert triggers == [
        "start_review",
        "reassess",
        "request_closure",
        "refer_to_social_care",
        "withdraw_consent",
        "transfer_out",
    ]


def test_assessment_cannot_start_until_consent_to_record_is_recorded():
    [start] = [
        item
        for item in engine().available("identified", EpisodeSnapshot(), actor("assessor"))
        if item.trigger == "start_assessment"
    ]
    assert not start.allowed
    assert start.reasons == ("Record the family's consent to assess and record first",)
    assert not start.refused_for_role


def test_delivery_refusal_lists_every_missing_fact_in_plain_english():
    facts = EpisodeSnapshot(has_consent_to_record=True)
    [start] = [
        item
        for item in engine().available("assessed", facts, actor("lead_professional"))
        if item.trigger == "start_delivery"
    ]
    assert start.reasons == (
        "Record consent to share first",
        "Nominate a lead professional first",
        "Agree at least one action in the plan first",
    )


def test_closure_cannot_be_requested_before_a_review_is_recorded():
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(
            "request_closure",
            "delivering",
            who=actor("lead_professional"),
            facts=ready_facts(review_count=0),
        )
    assert refused.value.reasons == ("Record a review of the plan first",)


def test_a_lead_professional_is_told_a_manager_must_approve_closure():
    [approve] = [
        item
        for item in engine().available(
            "closure_requested", ready_facts(), actor("lead_professional")
        )
        if item.trigger == "approve_closure"
    ]
    assert not approve.allowed
    assert approve.refused_for_role
    assert approve.reasons == ("A manager must approve closure",)


def test_a_role_refusal_does_not_evaluate_or_reveal_the_conditions():
    [approve] = [
        item
        for item in engine().available("closure_requested", EpisodeSnapshot(), actor("tac_member"))
        if item.trigger == "approve_closure"
    ]
    assert approve.reasons == ("A manager must approve closure",)


def test_manager_cannot_approve_their_own_closure_request():
    manager_who_requested = actor("manager", "lead_professional", user_id=REQUESTER_ID)
    with pytest.raises(TransitionNotAllowed) as refused:
        fire("approve_closure", "closure_requested", who=manager_who_requested)
    assert refused.value.reasons == (
        "Someone other than the person who requested closure must decide on it",
    )


def test_another_manager_can_approve_closure():
    firing = fire("approve_closure", "closure_requested", who=actor("manager", user_id=ACTOR_ID))
    assert firing.dest == "closed"


def test_manager_cannot_send_back_their_own_closure_request():
    with pytest.raises(TransitionNotAllowed):
        fire(
            "send_back_closure",
            "closure_requested",
            who=actor("manager", user_id=REQUESTER_ID),
            comment="Not yet",
        )


def test_sending_closure_back_needs_a_comment_and_returns_to_review():
    with pytest.raises(CommentRequired) as refused:
        fire("send_back_closure", "closure_requested", who=actor("manager"), comment="   ")
    assert refused.value.reasons == ("Enter what must happen before the episode can close",)
    firing = fire(
        "send_back_closure",
        "closure_requested",
        who=actor("manager"),
        comment="  The family's housing need is not met yet.  ",
    )
    assert firing.dest == "reviewing"
    assert firing.comment == "The family's housing need is not met yet."


def test_firing_returns_the_effects_split_by_when_they_must_run():
    firing = fire("approve_closure", "closure_requested", who=actor("manager"))
    assert [effect.name for effect in firing.in_transaction] == ["record_closure"]
    assert [effect.name for effect in firing.after_commit] == ["notify_tac_of_closure"]
    assert all(e.phase is EffectPhase.IN_TRANSACTION for e in firing.in_transaction)
    assert firing.workflow == national().ref
    assert firing.trigger == "approve_closure"


def test_a_stale_state_is_refused_with_this_episode_has_changed():
    with pytest.raises(StaleState) as stale:
        fire("approve_closure", "closed", expected_state="closure_requested", who=actor("manager"))
    assert str(stale.value).startswith("This episode has changed: it is now 'Closed'")
    assert (stale.value.expected, stale.value.actual) == ("closure_requested", "closed")


def test_two_managers_acting_at_once_exactly_one_succeeds():
    """The second request carries the state its page showed; by then the first has moved
    the episode, so the engine refuses it (the app's row lock makes "by then" true)."""
    stored_state = "closure_requested"
    first = fire("approve_closure", stored_state, who=actor("manager", user_id=1))
    stored_state = first.dest
    with pytest.raises(StaleState):
        fire(
            "send_back_closure",
            stored_state,
            expected_state="closure_requested",
            who=actor("manager", user_id=2),
            comment="Needs more",
        )


def test_an_unknown_trigger_is_refused():
    with pytest.raises(UnknownTransition) as unknown:
        fire("fly_to_the_moon", "delivering", who=actor("lead_professional"))
    assert (
        str(unknown.value)
        == "'fly_to_the_moon' is not a step that can be taken from 'Delivering the plan'"
    )


def test_a_trigger_from_another_state_is_refused_as_unknown_here():
    with pytest.raises(UnknownTransition):
        fire("approve_closure", "delivering", who=actor("manager"))


def test_the_libraries_to_state_shortcuts_do_not_exist():
    with pytest.raises(UnknownTransition):
        fire("to_closed", "delivering", who=actor("manager"))


def test_a_state_the_workflow_does_not_have_is_refused():
    with pytest.raises(UnknownState):
        engine().available("limbo", ready_facts(), actor("assessor"))
    with pytest.raises(UnknownState):
        fire("approve_closure", "limbo", who=actor("manager"))


def test_escalation_needs_reasons_but_no_consent():
    facts = EpisodeSnapshot()  # no consent of any kind: safeguarding overrides it
    with pytest.raises(CommentRequired):
        fire("refer_to_social_care", "identified", who=actor("assessor"), facts=facts)
    firing = fire(
        "refer_to_social_care",
        "identified",
        who=actor("assessor"),
        facts=facts,
        comment="Bruising seen on both arms; the child said ...",
    )
    assert firing.dest == "referred_to_social_care"
    assert [effect.name for effect in firing.effects] == [
        "record_safeguarding_referral",
        "notify_safeguarding_contacts",
    ]


def test_withdrawal_of_consent_must_be_recorded_before_the_caf_stops():
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(
            "withdraw_consent",
            "delivering",
            who=actor("lead_professional"),
            facts=ready_facts(consent_withdrawn=False),
            comment="Mother withdrew consent",
        )
    assert refused.value.reasons == ("Record the withdrawal of consent on the consent page first",)
    firing = fire(
        "withdraw_consent",
        "delivering",
        who=actor("lead_professional"),
        comment="Mother withdrew consent",
    )
    assert {effect.name for effect in firing.after_commit} == {"notify_tac_of_withdrawal"}


def test_reopening_a_closed_episode_starts_a_new_assessment_version():
    firing = fire("reopen", "closed", who=actor("lead_professional"), comment="New concern")
    assert firing.dest == "assessing"
    assert "start_new_assessment_version" in [effect.name for effect in firing.in_transaction]


def test_a_closed_episode_is_read_only_for_everyone():
    workflow = engine()
    everyone = actor(*DEFAULT_REGISTRY.roles)
    assert workflow.may_view("closed", everyone)
    assert workflow.editable_parts("closed", everyone) == frozenset()


def test_state_permissions_follow_the_episode_roles():
    workflow = engine()
    assert workflow.may_edit("delivering", "plan", actor("lead_professional"))
    assert not workflow.may_edit("delivering", "plan", actor("tac_member"))
    assert workflow.editable_parts("assessing", actor("assessor")) == {
        "checklist",
        "consent",
        "assessment",
        "documents",
    }
    assert not workflow.may_view("consent_withdrawn", actor("tac_member"))


def test_worklists_are_chosen_by_the_users_roles():
    keys = {worklist.key for worklist in national().worklists_for({"manager"})}
    assert keys == {"awaiting_my_approval"}
    [approval] = national().worklists_for({"manager"})
    assert approval.states == {"closure_requested"}
    assert approval.filter == "not_requested_by_me"


def test_my_open_episodes_covers_every_open_state():
    worklist = national().worklists["my_open_episodes"]
    assert worklist.states == set(national().open_states)


def test_an_engine_refuses_a_definition_naming_conditions_its_registry_lacks():
    bare = Registry.build(conditions=(), effects=(), roles={}, parts={}, worklist_filters={})
    with pytest.raises(ValueError, match="unknown to the registry"):
        Engine(national(), bare)
