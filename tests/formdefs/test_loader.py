"""Loading definition files: schema and semantic refusals, and the library's queries."""

from __future__ import annotations

import pytest

from tests.formdefs.factories import base_data, overlay_data, write_tree, write_yaml
from webapp.formdefs.cli import check_paths
from webapp.formdefs.convert import form_from_dict, form_to_dict
from webapp.formdefs.loader import load_library, scan
from webapp.formdefs.problems import DefinitionError

BASE_PATH = "formdefs/national/demo.v1.yaml"


def problems_for(tmp_path, *, bases=None, overlays=()) -> list[str]:
    root = write_tree(tmp_path / "formdefs", bases=bases, overlays=overlays)
    return [str(problem) for problem in scan(root)[1]]


def test_a_valid_tree_loads_with_no_problems(tmp_path):
    assert problems_for(tmp_path, overlays=[overlay_data({"require": "nickname"})]) == []


def test_an_unknown_field_type_is_refused_naming_file_and_key(tmp_path):
    data = base_data()
    data["sections"][0]["fields"][3]["type"] = "postcode"
    [message] = problems_for(tmp_path, bases=[data])
    assert message.startswith(
        f"{BASE_PATH}: sections[0].fields[3].type: 'postcode' is not a field type; use one of: "
    )


def test_a_misspelt_key_is_refused(tmp_path):
    data = base_data()
    data["sections"][0]["fields"][3]["lable"] = "Nickname"
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[0].fields[3].lable: unknown key 'lable'"
    ]


def test_a_missing_label_is_refused(tmp_path):
    data = base_data()
    del data["sections"][1]["fields"][1]["label"]
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[1].fields[1].label: this key is required"
    ]


def test_a_duplicate_field_id_is_refused(tmp_path):
    data = base_data()
    data["sections"][1]["fields"][1]["id"] = "nickname"
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[1].fields[1].id: duplicate id 'nickname' "
        "(already used at sections[0].fields[3].id)"
    ]


def test_a_duplicate_id_inside_a_repeating_group_is_refused(tmp_path):
    data = base_data()
    data["sections"][1]["fields"][0]["fields"][1]["id"] = "full_name"
    [message] = problems_for(tmp_path, bases=[data])
    assert "sections[1].fields[0].fields[1].id: duplicate id 'full_name'" in message


def test_visible_if_on_an_unknown_field_is_refused(tmp_path):
    data = base_data()
    data["sections"][0]["fields"][6]["visible_if"] = {"field": "disabled", "equals": "yes"}
    [message] = problems_for(tmp_path, bases=[data])
    assert message.startswith(
        f"{BASE_PATH}: sections[0].fields[6].visible_if: 'disabled' is not a field of this form"
    )


def test_visible_if_on_an_answer_that_is_not_an_option_is_refused(tmp_path):
    data = base_data()
    data["sections"][0]["fields"][6]["visible_if"] = {"field": "has_disability", "equals": "maybe"}
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[0].fields[6].visible_if: 'maybe' is not an option of "
        "'has_disability' (options: yes, no)"
    ]


def test_visible_if_on_a_free_text_field_is_refused(tmp_path):
    data = base_data()
    data["sections"][0]["fields"][6]["visible_if"] = {"field": "nickname", "equals": "x"}
    [message] = problems_for(tmp_path, bases=[data])
    assert "'nickname' is a text field; conditions need a choice field" in message


def test_conditions_that_depend_on_each_other_are_refused(tmp_path):
    data = base_data()
    fields = data["sections"][0]["fields"]
    fields[4]["visible_if"] = {"field": "has_disability", "equals": "yes"}
    fields[5]["visible_if"] = {"field": "pets", "equals": "cat"}
    [message] = problems_for(tmp_path, bases=[data])
    assert "depend on each other in a loop" in message


def test_a_choice_field_without_options_is_refused(tmp_path):
    data = base_data()
    del data["sections"][0]["fields"][4]["options"]
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[0].fields[4].options: a radios field needs a list of options"
    ]


def test_yes_and_no_are_read_as_text_not_booleans(tmp_path):
    root = tmp_path / "formdefs"
    write_tree(root)
    text = (root / "national" / "demo.v1.yaml").read_text()
    text = text.replace("equals: 'yes'", "equals: yes")
    assert "equals: yes\n" in text
    (root / "national" / "demo.v1.yaml").write_text(text)
    library = load_library(root)
    condition = library.get_base("demo").find_field("disability_details").visible_if
    assert condition.values == ("yes",)


def test_a_duplicate_yaml_key_is_refused(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    path = root / "national" / "demo.v1.yaml"
    path.write_text(path.read_text().replace("title: Demo form", "title: Demo\ntitle: Again"))
    [problem] = scan(root)[1]
    assert problem.path == BASE_PATH
    assert "duplicate key 'title'" in problem.message


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    (root / "national" / "demo.v1.yaml").write_text("id: demo\nsections: [unclosed\n")
    [problem] = scan(root)[1]
    assert problem.key.startswith("line ")
    assert "is not valid YAML" in problem.message


def test_a_file_name_that_disagrees_with_its_version_is_refused(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    (root / "national" / "demo.v1.yaml").rename(root / "national" / "demo.v2.yaml")
    assert [str(problem) for problem in scan(root)[1]] == [
        "formdefs/national/demo.v2.yaml: version: the file must be named demo.v1.yaml "
        "(form id and version)"
    ]


def test_an_overlay_of_a_base_version_that_does_not_exist_is_refused(tmp_path):
    overlay = overlay_data({"require": "nickname"}, base_version=3)
    assert problems_for(tmp_path, overlays=[overlay]) == [
        "formdefs/boroughs/testshire/demo.v1.yaml: extends.version: "
        "demo version 3 does not exist (published versions: 1)"
    ]


def test_an_overlay_of_an_unknown_form_is_refused(tmp_path):
    overlay = overlay_data({"require": "nickname"})
    overlay["extends"]["form"] = "no_such_form"
    [message] = problems_for(tmp_path, overlays=[overlay])
    assert message.endswith("extends.form: there is no national form 'no_such_form'")


def test_an_overlay_whose_borough_disagrees_with_its_folder_is_refused(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    write_yaml(root / "boroughs" / "elsewhere" / "demo.v1.yaml", overlay_data({"hide": "nickname"}))
    assert [str(problem) for problem in scan(root)[1]] == [
        "formdefs/boroughs/elsewhere/demo.v1.yaml: borough: "
        "'testshire' does not match the folder boroughs/elsewhere/"
    ]


def test_an_operation_with_two_keys_is_refused(tmp_path):
    overlay = overlay_data({"hide": "nickname", "require": "pets"})
    [message] = problems_for(tmp_path, overlays=[overlay])
    assert "operations[0]: each operation must have exactly one key" in message


def test_load_library_refuses_a_tree_with_any_problem(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"hide": "gender"})])
    with pytest.raises(DefinitionError, match="'gender' is a core national field"):
        load_library(root)


def test_a_form_survives_a_round_trip_through_plain_data(tmp_path):
    library = load_library(write_tree(tmp_path / "formdefs"))
    form = library.get_base("demo", 1)
    assert form_from_dict(form_to_dict(form)) == form


def test_a_rating_scale_is_a_radios_field_with_two_or_more_plain_options(tmp_path):
    data = base_data()
    fields = data["sections"][0]["fields"]
    fields[3]["rating_scale"] = True  # nickname: a text field
    fields[4]["rating_scale"] = True  # pets: radios
    fields[4]["options"] = fields[4]["options"][:1]
    assert problems_for(tmp_path, bases=[data]) == [
        f"{BASE_PATH}: sections[0].fields[3].rating_scale: only radios fields can be a rating "
        "scale",
        f"{BASE_PATH}: sections[0].fields[4].rating_scale: a rating scale needs 2 or more "
        "options, none 'please specify'",
    ]
    fields[3]["rating_scale"] = False
    fields[4]["options"] = base_data()["sections"][0]["fields"][4]["options"]
    assert problems_for(tmp_path, bases=[data]) == []


def test_a_wrongly_named_overlay_still_reports_its_other_problems(tmp_path):
    overlay = overlay_data({"hide": "date_of_birth"}, {"require": "pets_name"})
    root = write_tree(tmp_path / "formdefs", overlays=[overlay])
    named = root / "boroughs" / "testshire" / "demo.v1.yaml"
    named.rename(named.with_name("demo.v7.yaml"))
    problems = [str(problem) for problem in scan(root)[1]]
    assert problems[0].endswith("the file must be named demo.v1.yaml (form id and version)")
    assert any(
        "operations[0].hide: 'date_of_birth' is a core national field" in p for p in problems
    )
    assert any("operations[1].require: 'pets_name' is not a field" in p for p in problems)
    library = scan(root)[0]
    assert library.boroughs() == []  # reported, never loaded
    cli_problems = [str(item) for item in check_paths([named.with_name("demo.v7.yaml")])]
    assert len(cli_problems) == 3, cli_problems
