"""Each overlay operation changes the form by id, and leaves the base form untouched."""

from __future__ import annotations

import dataclasses

from tests.formdefs.factories import base_form, overlay
from webapp.formdefs.definition import FieldType, FormDefinition
from webapp.formdefs.overlay import apply_overlay


def replace_field(form: FormDefinition, field_id: str, **changes: object) -> FormDefinition:
    sections = tuple(
        dataclasses.replace(
            section,
            fields=tuple(
                dataclasses.replace(item, **changes) if item.id == field_id else item
                for item in section.fields
            ),
        )
        for section in form.sections
    )
    return dataclasses.replace(form, sections=sections)


def field_ids(form: FormDefinition, section_id: str) -> list[str]:
    section = form.find_section(section_id)
    assert section is not None
    return [field.id for field in section.fields]


def test_add_section_after_a_section_puts_it_there():
    new_section = {
        "id": "index_check",
        "title": "Checking the child index",
        "fields": [{"id": "index_checked", "type": "yes_no", "label": "Checked?"}],
    }
    merged = apply_overlay(
        base_form(), overlay({"add_section": {"section": new_section, "after": "about"}})
    )
    assert [section.id for section in merged.sections] == ["about", "index_check", "family"]


def test_add_section_before_a_section_and_at_the_end():
    first = {"id": "first", "title": "First", "fields": [{"id": "a", "type": "text", "label": "A"}]}
    last = {"id": "last", "title": "Last", "fields": [{"id": "b", "type": "text", "label": "B"}]}
    merged = apply_overlay(
        base_form(),
        overlay(
            {"add_section": {"section": first, "before": "about"}},
            {"add_section": {"section": last}},
        ),
    )
    assert [section.id for section in merged.sections] == ["first", "about", "family", "last"]


def test_add_field_after_a_field_inserts_it_next_to_that_field():
    nhs = {"id": "nhs_number", "type": "nhs_number", "label": "NHS number"}
    merged = apply_overlay(
        base_form(), overlay({"add_field": {"field": nhs, "after": "date_of_birth"}})
    )
    ids = field_ids(merged, "about")
    assert ids[ids.index("date_of_birth") + 1] == "nhs_number"
    assert merged.find_field("nhs_number").type is FieldType.NHS_NUMBER


def test_add_field_before_a_field_inserts_it_in_front():
    school = {"id": "school", "type": "text", "label": "School attended"}
    merged = apply_overlay(
        base_form(), overlay({"add_field": {"field": school, "before": "gender"}})
    )
    ids = field_ids(merged, "about")
    assert ids.index("school") == ids.index("gender") - 1


def test_add_field_into_a_section_appends_it():
    carer = {"id": "young_carer", "type": "yes_no", "label": "Young carer?"}
    merged = apply_overlay(base_form(), overlay({"add_field": {"field": carer, "into": "family"}}))
    assert field_ids(merged, "family")[-1] == "young_carer"


def test_add_field_into_a_repeating_group_adds_a_sub_field():
    phone = {"id": "carer_phone", "type": "uk_phone", "label": "Carer's phone"}
    merged = apply_overlay(base_form(), overlay({"add_field": {"field": phone, "into": "carers"}}))
    group = merged.find_field("carers")
    assert [field.id for field in group.fields] == ["carer_name", "carer_email", "carer_phone"]


def test_relabel_changes_a_field_label_a_section_title_and_the_form_title():
    merged = apply_overlay(
        base_form(),
        overlay(
            {"relabel": {"id": "pets", "label": "Pets in the home"}},
            {"relabel": {"id": "family", "label": "Family and home"}},
            {"relabel": {"id": "demo", "label": "Riverside demo form"}},
            {"hint": {"id": "demo", "hint": "Fill this in with the family."}},
        ),
    )
    assert merged.find_field("pets").label == "Pets in the home"
    assert merged.find_section("family").title == "Family and home"
    assert (merged.title, merged.description) == (
        "Riverside demo form",
        "Fill this in with the family.",
    )


def test_a_relabel_takes_the_short_label_with_it_unless_it_gives_one():
    base = base_form()
    base = replace_field(base, "pets", short_label="Pets")
    merged = apply_overlay(base, overlay({"relabel": {"id": "pets", "label": "Animals at home"}}))
    assert merged.find_field("pets").name == "Animals at home"
    given = {"relabel": {"id": "pets", "label": "Animals at home", "short_label": "Animals"}}
    assert apply_overlay(base, overlay(given)).find_field("pets").name == "Animals"


def test_hint_adds_a_hint_to_a_field_and_guidance_to_a_section():
    merged = apply_overlay(
        base_form(),
        overlay(
            {"hint": {"id": "nickname", "hint": "What friends call the child"}},
            {"hint": {"id": "about", "hint": "Local guidance for this page"}},
        ),
    )
    assert merged.find_field("nickname").hint == "What friends call the child"
    assert merged.find_section("about").description == "Local guidance for this page"


def test_add_options_appends_or_places_options_and_can_add_a_please_specify():
    merged = apply_overlay(
        base_form(),
        overlay(
            {"add_options": {"field": "pets", "options": [{"value": "fish", "label": "Fish"}]}},
            {
                "add_options": {
                    "field": "gender",
                    "after": "female",
                    "options": [
                        {
                            "value": "other",
                            "label": "Other",
                            "specify": {"id": "gender_other", "type": "text", "label": "Describe"},
                        }
                    ],
                }
            },
        ),
    )
    assert [option.value for option in merged.find_field("pets").options] == ["cat", "dog", "fish"]
    gender_values = [option.value for option in merged.find_field("gender").options]
    assert gender_values == ["male", "female", "other", "unknown"]
    assert merged.find_field("gender_other") is not None


def test_require_makes_an_optional_field_required():
    merged = apply_overlay(base_form(), overlay({"require": "nickname"}))
    assert merged.find_field("nickname").required is True


def test_hide_hides_an_optional_field_without_removing_it():
    merged = apply_overlay(base_form(), overlay({"hide": "nickname"}))
    assert merged.find_field("nickname").hidden is True
    assert "nickname" not in [field.id for field in merged.find_section("about").visible_fields]


def test_remove_takes_out_an_optional_non_core_field():
    merged = apply_overlay(base_form(), overlay({"remove": "pets"}))
    assert merged.find_field("pets") is None


def test_reorder_fields_sets_the_order_within_a_section():
    merged = apply_overlay(
        base_form(),
        overlay({"reorder_fields": {"section": "family", "order": ["family_notes", "carers"]}}),
    )
    assert field_ids(merged, "family") == ["family_notes", "carers"]


def test_reorder_sections_sets_the_order_of_sections():
    merged = apply_overlay(base_form(), overlay({"reorder_sections": ["family", "about"]}))
    assert [section.id for section in merged.sections] == ["family", "about"]


def test_modify_may_strengthen_a_core_field():
    merged = apply_overlay(
        base_form(),
        overlay(
            {
                "modify": {
                    "field": "gender",
                    "required": True,
                    "errors": {"required": "Select the child's sex"},
                }
            },
            {"modify": {"field": "full_name", "max_length": 300}},
        ),
    )
    gender = merged.find_field("gender")
    assert (gender.required, gender.core) == (True, True)
    assert gender.errors == (("required", "Select the child's sex"),)
    assert merged.find_field("full_name").max_length == 300


def test_modify_may_change_a_non_core_field_freely():
    merged = apply_overlay(
        base_form(),
        overlay({"modify": {"field": "nickname", "type": "textarea", "max_length": 50}}),
    )
    nickname = merged.find_field("nickname")
    assert (nickname.type, nickname.max_length) == (FieldType.TEXTAREA, 50)


def test_the_merged_form_records_the_borough_and_overlay_version():
    merged = apply_overlay(base_form(), overlay({"require": "nickname"}))
    assert (merged.borough, merged.overlay_version, merged.version) == ("testshire", 1, 1)


def test_applying_an_overlay_leaves_the_base_form_unchanged():
    base = base_form()
    before = base_form()
    apply_overlay(base, overlay({"hide": "nickname"}, {"relabel": {"id": "about", "label": "X"}}))
    assert base == before
