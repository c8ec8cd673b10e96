"""Choices in workflow definitions: options the engine applies as data, checked like the
rest of a definition, and an engine that follows the options it is given."""

from __future__ import annotations

from tests.workflow.factories import MINIMAL, actor, engine, ready_facts, riverside, write
from webapp.workflow import Engine
from webapp.workflow.loader import load_directory

CHOICE = """
    choices:
      who_finishes:
        title: Who finishes
        default: {default}
        options:
          assessor: {{title: The assessor, roles: {{{trigger}: [assessor]}}}}
          manager: {{title: A manager, roles: {{finish: [{role}]}}}}
"""


def problems_of(tmp_path, text: str) -> list[str]:
    write(tmp_path, "tiny.yaml", text)
    return [f"{problem.key}: {problem.message}" for problem in load_directory(tmp_path).problems]


def with_choice(default="assessor", trigger="finish", role="manager") -> str:
    return MINIMAL + CHOICE.format(default=default, trigger=trigger, role=role)


def test_a_definition_with_valid_choices_loads(tmp_path):
    assert problems_of(tmp_path, with_choice()) == []


def test_a_default_that_is_not_an_option_is_refused(tmp_path):
    [problem] = problems_of(tmp_path, with_choice(default="anyone"))
    assert problem.startswith("choices.who_finishes.default: unknown option 'anyone'")


def test_an_option_naming_an_unknown_transition_is_refused(tmp_path):
    [problem] = problems_of(tmp_path, with_choice(trigger="finsh"))
    assert "options.assessor.roles.finsh" in problem
    assert "unknown transition 'finsh'; did you mean 'finish'?" in problem


def test_an_option_naming_an_unknown_role_is_refused(tmp_path):
    [problem] = problems_of(tmp_path, with_choice(role="boss"))
    assert "unknown role 'boss'" in problem


def test_a_transition_depending_on_an_unknown_option_is_refused(tmp_path):
    text = with_choice().replace(
        "effects: [record_closure]",
        "effects: [record_closure]\n        when: {who_finishes: nobody}",
    )
    problems = problems_of(tmp_path, text)
    assert any("transitions[0].when.who_finishes: unknown option 'nobody'" in p for p in problems)


def test_a_choice_that_strands_an_episode_is_refused(tmp_path):
    text = with_choice().replace(
        "effects: [record_closure]",
        "effects: [record_closure]\n        when: {who_finishes: manager}",
    )
    problems = problems_of(tmp_path, text)
    assert any("no path to a terminal state when who_finishes is 'assessor'" in p for p in problems)


def test_riverside_without_the_quality_check_starts_delivery_from_assessed():
    without = Engine(riverside().with_choices({"quality_check": "not_required"}))
    triggers = [t.trigger for t in without.definition.transitions_from("assessed")]
    assert "pass_quality_check" not in triggers
    fired = without.fire(
        "start_delivery",
        state="assessed",
        expected_state="assessed",
        facts=ready_facts(),
        actor=actor("lead_professional"),
    )
    assert fired.dest == "delivering"
    assert "pass_quality_check" in [
        t.trigger for t in engine(riverside()).definition.transitions_from("assessed")
    ]


def test_an_unknown_stored_option_falls_back_to_the_default():
    assert riverside().resolve_choices({"quality_check": "gone", "other": "x"}) == {
        "quality_check": "required",
        "closure_approver": "manager_or_borough_caf_contact",
    }
