"""Every registered condition, true and false, and the reason a user is given."""

from __future__ import annotations

import pytest

from tests.workflow.factories import ACTOR_ID, REQUESTER_ID, actor
from webapp.workflow import DEFAULT_REGISTRY, EpisodeSnapshot

# condition -> (facts that satisfy it, facts that do not, refusal shown)
CASES = {
    "consent_to_record_exists": (
        EpisodeSnapshot(has_consent_to_record=True),
        EpisodeSnapshot(has_consent_to_record=False),
        "Record the family's consent to assess and record first",
    ),
    "consent_to_record_not_given": (
        EpisodeSnapshot(has_consent_to_record=False),
        EpisodeSnapshot(has_consent_to_record=True),
        "Consent to record has been given: there is no refusal to record",
    ),
    "consent_refusal_recorded": (
        EpisodeSnapshot(consent_refused=True),
        EpisodeSnapshot(consent_refused=True, has_consent_to_record=True),
        "Record who refused consent, and when, on the consent page first",
    ),
    "consent_to_share_exists": (
        EpisodeSnapshot(has_consent_to_share=True),
        EpisodeSnapshot(has_consent_to_share=False),
        "Record consent to share first",
    ),
    "consent_withdrawal_recorded": (
        EpisodeSnapshot(consent_withdrawn=True),
        EpisodeSnapshot(consent_withdrawn=False),
        "Record the withdrawal of consent on the consent page first",
    ),
    "assessment_complete": (
        EpisodeSnapshot(assessment_draft_complete=True),
        EpisodeSnapshot(assessment_draft_complete=False, assessment_completed=False),
        "Complete every required part of the assessment first",
    ),
    "lead_professional_nominated": (
        EpisodeSnapshot(lead_professional_id=7),
        EpisodeSnapshot(lead_professional_id=None),
        "Nominate a lead professional first",
    ),
    "has_actions": (
        EpisodeSnapshot(action_count=1),
        EpisodeSnapshot(action_count=0),
        "Agree at least one action in the plan first",
    ),
    "review_recorded": (
        EpisodeSnapshot(review_count=1),
        EpisodeSnapshot(review_count=0),
        "Record a review of the plan first",
    ),
    "closure_form_complete": (
        EpisodeSnapshot(closure_form_complete=True),
        EpisodeSnapshot(closure_form_complete=False),
        "Complete the closure form first",
    ),
    "approver_is_not_requester": (
        EpisodeSnapshot(closure_requested_by_id=REQUESTER_ID),
        EpisodeSnapshot(closure_requested_by_id=ACTOR_ID),
        "Someone other than the person who requested closure must decide on it",
    ),
    "transferred_during_assessment": (
        EpisodeSnapshot(state_before_transfer="assessing"),
        EpisodeSnapshot(state_before_transfer="assessing", assessment_completed=True),
        "The episode was not transferred before its assessment was completed",
    ),
    "transferred_before_delivery": (
        EpisodeSnapshot(state_before_transfer="quality_checked", assessment_completed=True),
        EpisodeSnapshot(state_before_transfer="awaiting_registration"),
        "The episode was not transferred between its assessment and the start of its plan",
    ),
    "transferred_during_delivery": (
        EpisodeSnapshot(state_before_transfer="reviewing"),
        EpisodeSnapshot(state_before_transfer="assessed"),
        "The episode was not transferred while its plan was being delivered",
    ),
}


def test_every_registered_condition_has_a_true_and_a_false_case_here():
    assert set(CASES) == set(DEFAULT_REGISTRY.conditions)


@pytest.mark.parametrize("name", sorted(CASES))
def test_condition_holds_for_the_facts_that_satisfy_it(name):
    satisfied, _, _ = CASES[name]
    assert DEFAULT_REGISTRY.conditions[name].check(satisfied, actor("manager")) is True


@pytest.mark.parametrize("name", sorted(CASES))
def test_condition_fails_for_the_facts_that_do_not(name):
    _, unsatisfied, _ = CASES[name]
    assert DEFAULT_REGISTRY.conditions[name].check(unsatisfied, actor("manager")) is False


@pytest.mark.parametrize("name", sorted(CASES))
def test_condition_refusal_tells_the_user_what_to_do_in_plain_english(name):
    assert DEFAULT_REGISTRY.conditions[name].refusal == CASES[name][2]


def test_a_completed_assessment_version_is_complete_for_the_steps_after_it():
    condition = DEFAULT_REGISTRY.conditions["assessment_complete"]
    assert condition.check(EpisodeSnapshot(assessment_completed=True), actor("manager")) is True


def test_approval_is_refused_when_nobody_is_recorded_as_requesting_closure():
    condition = DEFAULT_REGISTRY.conditions["approver_is_not_requester"]
    assert condition.check(EpisodeSnapshot(closure_requested_by_id=None), actor("manager")) is False


def test_every_effect_says_whether_it_runs_in_the_transaction_or_after_commit():
    from webapp.workflow import EffectPhase

    phases = {effect.name: effect.phase for effect in DEFAULT_REGISTRY.effects.values()}
    assert phases["record_closure"] is EffectPhase.IN_TRANSACTION
    assert phases["record_safeguarding_referral"] is EffectPhase.IN_TRANSACTION
    assert phases["notify_tac_of_withdrawal"] is EffectPhase.AFTER_COMMIT
    assert phases["notify_receiving_borough"] is EffectPhase.AFTER_COMMIT
    assert all(effect.description for effect in DEFAULT_REGISTRY.effects.values())
