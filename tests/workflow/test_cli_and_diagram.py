"""The `caf workflows` commands and the pictures they draw."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.workflow.factories import MINIMAL, WORKFLOWS, national, riverside, write
from webapp.formdefs.loader import default_root
from webapp.workflow.cli import check_paths, workflows
from webapp.workflow.diagram import dot, mermaid


def run(*arguments):
    return CliRunner().invoke(workflows, list(arguments))


def test_check_reports_each_problem_with_file_and_key_and_fails(tmp_path):
    bad = write(tmp_path, "bad.yaml", MINIMAL.replace("roles: [assessor]", "roles: []"))
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    assert f"{bad}:13: transitions[0].roles: transition 'finish' has no roles" in result.output
    assert "1 problem(s) found." in result.output


def test_check_passes_on_the_shipped_workflows():
    result = run("check", str(WORKFLOWS))
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output


def test_check_paths_reports_a_missing_path_and_an_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    problems = check_paths([tmp_path / "nowhere.yaml", empty])
    assert [problem.message for problem in problems] == [
        "does not exist",
        "holds no workflow definitions (*.yaml)",
    ]


def test_checking_one_override_file_finds_its_national_definition_beside_it(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    override = write(
        tmp_path,
        "boroughs/westshire.yaml",
        """
        id: tiny-westshire
        version: 1
        title: Tiny (Westshire)
        borough: westshire
        extends: {id: tiny, version: 2}
        """,
    )
    [problem] = check_paths([override])
    assert (problem.file, problem.key) == (str(override), "extends")


def test_diagram_prints_the_boroughs_workflow_as_mermaid():
    result = run("diagram", "caf", "--borough", "riverside", "--directory", str(WORKFLOWS))
    assert result.exit_code == 0, result.output
    assert "stateDiagram-v2" in result.output
    assert "assessed --> quality_checked: Pass the quality check" in result.output


def test_diagram_prints_dot_for_the_national_workflow():
    result = run("diagram", "caf", "--format", "dot", "--directory", str(WORKFLOWS))
    assert result.exit_code == 0, result.output
    assert result.output.startswith('digraph "caf version 1" {')
    assert "quality_checked" not in result.output


def test_diagram_of_an_unknown_workflow_fails_with_a_message():
    result = run("diagram", "nonesuch", "--directory", str(WORKFLOWS))
    assert result.exit_code == 1
    assert "No workflow 'nonesuch' is loaded" in result.output


def test_mermaid_shows_every_state_and_every_transition():
    text = mermaid(national())
    for key, state in national().states.items():
        assert f"    {key}: {state.title}" in text
    for transition in national().transitions:
        for source in transition.source:
            assert f"    {source} --> {transition.dest}: " in text
    assert "    [*] --> identified" in text
    assert "    closed --> [*]" in text


def test_mermaid_labels_cannot_break_the_diagram():
    text = mermaid(riverside())
    labels = [
        line.split(": ", 1)[1] for line in text.splitlines() if " --> " in line and ": " in line
    ]
    assert labels and not any(":" in label or ";" in label for label in labels)


def test_dot_marks_terminal_states():
    text = dot(national())
    assert '"closed" [label="Closed", peripheries=2];' in text
    assert '"assessing" [label="Assessment in progress"];' in text
    assert text.count("{") == text.count("}") == 1


def test_dot_escapes_quotes_and_backslashes_in_titles():
    quoted = replace(national(), title='The "national" CAF \\ 2026')
    assert 'label="The \\"national\\" CAF \\\\ 2026";' in dot(quoted)


def test_check_reports_every_layer_of_problems_in_file_order(tmp_path):
    # The transitions come first in this file: the problems follow the lines, not the keys.
    write(
        tmp_path,
        "tiny.yaml",
        """
        id: tiny
        version: 1
        title: Tiny workflow
        initial: open
        transitions:
          - trigger: finish
            title: Finish
            source: open
            dest: done
            roles: [assessr]
        states:
          open: {title: Open, view: [assesor]}
          done: {title: Done, terminal: true, view: [assessor]}
        """,
    )
    write(
        tmp_path,
        "wrong.yaml",
        MINIMAL.replace("id: tiny", "id: wrong").replace("title", "titel", 1),
    )
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    tiny, wrong = str(tmp_path / "tiny.yaml"), str(tmp_path / "wrong.yaml")
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        f"{tiny}:10",
        f"{tiny}:12",
        tiny,
        f"{wrong}:1",
        f"{wrong}:3",
        wrong,
    ]
    assert "unknown role 'assessr'" in lines[0]
    assert "unknown role 'assesor'" in lines[1]
    assert lines[2].endswith(
        "the checks of who can take each step did not run on this file because of the "
        "problems above: fix them and check again"
    )
    assert "the checks of names, steps and graph did not run" in lines[5]
    assert lines[-1] == "4 problem(s) found."


def flask_command(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    """`flask --app webapp ...` as an administrator runs it, in its own process."""
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run(  # noqa: S603 - a fixed program and fixed arguments
        [str(flask), "--app", "webapp", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        cwd=WORKFLOWS.parent,
        timeout=300,
        check=False,
    )


def test_check_runs_when_the_live_folder_stops_the_app(tmp_path):
    """`flask caf workflows check` is how an administrator finds out why the app refuses
    to start: it must not need the app to have loaded the definitions."""
    live = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, live)
    riverside = live / "boroughs" / "riverside.yaml"
    riverside.write_text(riverside.read_text().replace("dest: quality_checked", "dest: checked"))
    environment = {**os.environ, "CAF_WORKFLOWS_PATH": str(live)}
    environment.pop("FLASK_RUN_FROM_CLI", None)
    finished = flask_command(environment, "caf", "workflows", "check")
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert f"{riverside}:" in finished.stderr
    assert "unknown state 'checked'" in finished.stderr
    served = flask_command(environment, "caf", "boroughs", "--help")
    assert served.returncode != 0
    assert "eCAF cannot start" in served.stderr


@pytest.mark.parametrize("group", ["workflows", "formdefs"])
def test_each_check_runs_when_the_live_form_definitions_stop_the_app(tmp_path, group):
    """A broken form file stops the app as a broken workflow file does, and both checks
    still say why, without a traceback; serving stays refused."""
    live = tmp_path / "formdefs"
    shutil.copytree(default_root(), live)
    closure = live / "national" / "closure.v1.yaml"
    closure.write_text(": not yaml [\n" + closure.read_text())
    environment = {**os.environ, "CAF_FORMDEFS_PATH": str(live)}
    environment.pop("FLASK_RUN_FROM_CLI", None)
    finished = flask_command(environment, "caf", group, "check")
    assert "Traceback" not in finished.stderr
    if group == "formdefs":
        assert finished.returncode == 1
        assert "closure.v1.yaml: line 1: is not valid YAML" in finished.stderr
    else:
        # The workflows name no answer of the closure form: they are still valid.
        assert finished.returncode == 0, finished.stderr
        assert "No problems found" in finished.stdout
    served = flask_command(environment, "caf", "boroughs", "--help")
    assert served.returncode != 0
    assert "eCAF cannot start: the form definitions" in served.stderr
