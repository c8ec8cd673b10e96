"""Every transition of the national workflow, from every source state, for every role.

The expected table is written out here by hand, not read from the YAML, so that a change
to who may do what in `workflows/caf.yaml` has to be made deliberately in both places.
"""

from __future__ import annotations

import pytest

from tests.workflow.factories import ROLES, actor, engine, national, ready_facts
from webapp.workflow import TransitionNotAllowed

ALL = frozenset(ROLES)
OPEN = ("identified", "assessing", "assessed", "delivering", "reviewing")

# (source state, trigger) -> (destination, roles that may take it)
EXPECTED: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("identified", "start_assessment"): ("assessing", frozenset({"assessor"})),
    ("identified", "record_consent_refusal"): ("consent_refused", frozenset({"assessor"})),
    ("consent_refused", "reconsider_consent"): ("identified", frozenset({"assessor", "manager"})),
    ("assessing", "complete_assessment"): ("assessed", frozenset({"assessor"})),
    ("assessed", "start_delivery"): (
        "delivering",
        frozenset({"assessor", "lead_professional", "coordinator"}),
    ),
    ("delivering", "start_review"): ("reviewing", frozenset({"lead_professional", "coordinator"})),
    ("reviewing", "continue_delivery"): (
        "delivering",
        frozenset({"lead_professional", "coordinator"}),
    ),
    ("delivering", "reassess"): ("assessing", frozenset({"lead_professional", "assessor"})),
    ("reviewing", "reassess"): ("assessing", frozenset({"lead_professional", "assessor"})),
    ("delivering", "request_closure"): ("closure_requested", frozenset({"lead_professional"})),
    ("reviewing", "request_closure"): ("closure_requested", frozenset({"lead_professional"})),
    ("consent_withdrawn", "request_closure"): (
        "closure_requested",
        frozenset({"lead_professional", "assessor"}),
    ),
    ("referred_to_social_care", "request_closure"): (
        "closure_requested",
        frozenset({"lead_professional", "assessor"}),
    ),
    ("closure_requested", "approve_closure"): ("closed", frozenset({"manager"})),
    ("closure_requested", "send_back_closure"): ("reviewing", frozenset({"manager"})),
    ("closed", "reopen"): ("assessing", frozenset({"lead_professional", "assessor", "manager"})),
    **{
        (state, "refer_to_social_care"): ("referred_to_social_care", ALL)
        for state in (*OPEN, "closure_requested", "consent_withdrawn")
    },
    ("referred_to_social_care", "step_down"): (
        "assessing",
        frozenset({"lead_professional", "assessor", "borough_caf_contact"}),
    ),
    **{
        (state, "withdraw_consent"): (
            "consent_withdrawn",
            frozenset({"assessor", "lead_professional", "coordinator"}),
        )
        for state in ("assessing", "assessed", "delivering", "reviewing", "closure_requested")
    },
    ("consent_withdrawn", "resume_with_consent"): (
        "assessing",
        frozenset({"assessor", "lead_professional"}),
    ),
    **{
        (state, "transfer_out"): (
            "transferred",
            frozenset({"lead_professional", "borough_caf_contact"}),
        )
        for state in ("assessing", "assessed", "delivering", "reviewing")
    },
    ("transferred", "accept_transfer_into_assessment"): (
        "assessing",
        frozenset({"receiving_borough_caf_contact"}),
    ),
    ("transferred", "accept_transfer_into_planning"): (
        "assessed",
        frozenset({"receiving_borough_caf_contact"}),
    ),
    ("transferred", "accept_transfer_into_delivery"): (
        "delivering",
        frozenset({"receiving_borough_caf_contact"}),
    ),
}

# Facts under which the guards of each trigger are met.
FACTS = {
    "record_consent_refusal": ready_facts(has_consent_to_record=False, consent_refused=True),
    "accept_transfer_into_assessment": ready_facts(state_before_transfer="assessing"),
    "accept_transfer_into_planning": ready_facts(state_before_transfer="assessed"),
    "accept_transfer_into_delivery": ready_facts(state_before_transfer="reviewing"),
}

CASES = [
    pytest.param(state, trigger, role, id=f"{state}-{trigger}-{role}")
    for (state, trigger) in EXPECTED
    for role in ROLES
]


def test_the_table_lists_every_transition_of_the_national_workflow():
    defined = {
        (state, transition.trigger): (transition.dest, transition.roles)
        for transition in national().transitions
        for state in transition.source
    }
    assert defined == EXPECTED


@pytest.mark.parametrize(("state", "trigger", "role"), CASES)
def test_each_role_is_allowed_or_refused_each_transition_as_the_table_says(state, trigger, role):
    dest, roles = EXPECTED[(state, trigger)]
    facts = FACTS.get(trigger, ready_facts())
    workflow = engine()
    [offered] = [
        item for item in workflow.available(state, facts, actor(role)) if item.trigger == trigger
    ]
    assert offered.allowed is (role in roles)

    if role in roles:
        firing = workflow.fire(
            trigger,
            state=state,
            expected_state=state,
            facts=facts,
            actor=actor(role),
            comment="Agreed with the family at the meeting on 3 March.",
        )
        assert (firing.source, firing.dest) == (state, dest)
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            workflow.fire(
                trigger,
                state=state,
                expected_state=state,
                facts=facts,
                actor=actor(role),
                comment="A comment",
            )
        assert refused.value.reasons == (offered.transition.roles_refusal,)


def test_a_user_with_no_role_on_the_episode_may_take_no_step_from_any_state():
    workflow = engine()
    for state in national().states:
        assert not any(item.allowed for item in workflow.available(state, ready_facts(), actor()))


def test_terminal_states_are_consent_refused_closed_and_transferred():
    assert set(national().terminal_states) == {"consent_refused", "closed", "transferred"}


def test_escalation_to_social_care_is_possible_from_every_open_state():
    definition = national()
    [escalation] = [t for t in definition.transitions if t.trigger == "refer_to_social_care"]
    assert set(escalation.source) == set(definition.open_states) - {"referred_to_social_care"}
    assert escalation.requires_comment


@pytest.mark.parametrize(
    "trigger",
    [
        "reconsider_consent",
        "reassess",
        "send_back_closure",
        "reopen",
        "refer_to_social_care",
        "step_down",
        "withdraw_consent",
        "resume_with_consent",
        "transfer_out",
    ],
)
def test_transitions_that_need_a_reason_require_a_comment(trigger):
    assert all(t.requires_comment for t in national().transitions if t.trigger == trigger)
