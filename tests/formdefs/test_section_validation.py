"""Validating a page: conditions, hidden and unknown answers, repeating groups, strengths
and needs blocks and "please specify" follow-ups."""

from __future__ import annotations

from datetime import date

from tests.formdefs.factories import base_form, overlay
from webapp.formdefs.convert import section_from_dict
from webapp.formdefs.overlay import apply_overlay
from webapp.formdefs.validation import is_visible, validate_form, validate_section

TODAY = date(2024, 6, 15)


def about(answers, **options):
    return validate_section(base_form().sections[0], answers, today=TODAY, **options)


VALID_ABOUT = {"full_name": "Sam Smith", "date_of_birth": "2015-05-01"}


def test_a_complete_page_gives_its_normalised_values_and_no_errors():
    result = about({**VALID_ABOUT, "gender": "female", "has_disability": "no"})
    assert result.is_valid
    assert result.values == {
        "full_name": "Sam Smith",
        "date_of_birth": "2015-05-01",
        "gender": "female",
        "has_disability": "no",
    }


def test_errors_are_listed_in_the_order_of_the_page():
    result = about({"gender": "robot"})
    assert list(result.errors) == ["full_name", "date_of_birth", "gender"]


def test_a_conditional_field_is_checked_and_kept_only_when_shown():
    shown = about({**VALID_ABOUT, "has_disability": "yes", "disability_details": "Deaf"})
    assert shown.values["disability_details"] == "Deaf"
    not_shown = about({**VALID_ABOUT, "has_disability": "no", "disability_details": "Deaf"})
    assert "disability_details" not in not_shown.values


def test_unknown_answer_keys_are_dropped():
    result = about({**VALID_ABOUT, "is_admin": "yes"})
    assert "is_admin" not in result.values


def test_a_field_hidden_by_an_overlay_is_neither_checked_nor_stored():
    merged = apply_overlay(base_form(), overlay({"hide": "pets"}))
    result = validate_section(merged.sections[0], {**VALID_ABOUT, "pets": "tampered"}, today=TODAY)
    assert result.is_valid
    assert "pets" not in result.values


def test_a_condition_can_look_at_another_sections_answers():
    section = section_from_dict(
        {
            "id": "more",
            "title": "More",
            "fields": [
                {
                    "id": "details",
                    "type": "text",
                    "label": "Details",
                    "required": True,
                    "visible_if": {"field": "has_disability", "equals": "yes"},
                }
            ],
        }
    )
    result = validate_section(section, {}, context={"has_disability": "yes"}, today=TODAY)
    assert result.errors == {"details": "Enter details"}
    assert validate_section(section, {}, context={"has_disability": "no"}, today=TODAY).is_valid


def test_is_visible_follows_conditions_and_overlay_hiding():
    form = base_form()
    details = form.find_field("disability_details")
    assert is_visible(details, {"has_disability": "yes"})
    assert not is_visible(details, {"has_disability": "no"})
    merged = apply_overlay(form, overlay({"hide": "nickname"}))
    assert not is_visible(merged.find_field("nickname"), {})


# --- repeating groups ---------------------------------------------------------------------


def family(answers):
    return validate_section(base_form().sections[1], answers, today=TODAY)


def test_a_repeating_group_checks_each_item_and_names_errors_like_the_inputs():
    result = family(
        {
            "family_notes": "Lives with mum",
            "carers": [
                {"carer_name": "Alex", "carer_email": "alex@example.com"},
                {"carer_name": "", "carer_email": "not-an-email"},
            ],
        }
    )
    assert result.errors == {
        "carers-1-carer_name": "Enter carer's name",
        "carers-1-carer_email": (
            "Enter an email address in the correct format, like name@example.com"
        ),
    }


def test_blank_items_of_a_repeating_group_are_dropped():
    result = family(
        {"family_notes": "x", "carers": [{"carer_name": "Alex"}, {"carer_name": " ", "x": ""}]}
    )
    assert result.values["carers"] == [{"carer_name": "Alex"}]


def test_a_repeating_group_enforces_its_minimum_and_maximum():
    section = section_from_dict(
        {
            "id": "plan",
            "title": "Plan",
            "fields": [
                {
                    "id": "actions",
                    "type": "repeating_group",
                    "label": "Agreed actions",
                    "item_label": "action",
                    "min_items": 1,
                    "max_items": 2,
                    "fields": [{"id": "what", "type": "text", "label": "What"}],
                }
            ],
        }
    )

    def errors(items):
        return validate_section(section, {"actions": items}, today=TODAY).errors

    assert errors([]) == {"actions": "Add at least one action"}
    assert errors([{"what": "a"}]) == {}
    assert errors([{"what": "a"}, {"what": "b"}, {"what": "c"}]) == {
        "actions": "You can add up to 2 entries to agreed actions"
    }
    assert errors("not a list") == {"actions": "Agreed actions could not be read"}


# --- strengths and needs ------------------------------------------------------------------


def strengths_needs_section():
    return section_from_dict(
        {
            "id": "development",
            "title": "Development",
            "fields": [
                {
                    "id": "development_strengths_needs",
                    "type": "strengths_needs",
                    "label": "Development",
                    "required": True,
                    "max_length": 20,
                    "elements": [
                        {"id": "general_health", "label": "General health"},
                        {"id": "aspirations", "label": "Aspirations"},
                    ],
                }
            ],
        }
    )


def test_a_strengths_and_needs_block_keeps_answered_elements_only():
    answers = {
        "development_strengths_needs": {
            "general_health": {"strengths": "Healthy", "needs": "", "not_discussed": ""},
            "aspirations": {"not_discussed": "yes"},
            "made_up": {"strengths": "dropped"},
        }
    }
    result = validate_section(strengths_needs_section(), answers, today=TODAY)
    assert result.values == {
        "development_strengths_needs": {
            "general_health": {"strengths": "Healthy"},
            "aspirations": {"not_discussed": True},
        }
    }


def test_a_strengths_and_needs_block_limits_each_box_and_names_the_element():
    answers = {"development_strengths_needs": {"general_health": {"needs": "x" * 21}}}
    result = validate_section(strengths_needs_section(), answers, today=TODAY)
    assert result.errors == {
        "development_strengths_needs-general_health-needs": (
            "Needs for general health must be 20 characters or fewer"
        )
    }


def test_a_required_strengths_and_needs_block_needs_at_least_one_element():
    result = validate_section(strengths_needs_section(), {}, today=TODAY)
    assert result.errors == {
        "development_strengths_needs": (
            "Record strengths or needs for at least one area of development"
        )
    }


def test_a_tampered_not_discussed_flag_is_refused():
    answers = {"development_strengths_needs": {"aspirations": {"not_discussed": "<script>"}}}
    result = validate_section(strengths_needs_section(), answers, today=TODAY)
    assert list(result.errors) == ["development_strengths_needs-aspirations-not_discussed"]


# --- "please specify" -----------------------------------------------------------------------


def ethnicity_section():
    return section_from_dict(
        {
            "id": "identity",
            "title": "Identity",
            "fields": [
                {
                    "id": "ethnicity",
                    "type": "radios",
                    "label": "Ethnicity",
                    "options": [
                        {"value": "white_british", "label": "British"},
                        {
                            "value": "white_other",
                            "label": "Any other White background",
                            "specify": {
                                "id": "ethnicity_white_other_details",
                                "type": "text",
                                "label": "Describe the background",
                                "short_label": "Background",
                                "max_length": 10,
                            },
                        },
                    ],
                }
            ],
        }
    )


def test_a_please_specify_answer_is_required_when_its_option_is_chosen():
    result = validate_section(ethnicity_section(), {"ethnicity": "white_other"}, today=TODAY)
    assert result.errors == {
        "ethnicity_white_other_details": "Give details of any other White background"
    }


def test_a_please_specify_answer_is_stored_beside_the_choice():
    answers = {"ethnicity": "white_other", "ethnicity_white_other_details": "Polish"}
    result = validate_section(ethnicity_section(), answers, today=TODAY)
    assert result.values == answers


def test_a_please_specify_answer_is_dropped_when_its_option_is_not_chosen():
    answers = {"ethnicity": "white_british", "ethnicity_white_other_details": "Polish"}
    result = validate_section(ethnicity_section(), answers, today=TODAY)
    assert result.values == {"ethnicity": "white_british"}


def test_a_please_specify_answer_has_a_length_limit():
    answers = {"ethnicity": "white_other", "ethnicity_white_other_details": "x" * 11}
    result = validate_section(ethnicity_section(), answers, today=TODAY)
    assert result.errors == {
        "ethnicity_white_other_details": "Background must be 10 characters or fewer"
    }


def test_validate_form_checks_every_section():
    results = validate_form(base_form(), {**VALID_ABOUT}, today=TODAY)
    assert results["about"].is_valid
    assert results["family"].errors == {"family_notes": "Enter family notes"}
