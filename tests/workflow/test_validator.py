"""Each kind of mistake in a definition file is reported with the file and the key (and
the line), so that a borough administrator can find and fix it."""

from __future__ import annotations

import pytest

from tests.workflow.factories import MINIMAL, write
from webapp.workflow import DefinitionError, load_catalogue
from webapp.workflow.loader import load_directory


def problems_in(tmp_path, text, name="tiny.yaml"):
    path = write(tmp_path, name, text)
    return str(path), load_directory(tmp_path).problems


def only_problem(tmp_path, text):
    file, problems = problems_in(tmp_path, text)
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.file == file
    assert file in str(problem) and problem.key in str(problem)
    return problem


def test_the_minimal_fixture_is_valid(tmp_path):
    assert problems_in(tmp_path, MINIMAL)[1] == []


def test_unknown_destination_state_is_reported_with_a_suggestion(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("dest: done", "dest: dnoe"))
    assert problem.key == "transitions[0].dest"
    assert problem.message == "unknown state 'dnoe'; did you mean 'done'?"


def test_unknown_source_state_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("source: open", "source: [open, limbo]"))
    assert problem.key == "transitions[0].source[1]"
    assert problem.message.startswith("unknown state 'limbo'")


def test_unknown_initial_state_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("initial: open", "initial: opened"))
    assert problem.key == "initial"
    assert "unknown state 'opened'" in problem.message


def test_unknown_condition_is_reported(tmp_path):
    problem = only_problem(
        tmp_path, MINIMAL.replace("[consent_to_record_exists]", "[consent_to_record_exist]")
    )
    assert problem.key == "transitions[0].conditions[0]"
    assert problem.message == (
        "unknown condition 'consent_to_record_exist'; did you mean 'consent_to_record_exists'?"
    )


def test_unknown_effect_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("[record_closure]", "[send_pigeon]"))
    assert problem.key == "transitions[0].effects[0]"
    assert problem.message.startswith("unknown effect 'send_pigeon'; known effects: ")


def test_transition_with_empty_roles_is_refused_deny_by_default(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("roles: [assessor]", "roles: []"))
    assert problem.key == "transitions[0].roles"
    assert "has no roles" in problem.message and "deny by default" in problem.message


def test_transition_without_a_roles_key_is_refused_deny_by_default(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("        roles: [assessor]\n", ""))
    assert problem.key == "transitions[0].roles"
    assert "has no roles" in problem.message


def test_unknown_role_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("roles: [assessor]", "roles: [manger]"))
    assert problem.key == "transitions[0].roles[0]"
    assert problem.message == "unknown role 'manger'; did you mean 'manager'?"


def test_unknown_role_in_state_permissions_is_reported(tmp_path):
    problem = only_problem(
        tmp_path,
        MINIMAL.replace(
            "open: {title: Open, view: [assessor],", "open: {title: Open, view: [assessor, parent],"
        ),
    )
    assert problem.key == "states.open.view[1]"


def test_unknown_episode_part_is_reported(tmp_path):
    problem = only_problem(
        tmp_path,
        MINIMAL.replace(
            "edit: {consent: [assessor]}}",
            "edit: {consent: [assessor], asessment: [assessor]}}",
        ),
    )
    assert problem.key == "states.open.edit.asessment"
    assert "did you mean 'assessment'?" in problem.message


def test_unreachable_state_is_reported(tmp_path):
    text = MINIMAL.replace(
        "    transitions:", "      orphan: {title: Orphan, terminal: true}\n    transitions:"
    )
    problem = only_problem(tmp_path, text)
    assert problem.key == "states.orphan"
    assert problem.message.startswith("state 'orphan' cannot be reached from the initial state")


def test_state_with_no_path_to_a_terminal_state_is_reported(tmp_path):
    text = (
        MINIMAL.replace("    transitions:", "      stuck: {title: Stuck}\n    transitions:")
        + """
      - trigger: get_stuck
        title: Get stuck
        source: open
        dest: stuck
        roles: [assessor]
    """
    )
    problem = only_problem(tmp_path, text)
    assert problem.key == "states.stuck"
    assert "has no path to a terminal state" in problem.message


def test_duplicate_trigger_from_one_state_is_reported(tmp_path):
    text = (
        MINIMAL
        + """
      - trigger: finish
        title: Finish early
        source: [open]
        dest: done
        roles: [manager]
    """
    )
    problem = only_problem(tmp_path, text)
    assert problem.key == "transitions[1].trigger"
    assert problem.message.startswith("duplicate trigger 'finish' from state 'open'")


def test_one_trigger_may_leave_different_states(tmp_path):
    text = (
        MINIMAL.replace("    transitions:", "      waiting: {title: Waiting}\n    transitions:")
        + """
      - {trigger: wait, title: Wait, source: open, dest: waiting, roles: [assessor]}
      - {trigger: finish, title: Finish, source: waiting, dest: done, roles: [manager]}
    """
    )
    assert problems_in(tmp_path, text)[1] == []


def test_wildcard_duplicates_are_found_after_expansion(tmp_path):
    text = (
        MINIMAL
        + """
      - {trigger: finish, title: Finish anyway, source: "*", dest: done, roles: [manager]}
    """
    )
    problem = only_problem(tmp_path, text)
    assert problem.key == "transitions[1].trigger"


def test_a_trigger_that_would_shadow_the_state_machine_is_refused(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("trigger: finish", "trigger: to_done"))
    assert problem.key == "transitions[0].trigger"
    assert "reserved" in problem.message


def test_unknown_worklist_filter_is_reported(tmp_path):
    text = (
        MINIMAL
        + """
    worklists:
      mine: {title: Mine, states: "*", roles: [assessor], filter: overdue}
    """
    )
    problem = only_problem(tmp_path, text)
    assert problem.key == "worklists.mine.filter"


def test_schema_missing_title_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("        title: Finish\n", ""))
    assert problem.key == "transitions[0]"
    assert problem.message == "is missing a required key: 'title'"


def test_schema_misspelt_key_is_named(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("effects:", "efects:"))
    assert problem.key == "transitions[0].efects"
    assert problem.message == "is not a key allowed here: check its spelling"


def test_schema_wrong_type_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("version: 1", "version: one"))
    assert problem.key == "version"
    assert "'one' is not of type 'integer'" in problem.message


def test_schema_bad_name_is_reported(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("trigger: finish", "trigger: Finish Now"))
    assert problem.key == "transitions[0].trigger"
    assert "is not a valid name" in problem.message


def test_yaml_that_does_not_parse_is_reported_with_its_line(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("title: Tiny workflow", "title: [Tiny"))
    assert problem.key == ""
    assert problem.message.startswith("is not valid YAML")
    assert problem.line is not None


def test_a_state_defined_twice_is_refused_rather_than_silently_replaced(tmp_path):
    text = MINIMAL.replace("    transitions:", "      done: {title: Done again}\n    transitions:")
    problem = only_problem(tmp_path, text)
    assert problem.key == "states.done"
    assert "appears twice" in problem.message


def test_the_same_id_and_version_in_two_files_is_refused(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL)
    second = write(tmp_path, "b.yaml", MINIMAL)
    [problem] = load_directory(tmp_path).problems
    assert (problem.file, problem.key) == (str(second), "version")
    assert "already defined" in problem.message


def test_problems_carry_the_line_of_the_key(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("dest: done", "dest: dnoe"))
    assert problem.line == 12
    assert str(problem).startswith(f"{problem.file}:12: transitions[0].dest: unknown state")


def test_an_invalid_definition_never_loads(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL.replace("roles: [assessor]", "roles: []"))
    with pytest.raises(DefinitionError) as refused:
        load_catalogue(tmp_path)
    assert "tiny.yaml" in str(refused.value) and "transitions[0].roles" in str(refused.value)


def test_schema_bad_source_says_what_a_source_may_be(tmp_path):
    problem = only_problem(tmp_path, MINIMAL.replace("source: open", "source: {all_open: []}"))
    assert problem.key == "transitions[0].source"
    assert problem.message.endswith(
        'give a state, a list of states, "*" (every open state) or {all_open_except: [states]}'
    )


def test_schema_bad_state_name_names_the_state(tmp_path):
    text = MINIMAL.replace("open: {title: Open", "Open Case: {title: Open")
    file, problems = problems_in(tmp_path, text)
    assert [(problem.file, problem.key) for problem in problems] == [(file, "states.Open Case")]


def test_a_required_comment_with_its_own_question_needs_its_error_message(tmp_path):
    asked = "        effects: [record_closure]\n        requires_comment: true\n"
    asked += "        comment_label: Why is the episode moving, and to which borough?\n"
    text = MINIMAL.replace("        effects: [record_closure]\n", asked)
    problem = only_problem(tmp_path, text)
    assert problem.key == "transitions[0].comment_error"
    assert "give comment_error, the message shown when it is missing" in problem.message
    with_error = text + "        comment_error: Enter why the episode is moving\n"
    assert problems_in(tmp_path, with_error)[1] == []
    [finish] = load_catalogue(tmp_path).latest("tiny").transitions
    assert finish.comment_error == "Enter why the episode is moving"


def test_a_required_plain_comment_is_asked_for_with_the_steps_own_words(tmp_path):
    text = MINIMAL.replace(
        "        effects: [record_closure]\n",
        "        effects: [record_closure]\n        requires_comment: true\n",
    )
    [finish] = load_catalogue(write(tmp_path, "tiny.yaml", text).parent).latest("tiny").transitions
    assert finish.comment_error == "Enter a comment to finish"
