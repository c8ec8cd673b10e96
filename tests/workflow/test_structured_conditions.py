"""Structured conditions as data: what `workflows check` refuses (file, line, key, and a
message a borough administrator can act on), how the engine judges them, and what the
proof that no episode is stranded makes of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import pytest
from click.testing import CliRunner

from tests.workflow.factories import MINIMAL, WORKFLOWS, actor, start_delivery_override, write
from webapp.assessments.kinds import KINDS
from webapp.formdefs import load_library
from webapp.formdefs.loader import default_root
from webapp.workflow import Engine, EpisodeSnapshot, TransitionNotAllowed
from webapp.workflow.cli import workflows
from webapp.workflow.expressions import LibraryForms
from webapp.workflow.loader import load_directory
from webapp.workflow.registry import FORM_PARTS, FORMS_WITHOUT_CONSENT


@cache
def forms() -> LibraryForms:
    return LibraryForms(load_library(default_root()))


def override(tmp_path, borough: str, conditions: str):
    """The national CAF workflow and a borough override adding `conditions` to the start
    of delivery; the problems of the override file."""
    write(tmp_path, "caf.yaml", (WORKFLOWS / "caf.yaml").read_text())
    write(tmp_path, f"boroughs/{borough}.yaml", start_delivery_override(borough, conditions))
    result = load_directory(tmp_path, forms=forms())
    return [
        f"{problem.line}: {problem.key}: {problem.message}"
        for problem in result.problems
        if problem.file.endswith(f"{borough}.yaml")
    ]


def test_a_tac_meeting_count_and_a_pregnancy_pathway_check_clean_for_riverside(tmp_path):
    assert (
        override(
            tmp_path,
            "riverside",
            """
            - count: {of: tac_meetings, at_least: 1}
              refusal: Record a TAC meeting first
            - refusal: Tell the young carers' service first
              any:
                - not: {answer: {form: caf_assessment, field: young_carer, equals: yes}}
                - {answer: {form: caf_assessment, field: young_carer_details, answered: true}}
            - {days_since: {state: assessed, at_least: 0}, refusal: Wait a day}
            - refusal: Wait for the assessment to be a week old
              days_since: {form: caf_assessment, field: date_assessment_started, at_least: 7}
            """,
        )
        == []
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            "{answer: {form: caf_asessment, field: unborn, equals: yes}, refusal: R}",
            "transitions[0].conditions[3].answer.form: unknown form 'caf_asessment'; did you "
            "mean 'caf_assessment'?",
        ),
        (
            "{answer: {form: caf_assessment, field: young_carers, equals: yes}, refusal: R}",
            "transitions[0].conditions[3].answer.field: riverside's effective form "
            "caf_assessment has no question 'young_carers'; did you mean 'young_carer'?",
        ),
        (
            "{answer: {form: caf_assessment, field: young_carer, equals: maybe}, refusal: R}",
            "transitions[0].conditions[3].answer.equals: 'maybe' is not a choice of "
            "'young_carer'; its choices are 'yes', 'no'",
        ),
        (
            "{answer: {form: caf_assessment, field: gender, one_of: [female, other]}, refusal: R}",
            "transitions[0].conditions[3].answer.one_of[1]: 'other' is not a choice of 'gender'",
        ),
        (
            "{answer: {form: caf_assessment, field: given_names, equals: Ada}, refusal: R}",
            "transitions[0].conditions[3].answer.field: 'given_names' is a text question: "
            "equals and one_of compare a question with one choice",
        ),
        (
            "{answer: {form: caf_assessment, field: unborn, equals: yes, answered: true}, "
            "refusal: R}",
            "transitions[0].conditions[3].answer: give exactly one of equals, one_of or answered",
        ),
        (
            "{answer: {form: caf_assessment, field: action_what, answered: true}, refusal: R}",
            "transitions[0].conditions[3].answer.field: 'action_what' is inside the repeating "
            "group 'agreed_actions'",
        ),
        (
            "{days_since: {form: caf_assessment, field: unborn, at_least: 3}, refusal: R}",
            "transitions[0].conditions[3].days_since.field: 'unborn' is a yes_no question: "
            "days_since needs a date",
        ),
        (
            "{days_since: {state: asessed, at_least: 3}, refusal: R}",
            "transitions[0].conditions[3].days_since.state: unknown state 'asessed'; did you "
            "mean 'assessed'?",
        ),
        (
            "{days_since: {state: assessed, form: caf_assessment, at_least: 3}, refusal: R}",
            "transitions[0].conditions[3].days_since: give either a state, or a form and one "
            "of its date questions (field)",
        ),
        (
            "{count: {of: tac_meeting, at_least: 1}, refusal: R}",
            "transitions[0].conditions[3].count.of: unknown record kind 'tac_meeting'; did you "
            "mean 'tac_meetings'?",
        ),
        (
            "{count: {of: tac_meetings, at_least: -1}, refusal: R}",
            "transitions[0].conditions[3].count.at_least: -1 is below the minimum of 0",
        ),
        (
            "{days_since: {state: assessed, at_least: -84}, refusal: R}",
            "transitions[0].conditions[3].days_since.at_least: -84 is below the minimum of 0",
        ),
        (
            "{all: [has_actions, {not: lead_profesional_nominated}], refusal: R}",
            "transitions[0].conditions[3].all[1].not: unknown condition "
            "'lead_profesional_nominated'",
        ),
        (
            "{count: {of: tac_meetings, at_least: 1}}",
            "transitions[0].conditions[3]: is missing a required key: 'refusal'",
        ),
        (
            "{count: {of: tac_meetings, at_least: 1}, not: has_actions, refusal: R}",
            "transitions[0].conditions[3]: give one of answer, count, days_since, all, any or "
            "not, with a refusal",
        ),
        (
            "{all: [{count: {of: reviews, at_least: 1}, not: has_actions}], refusal: R}",
            "transitions[0].conditions[3].all[0]: give exactly one of answer, count, "
            "days_since, all, any or not",
        ),
        (
            "{expression: 'facts.action_count > 0', refusal: R}",
            "transitions[0].conditions[3].expression: is not a key allowed here",
        ),
    ],
)
def test_the_check_refuses_a_structured_condition_that_cannot_mean_anything(
    tmp_path, condition, expected
):
    found = override(tmp_path, "riverside", f"- {condition}")
    line = 18  # the condition's own line in the override file
    assert any(problem.startswith(f"{line}: {expected}") for problem in found), found


def test_questions_are_those_of_the_boroughs_effective_form(tmp_path):
    """Riverside's overlay adds `young_carer`; Northgate's hides the reference number."""
    young_carer = "- {answer: {form: caf_assessment, field: young_carer, equals: yes}, refusal: R}"
    assert override(tmp_path / "riverside", "riverside", young_carer) == []
    [problem] = override(tmp_path / "northgate", "northgate", young_carer)
    assert "northgate's effective form caf_assessment has no question 'young_carer'" in problem
    [hidden] = override(
        tmp_path / "hidden",
        "northgate",
        "- {answer: {form: caf_assessment, field: unique_reference_number, answered: true}, "
        "refusal: R}",
    )
    assert "'unique_reference_number' is hidden in northgate's effective form" in hidden


def test_the_command_names_the_file_line_and_key(tmp_path):
    override(tmp_path, "riverside", "- {count: {of: meetings, at_least: 1}, refusal: R}")
    result = CliRunner().invoke(workflows, ["check", str(tmp_path / "boroughs/riverside.yaml")])
    assert result.exit_code == 1
    assert (
        f"{tmp_path / 'boroughs/riverside.yaml'}:18: transitions[0].conditions[3].count.of: "
        "unknown record kind 'meetings'" in result.output
    )


# --- judging ------------------------------------------------------------------------------


def structured_engine(tmp_path, condition: str) -> Engine:
    write(
        tmp_path,
        "tiny.yaml",
        MINIMAL.replace(
            "conditions: [consent_to_record_exists]",
            f"conditions: [consent_to_record_exists, {condition}]",
        ).replace(
            "edit: {consent: [assessor]}",
            "edit: {consent: [assessor], assessment: [assessor], tac: [assessor], "
            "plan: [assessor]}",
        ),
    )
    result = load_directory(tmp_path, forms=forms())
    assert result.problems == []
    [definition] = result.definitions
    return Engine(definition)


def allowed(engine: Engine, **facts) -> tuple[str, ...]:
    snapshot = EpisodeSnapshot(has_consent_to_record=True, **facts)
    [availability] = engine.available("open", snapshot, actor("assessor"))
    return availability.reasons


ANSWER_YES = "{answer: {form: caf_assessment, field: unborn, equals: yes}, refusal: Unborn only}"


def test_an_unquoted_yes_is_the_choice_yes(tmp_path):
    engine = structured_engine(tmp_path, ANSWER_YES)
    assert allowed(engine, answers={"caf_assessment.unborn": "yes"}) == ()
    assert allowed(engine, answers={"caf_assessment.unborn": "no"}) == ("Unborn only",)
    assert allowed(engine) == ("Unborn only",)


def test_one_of_answered_and_not(tmp_path):
    engine = structured_engine(
        tmp_path,
        "{any: [{answer: {form: caf_assessment, field: gender, one_of: [female, male]}},"
        " {not: {answer: {form: caf_assessment, field: address, answered: true}}}],"
        " refusal: R}",
    )
    assert (
        allowed(engine, answers={"caf_assessment.gender": "male", "caf_assessment.address": "x"})
        == ()
    )
    assert allowed(engine, answers={"caf_assessment.address": "1 Example Street"}) == ("R",)
    assert allowed(engine, answers={"caf_assessment.address": "  "}) == ()


def test_counts_compare_with_their_number(tmp_path):
    engine = structured_engine(
        tmp_path,
        "{all: [{count: {of: tac_meetings, at_least: 2}}, {count: {of: actions, at_least: 1}}],"
        " refusal: Two meetings and an action}",
    )
    assert allowed(engine, record_counts={"tac_meetings": 2}, action_count=1) == ()
    assert allowed(engine, record_counts={"tac_meetings": 1}, action_count=1) == (
        "Two meetings and an action",
    )
    assert allowed(engine, record_counts={"tac_meetings": 3}) == ("Two meetings and an action",)


def test_days_since_a_state_or_a_date_answer(tmp_path):
    today = date(2026, 6, 30)
    engine = structured_engine(
        tmp_path,
        "{any: [{days_since: {state: open, at_least: 84}},"
        " {days_since: {form: caf_assessment, field: date_assessment_started, at_least: 7}}],"
        " refusal: Not yet}",
    )
    entered = datetime(2026, 6, 30, 9) - timedelta(days=84)
    assert allowed(engine, today=today, entered_states={"open": entered}) == ()
    later = entered + timedelta(days=1)
    assert allowed(engine, today=today, entered_states={"open": later}) == ("Not yet",)
    week_ago = (today - timedelta(days=7)).isoformat()
    answers = {"caf_assessment.date_assessment_started": week_ago}
    assert allowed(engine, today=today, answers=answers) == ()
    answers = {"caf_assessment.date_assessment_started": "2026-06-25"}
    assert allowed(engine, today=today, answers=answers) == ("Not yet",)
    assert allowed(engine, today=today) == ("Not yet",)


def test_firing_is_refused_with_the_conditions_refusal(tmp_path):
    engine = structured_engine(tmp_path, ANSWER_YES)
    snapshot = EpisodeSnapshot(has_consent_to_record=True)
    with pytest.raises(TransitionNotAllowed) as refused:
        engine.fire(
            "finish", state="open", expected_state="open", facts=snapshot, actor=actor("assessor")
        )
    assert refused.value.reasons == ("Unborn only",)


def test_an_override_keeps_a_national_structured_condition_only_by_repeating_it(tmp_path):
    write(
        tmp_path,
        "tiny.yaml",
        MINIMAL.replace(
            "conditions: [consent_to_record_exists]", f"conditions: [{ANSWER_YES}]"
        ).replace(
            "edit: {consent: [assessor]}", "edit: {consent: [assessor], assessment: [assessor]}"
        ),
    )
    head = """
id: tiny-westshire
version: 1
title: Tiny (Westshire)
borough: westshire
extends: {id: tiny, version: 1}
transitions:
  - {trigger: finish, title: Finish, source: open, dest: done, roles: [assessor],
     effects: [record_closure], conditions: [CONDITIONS]}
"""
    write(
        tmp_path, "boroughs/westshire.yaml", head.replace("CONDITIONS", "consent_to_record_exists")
    )
    [problem] = load_directory(tmp_path, forms=forms()).problems
    assert problem.message.startswith(
        "drops the condition '{answer: {form: caf_assessment, field: unborn, equals: \"yes\"}}'"
    )
    kept = ANSWER_YES.replace("Unborn only", "Only for an unborn child").replace("yes", '"yes"')
    write(tmp_path, "boroughs/westshire.yaml", head.replace("CONDITIONS", kept))
    assert load_directory(tmp_path, forms=forms()).problems == []


# --- no episode stranded ------------------------------------------------------------------


def tiny(tmp_path, body: str) -> list[str]:
    write(tmp_path, "tiny.yaml", "id: tiny\nversion: 1\ntitle: Tiny\ninitial: open\n" + body)
    return [
        f"{problem.key}: {problem.message}"
        for problem in load_directory(tmp_path, forms=forms()).problems
    ]


STATES = """
states:
  open: {title: Open, view: [assessor], edit: {consent: [assessor], EDIT}}
  done: {title: Done, terminal: true, view: [assessor]}
"""


def closing(edit: str, condition: str) -> str:
    """A workflow whose only way out is a step guarded by `condition`, in a state where the
    assessor may edit consent and the parts `edit` names."""
    return STATES.replace("EDIT", edit) + (
        "transitions:\n"
        "  - {trigger: close, title: Close, source: open, dest: done, roles: [assessor],\n"
        f"     conditions: [{condition}]}}\n"
    )


def test_an_answer_someone_may_give_lets_the_step_be_taken(tmp_path):
    assert tiny(tmp_path, closing("assessment: [assessor]", ANSWER_YES)) == []


def test_an_answer_nobody_may_give_is_reported(tmp_path):
    body = closing("plan: [assessor]", ANSWER_YES)
    assert tiny(tmp_path, body) == [
        "states.open: an episode in state 'open' with nothing recorded yet can never be closed: "
        "no step anyone can take leads to a terminal state",
        "states.done: state 'done' can never be reached: 'close': Unborn only",
        "transitions[0]: step 'close' can never be taken: Unborn only",
    ]


def test_a_condition_that_can_never_hold_is_reported(tmp_path):
    body = (
        STATES.replace("EDIT", "assessment: [assessor]")
        + """
transitions:
  - {trigger: close, title: Close, source: open, dest: done, roles: [assessor],
     conditions: [{all: [{answer: {form: caf_assessment, field: unborn, equals: yes}},
                         {answer: {form: caf_assessment, field: unborn, equals: no}}],
                   refusal: Both}]}
  - {trigger: abandon, title: Abandon, source: open, dest: done, roles: [assessor]}
"""
    )
    assert tiny(tmp_path, body) == ["transitions[0]: step 'close' can never be taken: Both"]


def test_an_answer_that_may_shut_a_way_out_strands_an_episode(tmp_path):
    """Whoever answers "yes" to a question can still change it: but not once the state no
    longer lets them edit the assessment."""
    body = (
        STATES.replace("EDIT", "assessment: [assessor]")
        + """
  waiting: {title: Waiting, view: [assessor]}
transitions:
  - {trigger: wait, title: Wait, source: open, dest: waiting, roles: [assessor]}
  - {trigger: close, title: Close, source: waiting, dest: done, roles: [assessor],
     conditions: [{not: {answer: {form: caf_assessment, field: unborn, equals: yes}},
                   refusal: Not for an unborn child}]}
"""
    )
    [found] = tiny(tmp_path, body)
    assert found.startswith("states.waiting: an episode in state 'waiting' with ")
    assert "caf_assessment.unborn answered 'yes'" in found
    assert found.endswith("can never be closed: no step anyone can take leads to a terminal state")


def test_a_count_becomes_true_only_where_its_part_may_be_edited(tmp_path):
    condition = "{count: {of: tac_meetings, at_least: 3}, refusal: Three meetings first}"
    assert tiny(tmp_path / "tac", closing("tac: [assessor]", condition)) == []
    assert "transitions[0]: step 'close' can never be taken: Three meetings first" in tiny(
        tmp_path / "no_tac", closing("plan: [assessor]", condition)
    )


def test_days_since_a_state_becomes_true_with_time_once_it_was_entered(tmp_path):
    body = (
        STATES.replace("EDIT", "plan: [assessor]")
        + """
  later: {title: Later, view: [assessor]}
transitions:
  - {trigger: move, title: Move, source: open, dest: later, roles: [assessor]}
  - {trigger: close, title: Close, source: [open, later], dest: done, roles: [assessor],
     conditions: [{days_since: {state: later, at_least: 84}, refusal: Wait 12 weeks}]}
"""
    )
    assert tiny(tmp_path, body) == []
    never = body.replace("source: [open, later]", "source: open") + (
        "  - {trigger: finish, title: Finish, source: later, dest: done, roles: [assessor]}\n"
    )
    assert tiny(tmp_path / "never", never) == [
        "transitions[1]: step 'close' can never be taken: Wait 12 weeks"
    ]


def test_the_forms_each_part_edits_are_the_apps_form_kinds():
    """The model's table of which part's page edits a form agrees with the app's."""
    kinds: dict[str, set[str]] = {}
    for kind in KINDS.values():
        kinds.setdefault(kind.form_id, set()).add(kind.part)
    assert {form: set(parts) for form, parts in FORM_PARTS.items()} == kinds
    assert {
        kind.form_id for kind in KINDS.values() if not kind.needs_consent_to_record
    } == FORMS_WITHOUT_CONSENT
