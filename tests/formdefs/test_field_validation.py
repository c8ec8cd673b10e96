"""Each field type accepts good answers (normalised) and rejects bad ones in GOV.UK words."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.formdefs.convert import field_from_dict
from webapp.formdefs.definition import Field
from webapp.formdefs.validation import validate_field

TODAY = date(2024, 6, 15)


def make(**data) -> Field:
    return field_from_dict({"id": "answer", "label": "Answer", **data})


def check(field: Field, raw, **answers):
    """(value, error) for one answer."""
    result = validate_field(field, raw, answers=answers, today=TODAY)
    return result.values.get(field.id), result.errors.get(field.id)


# --- text ---------------------------------------------------------------------------------


def test_text_is_trimmed_and_stored_as_typed():
    assert check(make(type="text"), "  Sam  ") == ("Sam", None)


def test_html_in_an_answer_is_kept_as_plain_text():
    script = "<script>alert('x')</script> & <b>bold</b>"
    assert check(make(type="textarea"), script) == (script, None)


def test_control_characters_are_removed_from_text():
    assert check(make(type="textarea"), "a\x00b\r\nc") == ("ab\nc", None)


def test_text_over_the_maximum_length_is_refused():
    field = make(type="textarea", label="Family structure", max_length=500)
    assert check(field, "x" * 500) == ("x" * 500, None)
    assert check(field, "x" * 501) == (None, "Family structure must be 500 characters or fewer")


def test_text_without_a_maximum_still_has_a_default_limit():
    assert check(make(type="text", label="Name"), "x" * 501)[1] == (
        "Name must be 500 characters or fewer"
    )


def test_a_required_text_field_left_blank_asks_to_enter_it():
    assert check(make(type="text", label="Family name", required=True), "   ") == (
        None,
        "Enter family name",
    )


def test_a_definition_can_reword_an_error():
    field = make(type="text", required=True, errors={"required": "Enter the child's name"})
    assert check(field, "")[1] == "Enter the child's name"


def test_a_non_text_value_for_a_text_field_is_refused():
    assert check(make(type="text", label="Name"), {"a": 1})[1] == "Name must be text"


# --- number -------------------------------------------------------------------------------


def test_numbers_are_whole_numbers_within_limits():
    field = make(type="number", label="Number of siblings", min=0, max=20)
    assert check(field, " 3 ") == (3, None)
    assert check(field, 4) == (4, None)
    assert check(field, "three")[1] == "Number of siblings must be a number"
    assert check(field, "2.5")[1] == "Number of siblings must be a whole number"
    assert check(field, "-1")[1] == "Number of siblings must be 0 or more"
    assert check(field, "21")[1] == "Number of siblings must be 20 or less"
    assert check(field, True)[1] == "Number of siblings must be a number"


# --- dates --------------------------------------------------------------------------------


def parts(day, month, year):
    return {"day": day, "month": month, "year": year}


def test_a_date_is_stored_as_iso_text():
    assert check(make(type="date"), parts("7", "3", "2019")) == ("2019-03-07", None)
    assert check(make(type="date"), "2019-03-07") == ("2019-03-07", None)


def test_an_impossible_date_must_be_a_real_date():
    field = make(type="date", label="Date of birth")
    assert check(field, parts("31", "2", "2020"))[1] == "Date of birth must be a real date"
    assert check(field, parts("1", "13", "2020"))[1] == "Date of birth must be a real date"
    assert check(field, parts("x", "1", "2020"))[1] == "Date of birth must be a real date"
    assert check(field, parts("1", "1", "20"))[1] == "Date of birth must be a real date"
    assert check(field, "2020-02-30")[1] == "Date of birth must be a real date"


def test_a_partly_entered_date_says_what_is_missing():
    field = make(type="date", label="Date of birth")
    assert check(field, parts("1", "", ""))[1] == "Date of birth must include a month and year"


def test_a_required_date_left_blank_uses_the_definitions_wording():
    field = make(
        type="date",
        label="Date of birth",
        required=True,
        errors={"required": "Enter the child's date of birth"},
    )
    assert check(field, parts("", "", ""))[1] == "Enter the child's date of birth"


def test_a_past_date_cannot_be_in_the_future():
    field = make(type="date", label="Date started", date_rule="past")
    assert check(field, "2024-06-15") == ("2024-06-15", None)
    assert check(field, "2024-06-16")[1] == "Date started must be today or in the past"


def test_a_future_date_cannot_be_in_the_past():
    field = make(type="date", label="Review date", date_rule="future")
    assert check(field, "2024-06-14")[1] == "Review date must be today or in the future"


def unborn_aware_date() -> Field:
    return field_from_dict(
        {
            "id": "answer",
            "type": "date",
            "label": "Date of birth or expected date of delivery",
            "short_label": "Date of birth",
            "date_rule": "birth_or_due",
            "unborn_if": {"field": "unborn", "equals": "yes"},
        }
    )


def test_a_date_of_birth_must_be_in_the_past():
    field = unborn_aware_date()
    assert check(field, "2024-06-15", unborn="no") == ("2024-06-15", None)
    assert check(field, "2024-07-01", unborn="no")[1] == "Date of birth must be in the past"


def test_an_expected_delivery_date_must_be_within_the_next_ten_months():
    field = unborn_aware_date()
    assert check(field, "2025-04-15", unborn="yes") == ("2025-04-15", None)
    assert check(field, "2025-04-16", unborn="yes")[1] == (
        "Expected date of delivery must be within the next 10 months"
    )
    assert check(field, "2024-06-01", unborn="yes")[1] == (
        "Expected date of delivery must be today or in the future"
    )


def test_without_an_unborn_question_a_birth_date_may_be_a_near_due_date():
    field = make(type="date", label="Date of birth", date_rule="birth_or_due")
    assert check(field, "2024-12-01") == ("2024-12-01", None)
    assert check(field, "2026-01-01")[1] == (
        "Date of birth must be in the past, or within the next 10 months for an expected "
        "date of delivery"
    )


# --- choices ------------------------------------------------------------------------------

GENDER_OPTIONS = [{"value": "male", "label": "Male"}, {"value": "female", "label": "Female"}]


@pytest.mark.parametrize("field_type", ["radios", "select"])
def test_a_single_choice_must_be_one_of_the_options(field_type):
    field = make(type=field_type, label="Gender", options=GENDER_OPTIONS, required=True)
    assert check(field, "female") == ("female", None)
    assert check(field, "robot")[1] == "Select an option from the list"
    assert check(field, ["male"])[1] == "Select an option from the list"
    assert check(field, "")[1] == "Select gender"


def test_yes_no_accepts_only_yes_or_no():
    field = make(type="yes_no", label="Disability?", required=True)
    assert check(field, "yes") == ("yes", None)
    assert check(field, "maybe")[1] == "Select an option from the list"
    assert check(field, None)[1] == "Select yes or no"


def test_checkboxes_keep_the_options_order_and_refuse_values_not_in_the_list():
    field = make(type="checkboxes", label="Worries", options=GENDER_OPTIONS)
    assert check(field, ["female", "male", "female"]) == (["male", "female"], None)
    assert check(field, "male") == (["male"], None)
    assert check(field, ["male", "tampered"])[1] == "Select an option from the list"
    assert check(field, []) == (None, None)


# --- formatted answers --------------------------------------------------------------------


def test_email_addresses_must_look_like_email_addresses():
    field = make(type="email", label="Email")
    assert check(field, " sam@example.com ") == ("sam@example.com", None)
    assert check(field, "sam@example")[1] == (
        "Enter an email address in the correct format, like name@example.com"
    )


PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


@pytest.mark.parametrize(
    "number",
    ["01632 960 001", "07700 900 982", "+44 808 157 0192", "(020) 7946 0000", "+33 1 23 45 67 89"],
)
def test_uk_and_international_telephone_numbers_are_accepted(number):
    assert check(make(type="uk_phone"), number) == (number, None)


@pytest.mark.parametrize("number", ["123", "call me", "01632 960 001 001", "+44 12"])
def test_malformed_telephone_numbers_are_refused(number):
    assert check(make(type="uk_phone"), number)[1] == PHONE_MESSAGE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_are_accepted_and_normalised(typed, stored):
    assert check(make(type="uk_postcode"), typed) == (stored, None)


@pytest.mark.parametrize("postcode", ["SW1A", "12345", "SW1A 1AAA", "QQ1 1CI", "<b>N1</b>"])
def test_malformed_postcodes_are_refused(postcode):
    assert check(make(type="uk_postcode"), postcode)[1] == "Enter a real postcode"


def test_a_valid_nhs_number_is_accepted_and_spaced():
    assert check(make(type="nhs_number"), "9434765919") == ("943 476 5919", None)
    assert check(make(type="nhs_number"), "943-476-5919") == ("943 476 5919", None)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "abcdefghij"])
def test_nhs_numbers_with_a_bad_checksum_or_length_are_refused(number):
    assert check(make(type="nhs_number"), number)[1] == "Enter a valid NHS number"


def test_an_nhs_number_whose_check_digit_would_be_ten_is_refused():
    # 100000001x: weighted sum 1*10 + 1*2 = 12, 11 - (12 mod 11) = 10, which no digit matches.
    for last in "0123456789":
        assert check(make(type="nhs_number"), f"100000001{last}")[1] == "Enter a valid NHS number"


def test_validating_a_stored_value_again_gives_the_same_value():
    cases = [
        (make(type="uk_postcode"), "sw1a1aa"),
        (make(type="nhs_number"), "9434765919"),
        (make(type="date"), parts("7", "3", "2019")),
        (make(type="number"), "12"),
        (make(type="checkboxes", options=GENDER_OPTIONS), ["female"]),
    ]
    for field, raw in cases:
        stored, error = check(field, raw)
        assert error is None
        assert check(field, stored) == (stored, None)
