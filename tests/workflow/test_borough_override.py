"""Riverside's override: an extra quality check, a different approver, everything else
inherited from the national workflow, and the rules that keep overrides safe."""

from __future__ import annotations

from dataclasses import replace
from textwrap import dedent

import pytest

from tests.workflow.factories import (
    MINIMAL,
    actor,
    catalogue,
    engine,
    national,
    ready_facts,
    riverside,
    write,
)
from webapp.workflow import TransitionNotAllowed, WorkflowRef
from webapp.workflow.loader import load_directory


def fire_riverside(trigger, state, who, comment=None):
    return engine(riverside()).fire(
        trigger, state=state, expected_state=state, facts=ready_facts(), actor=who, comment=comment
    )


def test_riverside_episodes_record_the_override_id_and_version():
    assert catalogue().for_borough("riverside").ref == WorkflowRef("caf-riverside", 1)
    assert riverside().extends == WorkflowRef("caf", 1)


def test_a_borough_without_an_override_gets_the_national_workflow():
    assert catalogue().for_borough("northgate").ref == WorkflowRef("caf", 1)
    assert catalogue().for_borough(None).ref == WorkflowRef("caf", 1)


def test_riverside_adds_a_quality_check_between_assessment_and_delivery():
    triggers = [t.trigger for t in riverside().transitions_from("assessed")]
    assert "start_delivery" not in triggers
    assert "pass_quality_check" in triggers
    checked = fire_riverside("pass_quality_check", "assessed", actor("borough_caf_contact"))
    assert checked.dest == "quality_checked"
    delivering = fire_riverside("start_delivery", "quality_checked", actor("lead_professional"))
    assert delivering.dest == "delivering"


def test_only_the_borough_caf_contact_may_pass_the_quality_check():
    with pytest.raises(TransitionNotAllowed) as refused:
        fire_riverside("pass_quality_check", "assessed", actor("lead_professional", "manager"))
    assert refused.value.reasons == ("The borough CAF contact must quality-check the assessment",)


def test_the_national_workflow_has_no_quality_check():
    assert "quality_checked" not in national().states
    assert [t.dest for t in national().transitions_from("assessed")][0] == "delivering"


def test_riverside_lets_the_borough_caf_contact_approve_closure():
    assert (
        fire_riverside("approve_closure", "closure_requested", actor("borough_caf_contact")).dest
        == "closed"
    )
    with pytest.raises(TransitionNotAllowed):
        engine().fire(
            "approve_closure",
            state="closure_requested",
            expected_state="closure_requested",
            facts=ready_facts(),
            actor=actor("borough_caf_contact"),
        )


def test_riverside_still_refuses_approval_by_the_person_who_requested_closure():
    from tests.workflow.factories import REQUESTER_ID

    with pytest.raises(TransitionNotAllowed):
        fire_riverside(
            "approve_closure",
            "closure_requested",
            actor("borough_caf_contact", user_id=REQUESTER_ID),
        )


def test_riverside_inherits_every_national_state_and_untouched_transition():
    assert set(national().states) < set(riverside().states)
    for key, state in national().states.items():
        assert riverside().states[key] == state
    untouched = [
        t
        for t in national().transitions
        if t.trigger
        not in {
            "start_delivery",
            "approve_closure",
            "send_back_closure",
            "refer_to_social_care",
            "withdraw_consent",
            "transfer_out",
        }
    ]
    for transition in untouched:
        assert transition in riverside().transitions


def test_wildcard_sources_cover_the_boroughs_extra_state():
    for trigger in ("refer_to_social_care", "withdraw_consent", "transfer_out"):
        assert riverside().find_transition(trigger, "quality_checked") is not None


def test_riverside_options_override_only_what_they_name():
    assert riverside().options == {"review_interval_days": 42, "idle_reminder_days": 60}


def test_riverside_has_its_own_quality_check_worklist():
    worklist = riverside().worklists["awaiting_quality_check"]
    assert worklist.states == {"assessed"}
    assert national().worklists["awaiting_quality_check"].states == frozenset()


def test_riverside_changes_only_the_default_of_the_national_closure_approver_choice():
    ours = riverside().choices["closure_approver"]
    assert ours.default == "manager_or_borough_caf_contact"
    assert replace(ours, default="manager") == national().choices["closure_approver"]
    approve = riverside().find_transition("approve_closure", "closure_requested")
    assert approve.roles == {"manager", "borough_caf_contact"}
    assert approve.roles_refusal == "A manager or the borough CAF contact must approve closure"
    assert riverside().worklists["awaiting_my_approval"].roles == {"manager", "borough_caf_contact"}


# --- override rules, on small fixtures -------------------------------------------------

OVERRIDE_HEAD = """
    id: tiny-westshire
    version: 1
    title: Tiny (Westshire)
    borough: westshire
    extends: {id: tiny, version: 1}
"""


def load_pair(tmp_path, override_body, base=MINIMAL):
    write(tmp_path, "tiny.yaml", base)
    override = write(
        tmp_path, "boroughs/westshire.yaml", dedent(OVERRIDE_HEAD) + dedent(override_body)
    )
    return str(override), load_directory(tmp_path)


def test_an_override_can_remove_a_transition_that_is_not_core(tmp_path):
    base = (
        MINIMAL
        + """
      - trigger: abandon
        title: Abandon
        source: open
        dest: done
        roles: [manager]
    """
    )
    _, result = load_pair(tmp_path, "remove_transitions: [abandon]\n", base)
    assert result.problems == []
    [tiny, westshire] = sorted(result.definitions, key=lambda d: d.id)
    assert "abandon" in tiny.triggers() and "abandon" not in westshire.triggers()


def test_an_override_cannot_remove_a_core_transition(tmp_path):
    file, result = load_pair(
        tmp_path,
        "remove_transitions: [finish]\n",
        MINIMAL.replace(
            "effects: [record_closure]", "effects: [record_closure]\n        core: true"
        ),
    )
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "remove_transitions[0]")
    assert "core transition" in problem.message


def test_an_override_cannot_drop_a_national_condition(tmp_path):
    file, result = load_pair(
        tmp_path,
        """
    transitions:
      - trigger: finish
        title: Finish
        source: open
        dest: done
        roles: [assessor, manager]
        effects: [record_closure]
    """,
    )
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "transitions[0].conditions")
    assert "drops the condition 'consent_to_record_exists'" in problem.message


def test_an_override_cannot_drop_a_national_effect(tmp_path):
    file, result = load_pair(
        tmp_path,
        """
    transitions:
      - trigger: finish
        title: Finish
        source: open
        dest: done
        roles: [assessor]
        conditions: [consent_to_record_exists]
    """,
    )
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "transitions[0].effects")


def test_an_override_of_a_missing_national_version_is_refused(tmp_path):
    file, result = load_pair(tmp_path, "", MINIMAL.replace("version: 1", "version: 2"))
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "extends")
    assert problem.message == "extends tiny version 1, which was not found (versions found: 2)"


def test_an_override_must_have_its_own_id(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    file = write(tmp_path, "b.yaml", OVERRIDE_HEAD.replace("id: tiny-westshire", "id: tiny"))
    [problem] = load_directory(tmp_path).problems
    assert (problem.file, problem.key) == (str(file), "id")


def test_an_override_cannot_both_remove_and_redefine_a_trigger(tmp_path):
    _, result = load_pair(
        tmp_path,
        """
    remove_transitions: [finish]
    transitions:
      - {trigger: finish, title: Finish, source: open, dest: done, roles: [assessor],
         conditions: [consent_to_record_exists], effects: [record_closure]}
    """,
    )
    assert [p.key for p in result.problems] == ["remove_transitions[0]"]
    assert "both removed and redefined" in result.problems[0].message


def test_an_override_cannot_remove_a_trigger_the_national_workflow_lacks(tmp_path):
    _, result = load_pair(tmp_path, "remove_transitions: [abandon]\n")
    assert [p.message for p in result.problems] == [
        "tiny version 1 has no transition 'abandon' to remove"
    ]


def test_an_override_that_leaves_a_national_state_unreachable_is_reported_in_its_file(tmp_path):
    base = (
        MINIMAL.replace(
            "    transitions:", "      parked: {title: Parked, terminal: true}\n    transitions:"
        )
        + """
      - trigger: park
        title: Park
        source: open
        dest: parked
        roles: [manager]
    """
    )
    file, result = load_pair(tmp_path, "remove_transitions: [park]\n", base)
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "states.parked")
    assert "cannot be reached" in problem.message


def test_a_borough_has_one_override_id(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    write(tmp_path, "a.yaml", OVERRIDE_HEAD)
    second = write(tmp_path, "b.yaml", OVERRIDE_HEAD.replace("tiny-westshire", "tiny-west"))
    [problem] = load_directory(tmp_path).problems
    assert (problem.file, problem.key) == (str(second), "borough")


def test_an_override_cannot_extend_another_override(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    write(tmp_path, "a.yaml", OVERRIDE_HEAD)
    chained = write(
        tmp_path,
        "b.yaml",
        """
        id: tiny-chained
        version: 1
        title: Chained
        borough: northgate
        extends: {id: tiny-westshire, version: 1}
    """,
    )
    [problem] = load_directory(tmp_path).problems
    assert (problem.file, problem.key) == (str(chained), "extends")
    assert "is a borough override" in problem.message


def test_an_override_of_a_broken_national_workflow_says_to_fix_that_first(tmp_path):
    file, result = load_pair(
        tmp_path, "", MINIMAL.replace("roles: [assessor]\n        cond", "roles: []\n        cond")
    )
    assert [(p.file, p.key) for p in result.problems if p.file == file] == [(file, "extends")]
    assert "has problems of its own" in [p for p in result.problems if p.file == file][0].message


def test_the_newest_override_version_is_used_for_new_episodes(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    write(tmp_path, "a.yaml", OVERRIDE_HEAD)
    write(
        tmp_path, "b.yaml", OVERRIDE_HEAD.replace("version: 1\n    title", "version: 2\n    title")
    )
    from webapp.workflow import Catalogue

    result = load_directory(tmp_path)
    assert result.problems == []
    found = Catalogue(result.definitions).for_borough("westshire", national_id="tiny")
    assert found.ref == WorkflowRef("tiny-westshire", 2)


CHOOSING = (
    MINIMAL
    + """
    choices:
      who_finishes:
        title: Who finishes
        default: assessor
        options:
          assessor: {title: The assessor, roles: {finish: [assessor]}}
          manager: {title: A manager, roles: {finish: [manager]}}
"""
)


def test_an_override_can_change_the_default_of_a_national_choice_and_nothing_else(tmp_path):
    _, result = load_pair(tmp_path, "choice_defaults: {who_finishes: manager}\n", CHOOSING)
    assert result.problems == []
    [tiny, westshire] = sorted(result.definitions, key=lambda d: d.id)
    assert westshire.choices["who_finishes"] == replace(
        tiny.choices["who_finishes"], default="manager"
    )
    assert westshire.find_transition("finish", "open").roles == {"manager"}
    assert tiny.find_transition("finish", "open").roles == {"assessor"}
    for option in ("assessor", "manager"):
        chosen = {"who_finishes": option}
        assert westshire.with_choices(chosen).transitions == tiny.with_choices(chosen).transitions


def test_an_override_default_for_an_unknown_choice_is_refused(tmp_path):
    file, result = load_pair(tmp_path, "choice_defaults: {who_finishs: manager}\n", CHOOSING)
    [problem] = result.problems
    assert str(problem) == (
        f"{file}:6: choice_defaults.who_finishs: tiny version 1 has no such choice: "
        "unknown choice 'who_finishs'; did you mean 'who_finishes'?"
    )


def test_an_override_default_that_is_not_an_option_of_the_choice_is_refused(tmp_path):
    file, result = load_pair(tmp_path, "choice_defaults: {who_finishes: boss}\n", CHOOSING)
    [problem] = result.problems
    assert str(problem) == (
        f"{file}:6: choice_defaults.who_finishes: 'who_finishes' has no such option: "
        "unknown option 'boss'; known options: assessor, manager"
    )


def test_an_override_that_redefines_a_choice_gives_its_default_there(tmp_path):
    body = """
    choices:
      who_finishes:
        title: Who finishes
        default: assessor
        options:
          assessor: {title: The assessor, roles: {finish: [assessor]}}
          manager: {title: A manager, roles: {finish: [manager]}}
    choice_defaults: {who_finishes: manager}
    """
    file, result = load_pair(tmp_path, body, CHOOSING)
    [problem] = result.problems
    assert (problem.file, problem.key) == (file, "choice_defaults.who_finishes")
    assert "give its default there" in problem.message
