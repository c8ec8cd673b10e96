"""The form a transition asks for is a name from the registry, like its conditions."""

from __future__ import annotations

from tests.workflow.test_validator import MINIMAL, only_problem


def test_an_unknown_transition_form_is_reported_with_the_known_ones(tmp_path):
    with_form = MINIMAL.replace(
        "        roles: [assessor]\n", "        roles: [assessor]\n        form: closur\n", 1
    )
    problem = only_problem(tmp_path, with_form)
    assert problem.key == "transitions[0].form"
    assert problem.message == "unknown form 'closur'; did you mean 'closure'?"


def test_a_known_transition_form_is_accepted(tmp_path):
    from webapp.workflow.cli import check_paths

    with_form = MINIMAL.replace(
        "        roles: [assessor]\n", "        roles: [assessor]\n        form: closure\n", 1
    )
    path = tmp_path / "minimal.yaml"
    path.write_text(with_form)
    assert check_paths([path]) == []
