"""Each field type drawn as GOV.UK markup and checked on the server, through HTTP."""

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from webapp import db
from webapp.assessments import pages, services
from webapp.assessments.models import FormResponse
from webapp.formdefs import FieldType, validate_section


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def summary(response):
    return [
        (link.get_text(strip=True), link["href"])
        for link in soup_of(response).select(".govuk-error-summary__list a")
    ]


def stored(pages):
    return db.session.get(FormResponse, pages.response.id).answers()


def test_text_textarea_phone_and_postcode_are_drawn_as_gov_uk_inputs(national):
    page = soup_of(national.client.get(national.section("identifying_details")))
    assert page.select_one("input#given_names.govuk-input[type=text]")
    assert page.select_one("textarea#address.govuk-textarea")
    assert page.select_one("input#contact_telephone[type=tel]")
    assert page.select_one("input#postcode.govuk-input--width-10")
    assert page.select_one("label[for=given_names]").get_text(strip=True) == "Given name(s)"


def test_a_date_has_three_inputs_and_its_error_links_to_the_first_wrong_part(national):
    page = soup_of(national.client.get(national.section("assessment_information")))
    for part in ("day", "month", "year"):
        assert page.select_one(f"input#date_assessment_started-{part}")
    response = national.save(
        "assessment_information",
        {
            "date_assessment_started-day": "12",
            "date_assessment_started-month": "13",
            "date_assessment_started-year": "2024",
            "reason_for_assessment": "Worries",
        },
    )
    assert response.status_code == 200
    assert ("Date started must be a real date", "#date_assessment_started-month") in summary(
        response
    )


def test_a_date_missing_a_part_names_the_part(national):
    response = national.save(
        "assessment_information",
        {
            "date_assessment_started-day": "1",
            "reason_for_assessment": "Worries",
        },
    )
    assert ("Date started must include a month and year", "#date_assessment_started-month") in (
        summary(response)
    )


def test_a_post_missing_the_date_inputs_altogether_is_not_an_error_page(national):
    response = national.save("assessment_information", {"reason_for_assessment": "Worries"})
    assert response.status_code == 200
    assert ("Enter the date the assessment started", "#date_assessment_started-day") in summary(
        response
    )


def test_a_future_date_is_refused_where_the_date_must_be_past(national):
    response = national.save(
        "assessment_information",
        {
            "date_assessment_started-day": "1",
            "date_assessment_started-month": "1",
            "date_assessment_started-year": "2999",
            "reason_for_assessment": "Worries",
        },
    )
    assert summary(response)[0][0] == "Date started must be today or in the past"


def test_radios_with_a_please_specify_option_reveal_and_require_the_details(national):
    page = soup_of(national.client.get(national.section("identifying_details")))
    other = page.select_one("input[name=ethnicity][value=white_other]")
    revealed = page.select_one(f"#{other['data-aria-controls']}")
    assert revealed.select_one("input#ethnicity_white_other_details")
    assert "White" in [div.get_text(strip=True) for div in page.select(".govuk-radios__divider")]

    response = national.save("identifying_details", {"unborn": "no", "ethnicity": "white_other"})
    assert ("Give details of any other White background", "#ethnicity_white_other_details") in (
        summary(response)
    )


def test_an_option_not_in_the_list_is_refused(national):
    response = national.save("identifying_details", {"gender": "robot"})
    assert ("Select an option from the list", "#gender") in summary(response)
    assert stored(national) == {}


def test_yes_no_questions_reveal_their_follow_up_questions(national):
    page = soup_of(national.client.get(national.section("identifying_details")))
    yes = page.select_one("input[name=disability][value=yes]")
    assert page.select_one(f"#{yes['data-aria-controls']} textarea#disability_details")
    national.save("identifying_details", {"disability": "no", "disability_details": "Hidden"})
    assert "disability_details" not in stored(national)  # not shown, so not stored


def test_a_question_depending_on_two_options_is_shown_when_either_applies(national):
    world = national.world
    world["episode"].state = "delivering"  # reviews are the lead professional's to record
    world["episode"].lead_professional = world["assessor"]
    review = services.start_response(db.session, world["episode"], "review", world["assessor"])
    db.session.commit()
    national.response = review
    national.base = f"/episodes/{world['episode'].id}/forms/{review.id}"
    page = soup_of(national.client.get(national.section("next_steps")))
    wrapper = page.select_one("[data-shown-when-name=review_outcome]")
    assert wrapper["data-shown-when-values"] == "continue reassess step_down"
    assert wrapper.select_one("input#next_review_date-day")
    response = national.save("next_steps", {"review_outcome": "step_down"})
    assert ("Enter the date of the next review", "#next_review_date-day") in summary(response)
    national.save(
        "next_steps",
        {
            "review_outcome": "close",
            "next_review_date-day": "1",
            "next_review_date-month": "1",
            "next_review_date-year": "2099",
        },
    )
    assert "next_review_date" not in stored(national)


def test_checkboxes_store_the_chosen_options_in_order(national):
    world = national.world
    checklist = services.start_response(
        db.session, world["episode"], "checklist", world["assessor"]
    )
    db.session.commit()
    national.response = checklist
    national.base = f"/episodes/{world['episode'].id}/forms/{checklist.id}"
    field = services.definition(checklist).find_field("be_healthy_aims")
    values = [option.value for option in field.options][:2]
    page = soup_of(national.client.get(national.section("outcomes")))
    assert page.select_one("input.govuk-checkboxes__input[name=be_healthy_aims]")
    national.save(
        "outcomes",
        {"be_healthy": "some_concerns", "be_healthy_aims": list(reversed(values))},
        version=None,
    )
    assert stored(national)["be_healthy_aims"] == values


def test_a_number_must_be_a_whole_number_in_range(national):
    response = national.save("identifying_details", {"assessment_version_number": "1.5"})
    assert ("Version number must be a whole number", "#assessment_version_number") in summary(
        response
    )
    response = national.save(
        "identifying_details", {"assessment_version_number": "0"}, version=None
    )
    assert ("Version number must be 1 or more", "#assessment_version_number") in summary(response)


def test_email_and_phone_formats_are_checked(national):
    response = national.save(
        "assessment_team", {"assessor_email": "not-an-email", "assessor_telephone": "12"}
    )
    messages = [text for text, _ in summary(response)]
    assert "Enter an email address in the correct format, like name@example.com" in messages
    assert any(text.startswith("Enter a telephone number") for text in messages)


def test_a_malformed_postcode_is_refused_and_a_good_one_is_tidied(national):
    response = national.save("identifying_details", {"postcode": "NOT A POSTCODE"})
    assert ("Enter a real postcode", "#postcode") in summary(response)
    national.save("identifying_details", {"postcode": "sw1a1aa"})
    assert stored(national)["postcode"] == "SW1A 1AA"


def test_the_nhs_number_is_checked_with_its_check_digit(riverside):
    response = riverside.save("identifying_details", {"unborn": "no", "nhs_number": "9434765918"})
    assert ("Enter a valid NHS number", "#nhs_number") in summary(response)
    riverside.save(
        "identifying_details", {"unborn": "no", "nhs_number": "9434765919"}, version=None
    )
    assert stored(riverside)["nhs_number"] == "943 476 5919"


def test_over_long_text_is_refused_with_the_limit(national):
    response = national.save("identifying_details", {"unborn": "no", "given_names": "x" * 101})
    assert ("Given name must be 100 characters or fewer", "#given_names") in summary(response)


def test_a_select_is_drawn_with_its_options_and_checked_like_radios(national):
    """No national form has a select yet: turn the gender question into one."""
    form = services.definition(national.response)
    gender = replace(form.find_field("gender"), type=FieldType.SELECT)
    section = replace(form.find_section("identifying_details"), fields=(gender,))
    nodes = pages.build_nodes(section, {"gender": "female"}, {}, {})
    items = pages.select_items(nodes[0], ["female"])
    assert items[0] == {"value": "", "text": "Select an option"}
    assert {"value": "female", "text": "Female", "selected": True} in items
    assert validate_section(section, {"gender": "robot"}).errors == {
        "gender": "Select an option from the list"
    }


@pytest.mark.parametrize("section_id", ["development", "parenting", "family_environment"])
def test_strengths_and_needs_have_two_boxes_and_a_not_discussed_box_per_element(
    national, section_id
):
    page = soup_of(national.client.get(national.section(section_id)))
    block = services.definition(national.response).find_section(section_id).fields[0]
    for element in block.elements:
        base = f"{block.id}-{element.id}"
        assert page.select_one(f"textarea#{base}-strengths")
        assert page.select_one(f"textarea#{base}-needs")
        assert page.select_one(f"input#{base}-not_discussed[type=checkbox]")


def test_strengths_and_needs_over_the_limit_are_refused_per_box(national):
    response = national.save(
        "parenting",
        {
            "parenting_strengths_needs-basic_care_safety-needs": "x" * 5001,
        },
    )
    assert summary(response) == [
        (
            "Needs for basic care, ensuring safety and protection must be 5000 characters or fewer",
            "#parenting_strengths_needs-basic_care_safety-needs",
        )
    ]
