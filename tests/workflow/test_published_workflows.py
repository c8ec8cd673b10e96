"""A published workflow file never changes (its SHA-256 is recorded in
workflows/published.sha256): an edit in place is refused at start-up and by `workflows
check`, and `workflows publish` records a new version once it checks clean."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from tests.workflow.factories import WORKFLOWS
from webapp import create_app
from webapp.episodes import workflow
from webapp.workflow import published
from webapp.workflow.cli import check_paths, workflows
from webapp.workflow.loader import definition_files


def run(*arguments):
    return CliRunner().invoke(workflows, list(arguments))


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, copy)
    return copy


def start(folder):
    return create_app(
        {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "WORKFLOWS_PATH": str(folder)}
    )


def test_every_shipped_workflow_file_is_recorded_as_published_and_unchanged():
    recorded, unreadable = published.recorded(WORKFLOWS)
    assert unreadable == []
    files = definition_files(WORKFLOWS) + definition_files(WORKFLOWS, administration=True)
    names = {file.relative_to(WORKFLOWS).as_posix() for file in files}
    assert names == set(recorded), "record new versions with `caf workflows publish`"
    assert published.folder_problems(WORKFLOWS) == []


def test_a_published_file_edited_in_place_stops_the_app(folder):
    caf = folder / "caf.yaml"
    caf.write_text(caf.read_text().replace("title: Needs identified", "title: Concern"))
    with pytest.raises(workflow.WorkflowConfigurationError) as refused:
        start(folder)
    message = str(refused.value)
    assert f"{caf}: version: this published version has been changed in place" in message
    assert "make the change in a copy with a higher version" in message


def test_check_refuses_a_published_file_edited_in_place_folder_or_file(folder):
    riverside = folder / "boroughs" / "riverside.yaml"
    riverside.write_text(riverside.read_text().replace("review_interval_days: 42", "x: 1"))
    for target in (folder, riverside):
        result = run("check", str(target))
        assert result.exit_code == 1
        assert f"{riverside}: version: this published version has been changed" in result.output
        assert "flask --app webapp caf workflows publish" in result.output


def test_a_published_file_that_disappeared_is_reported(folder):
    (folder / "boroughs" / "riverside.yaml").unlink()
    messages = [problem.message for problem in check_paths([folder])]
    assert any("is recorded as published" in message for message in messages), messages


def test_a_new_version_is_recorded_by_publish_and_then_fixed(folder):
    new = folder / "caf.v2.yaml"
    new.write_text((folder / "caf.yaml").read_text().replace("version: 1", "version: 2", 1))
    assert check_paths([folder]) == []  # not yet published: it may still change
    result = run("publish", str(folder))
    assert result.exit_code == 0, result.output
    assert "Recorded as published: caf.v2.yaml" in result.output
    assert "caf.v2.yaml" in published.recorded(folder)[0]
    again = run("publish", str(folder))
    assert "already recorded as published" in again.output
    new.write_text(new.read_text().replace("title: Consent refused", "title: Refused"))
    [problem] = check_paths([folder])
    assert (problem.file, problem.key) == (str(new), "version")
    with pytest.raises(workflow.WorkflowConfigurationError):
        start(folder)


def test_publish_records_nothing_while_the_folder_has_problems(folder):
    new = folder / "caf.v2.yaml"
    text = (folder / "caf.yaml").read_text().replace("version: 1", "version: 2", 1)
    new.write_text(text.replace("initial: identified", "initial: identifed"))
    before = (folder / published.MANIFEST).read_text()
    result = run("publish", str(folder))
    assert result.exit_code == 1
    assert "unknown state 'identifed'" in result.output
    assert (folder / published.MANIFEST).read_text() == before
