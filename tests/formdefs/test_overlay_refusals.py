"""An overlay can never remove or weaken a core field; refusals name the file and key."""

from __future__ import annotations

import pytest

from tests.formdefs.factories import OVERLAY_PATH, base_data, base_form, overlay
from webapp.formdefs.convert import form_from_dict
from webapp.formdefs.definition import FormDefinition
from webapp.formdefs.overlay import apply_overlay
from webapp.formdefs.problems import DefinitionError


def refusal(*operations: dict) -> str:
    """The single problem an overlay is refused with, as the administrator sees it."""
    with pytest.raises(DefinitionError) as caught:
        apply_overlay(base_form(), overlay(*operations))
    problems = caught.value.problems
    assert len(problems) == 1, problems
    return str(problems[0])


def test_hiding_a_core_field_is_refused_naming_file_and_key():
    assert refusal({"require": "nickname"}, {"hide": "date_of_birth"}) == (
        f"{OVERLAY_PATH}: operations[1].hide: "
        "'date_of_birth' is a core national field and cannot be hidden"
    )


def test_removing_a_core_field_is_refused():
    assert refusal({"remove": "gender"}) == (
        f"{OVERLAY_PATH}: operations[0].remove: 'gender' is a core national field "
        "and cannot be removed"
    )


def test_removing_a_group_that_holds_a_core_field_is_refused():
    assert "'carers' is a core national field and cannot be removed" in refusal(
        {"remove": "carers"}
    )


def test_making_a_core_field_optional_is_refused():
    assert refusal({"modify": {"field": "full_name", "required": False}}) == (
        f"{OVERLAY_PATH}: operations[0].modify.required: "
        "'full_name' is a core national field and cannot be made optional"
    )


def test_hiding_a_core_field_through_modify_is_refused():
    message = refusal({"modify": {"field": "gender", "hidden": True}})
    assert message.startswith(f"{OVERLAY_PATH}: operations[0].modify.hidden: ")


def test_changing_the_type_of_a_core_field_is_refused():
    assert refusal({"modify": {"field": "gender", "type": "text"}}) == (
        f"{OVERLAY_PATH}: operations[0].modify.type: "
        "'gender' is a core national field: its type cannot be changed"
    )


def test_shortening_a_core_field_is_refused():
    assert refusal({"modify": {"field": "full_name", "max_length": 20}}) == (
        f"{OVERLAY_PATH}: operations[0].modify.max_length: 'full_name' is a core national "
        "field: its maximum length cannot be reduced below 100 characters"
    )


def test_dropping_a_core_option_is_refused():
    options = [{"value": "male", "label": "Male"}, {"value": "female", "label": "Female"}]
    assert refusal({"modify": {"field": "gender", "options": options}}) == (
        f"{OVERLAY_PATH}: operations[0].modify.options: "
        "'gender' is a core national field: option 'unknown' cannot be dropped"
    )


def test_renaming_a_core_option_is_refused():
    options = [
        {"value": "male", "label": "Boy"},
        {"value": "female", "label": "Female"},
        {"value": "unknown", "label": "Not known"},
    ]
    assert refusal({"modify": {"field": "gender", "options": options}}).endswith(
        "operations[0].modify.options: 'gender' is a core national field: "
        "option 'male' cannot be renamed"
    )


def test_making_a_core_field_conditional_is_refused():
    condition = {"field": "pets", "equals": "cat"}
    assert "operations[0].modify.visible_if" in refusal(
        {"modify": {"field": "full_name", "visible_if": condition}}
    )


def test_an_overlay_cannot_change_which_fields_are_core():
    assert "operations[0].modify.core: only the national form decides" in refusal(
        {"modify": {"field": "gender", "core": False}}
    )
    new_field = {"id": "extra", "type": "text", "label": "Extra", "core": True}
    assert "operations[0].add_field.field: 'extra': only the national form decides" in refusal(
        {"add_field": {"field": new_field, "into": "about"}}
    )


def test_hiding_a_required_optional_field_is_refused():
    assert refusal({"hide": "family_notes"}).endswith(
        "operations[0].hide: 'family_notes' is required; only optional fields can be hidden"
    )


def test_a_reorder_that_leaves_out_a_field_is_refused():
    message = refusal({"reorder_fields": {"section": "family", "order": ["carers"]}})
    assert message == (
        f"{OVERLAY_PATH}: operations[0].reorder_fields.order: the new order leaves out "
        "'family_notes'; list every item of 'family'"
    )


def test_a_section_reorder_that_leaves_out_a_section_is_refused():
    assert "operations[0].reorder_sections: the new order leaves out 'family'" in refusal(
        {"reorder_sections": ["about"]}
    )


def test_an_added_field_with_a_duplicate_id_is_refused():
    duplicate = {"id": "nickname", "type": "text", "label": "Another nickname"}
    message = refusal({"add_field": {"field": duplicate, "into": "family"}})
    assert message.startswith(f"{OVERLAY_PATH}: operations[0].add_field: duplicate id 'nickname'")


def test_an_added_field_with_a_broken_condition_is_refused():
    field = {
        "id": "pet_name",
        "type": "text",
        "label": "Pet's name",
        "visible_if": {"field": "pets", "equals": "hamster"},
    }
    message = refusal({"add_field": {"field": field, "after": "pets"}})
    assert "operations[0].add_field: 'hamster' is not an option of 'pets'" in message


def test_removing_a_field_another_field_depends_on_is_refused():
    pet_name = {
        "id": "pet_name",
        "type": "text",
        "label": "Pet's name",
        "visible_if": {"field": "pets", "equals": "cat"},
    }
    message = refusal({"add_field": {"field": pet_name, "after": "pets"}}, {"remove": "pets"})
    assert "operations[1].remove: 'pets' is not a field of this form" in message


def test_an_operation_on_an_unknown_field_is_refused():
    assert refusal({"relabel": {"id": "dob", "label": "Born"}}) == (
        f"{OVERLAY_PATH}: operations[0].relabel.id: "
        "'dob' is not the form, a section or a question of demo version 1"
    )


def test_every_refused_operation_is_reported_not_only_the_first():
    with pytest.raises(DefinitionError) as caught:
        apply_overlay(base_form(), overlay({"hide": "gender"}, {"remove": "full_name"}))
    keys = [problem.key for problem in caught.value.problems]
    assert keys == ["operations[0].hide", "operations[1].remove"]


def test_an_overlay_for_another_version_is_refused():
    other = FormDefinition(**{**base_form().__dict__, "version": 2})
    with pytest.raises(DefinitionError, match="does not extend demo version 2"):
        apply_overlay(other, overlay({"require": "nickname"}))


def test_a_core_field_inside_a_non_core_group_cannot_be_dropped_by_rewriting_the_group():
    data = base_data()
    data["sections"][1]["fields"][0]["core"] = False  # the group is local, its name column is not
    base = form_from_dict(data, "formdefs/national/demo.v1.yaml")
    rewrite = {"field": "carers", "fields": [{"id": "carer_email", "type": "email", "label": "E"}]}
    with pytest.raises(DefinitionError) as caught:
        apply_overlay(base, overlay({"modify": rewrite}))
    assert [str(problem) for problem in caught.value.problems] == [
        f"{OVERLAY_PATH}: operations[0].modify: "
        "'carer_name' is a core national field and cannot be removed"
    ]


NEW_SECTION = {
    "id": "school",
    "title": "School",
    "fields": [{"id": "school_name", "type": "text", "label": "School"}],
}


def test_a_section_or_options_placed_by_something_that_is_not_there_are_refused():
    section = refusal({"add_section": {"section": NEW_SECTION, "after": "garden"}})
    assert section.startswith(f"{OVERLAY_PATH}: operations[0].add_section.after: 'garden' is not")
    assert "is not a section of" in section
    options = {"field": "pets", "before": "hamster", "options": [{"value": "fish", "label": "F"}]}
    assert refusal({"add_options": options}) == (
        f"{OVERLAY_PATH}: operations[0].add_options.before: 'hamster' is not an option of 'pets'"
    )


def test_a_place_both_before_and_after_is_refused():
    assert "give either before or after, not both" in refusal(
        {"add_section": {"section": NEW_SECTION, "before": "about", "after": "family"}}
    )
