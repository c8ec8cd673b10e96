"""`formdefs check` and `formdefs show`, through their pure functions and the click group."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from tests.formdefs.factories import overlay_data, write_tree, write_yaml
from webapp.formdefs.cli import check_paths, formdefs, show_effective
from webapp.formdefs.problems import Problem


def test_check_paths_reports_nothing_for_a_valid_folder(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"hide": "nickname"})])
    assert check_paths([root]) == []


def test_check_paths_checks_a_single_overlay_against_its_tree(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    path = write_yaml(
        root / "boroughs" / "testshire" / "demo.v1.yaml", overlay_data({"hide": "gender"})
    )
    assert check_paths([path]) == [
        Problem(
            str(path),
            "operations[0].hide",
            "'gender' is a core national field and cannot be hidden",
        )
    ]


def test_check_paths_reports_a_missing_path(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert check_paths([missing]) == [Problem(str(missing), "", "no such file or folder")]


def test_the_check_command_fails_with_actionable_messages(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"remove": "full_name"})])
    result = CliRunner().invoke(formdefs, ["check", str(root)])
    assert result.exit_code == 1
    assert (
        "formdefs/boroughs/testshire/demo.v1.yaml: operations[0].remove: "
        "'full_name' is a core national field and cannot be removed"
    ) in result.output


def test_the_check_command_passes_the_shipped_definitions():
    result = CliRunner().invoke(formdefs, ["check"])
    assert result.exit_code == 0, result.output
    assert "All form definitions are valid." in result.output


def test_show_effective_prints_the_merged_form_as_yaml(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"hide": "nickname"})])
    shown = yaml.safe_load(show_effective("testshire", "demo", root=root))
    assert (shown["borough"], shown["overlay_version"], shown["version"]) == ("testshire", 1, 1)
    nickname = next(f for f in shown["sections"][0]["fields"] if f["id"] == "nickname")
    assert nickname["hidden"] is True


def test_show_national_prints_the_base_form(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"hide": "nickname"})])
    shown = yaml.safe_load(show_effective("national", "demo", 1, root=root))
    assert "borough" not in shown
    assert shown["id"] == "demo"


def test_the_show_command_prints_a_borough_form_and_refuses_unknown_versions():
    runner = CliRunner()
    shown = runner.invoke(formdefs, ["show", "northgate", "caf_assessment", "--version", "1"])
    assert shown.exit_code == 0, shown.output
    assert "co_author_name" in shown.output
    unknown = runner.invoke(formdefs, ["show", "northgate", "caf_assessment", "--version", "9"])
    assert unknown.exit_code == 1
    assert "caf_assessment has no version 9" in unknown.output
