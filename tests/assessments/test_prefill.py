"""Known data is not typed again: bound questions are pre-filled when a section is first
opened, the practitioner can change them and their change is kept, and nothing is
pre-filled that they may not see. Tried through the pages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.conftest import Pages
from webapp import db
from webapp.assessments import services
from webapp.audit.models import AuditEvent


def inputs(response) -> dict[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = {}
    for tag in soup.select("main input, main textarea"):
        name = tag.get("name")
        if not name or name.startswith("_") or tag.get("type") == "hidden":
            continue
        if tag.get("type") in ("radio", "checkbox"):
            if tag.has_attr("checked"):
                found[name] = tag.get("value")
            continue
        found[name] = tag.text if tag.name == "textarea" else tag.get("value", "")
    return found


def hint_of(response, field_id: str) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    hint = soup.find(id=f"{field_id}-hint")
    return hint.get_text(" ", strip=True) if hint else ""


@pytest.fixture
def child_record(national):
    child = national.world["child"]
    child.given_names = "Ada"
    child.family_name = "Example"
    child.address_line_1 = "1 Example Street"
    child.town = "London"
    child.postcode = "SE15 4AB"
    child.date_of_birth = date(2015, 5, 17)
    assessor = national.world["assessor"]
    assessor.job_title = "Learning mentor"
    assessor.phone = "020 7946 0000"
    db.session.commit()
    return national


def test_identifying_details_start_from_the_child_index(child_record):
    page = child_record.client.get(child_record.section("identifying_details"))
    assert page.status_code == 200
    values = inputs(page)
    child = child_record.world["child"]
    assert values["given_names"] == "Ada"
    assert values["family_name"] == "Example"
    assert values["address"].strip() == "1 Example Street\nLondon"
    assert values["postcode"] == "SE15 4AB"
    assert (values["date_of_birth-day"], values["date_of_birth-month"]) == ("17", "5")
    assert values["date_of_birth-year"] == "2015"
    assert values["unique_reference_number"] == child.unique_reference
    assert values["gender"] == "female"
    assert values["assessment_version_number"] == "1"
    assert "From the child index" in hint_of(page, "given_names")
    assert "From the episode" in hint_of(page, "assessment_version_number")
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "form.section_viewed")
    ).all()[-1]
    assert "given_names" in json.loads(viewed.detail)["prefilled"]


def test_the_assessors_details_come_from_their_account(child_record):
    page = child_record.client.get(child_record.section("assessment_team"))
    values = inputs(page)
    assessor = child_record.world["assessor"]
    assert values["assessor_name"] == assessor.full_name
    assert values["assessor_role"] == "Learning mentor"
    assert values["assessor_organisation"] == assessor.organisation.name
    assert values["assessor_email"] == assessor.email
    assert values["assessor_telephone"] == "020 7946 0000"
    assert "From your account" in hint_of(page, "assessor_name")


def test_a_practitioners_change_is_kept_and_never_refilled(child_record):
    data = dict(CAF_ASSESSMENT["identifying_details"], given_names="Adaline", postcode="")
    assert child_record.save("identifying_details", data).status_code == 302
    reopened = inputs(child_record.client.get(child_record.section("identifying_details")))
    assert reopened["given_names"] == "Adaline"
    assert reopened["postcode"] == ""  # cleared by the practitioner: not filled again
    stored = services.find_response(
        db.session, child_record.world["episode"].id, child_record.response.id
    ).answers()
    assert stored["given_names"] == "Adaline"
    assert "From the child index" not in hint_of(
        child_record.client.get(child_record.section("identifying_details")), "given_names"
    )


def test_nothing_is_stored_until_the_practitioner_saves(child_record):
    child_record.client.get(child_record.section("identifying_details"))
    db.session.expire_all()
    response = services.find_response(
        db.session, child_record.world["episode"].id, child_record.response.id
    )
    assert response.section_rows() == {}


def test_a_shielded_address_is_not_prefilled_for_someone_who_may_not_see_it(child_record):
    child = child_record.world["child"]
    child.shielded = True
    db.session.commit()
    page = child_record.client.get(child_record.section("identifying_details"))
    html = page.get_data(as_text=True)
    values = inputs(page)
    assert values["given_names"] == "Ada"  # not a contact: still filled
    assert values.get("address", "").strip() == ""
    assert values.get("postcode", "") == ""
    assert "1 Example Street" not in html and "SE15 4AB" not in html


def plan_pages(client, world, kind: str) -> Pages:
    response = services.start_response(db.session, world["episode"], kind, world["assessor"])
    db.session.commit()
    return Pages(client, world, response)


def test_the_plan_starts_from_the_assessments_agreed_actions_and_a_review_from_the_plan(
    client, national
):
    assert national.save("conclusions", CAF_ASSESSMENT["conclusions"]).status_code == 302
    episode = national.world["episode"]
    episode.state = "delivering"  # the plan and reviews are the lead professional's now
    episode.lead_professional = national.world["assessor"]
    db.session.commit()
    plan = plan_pages(client, national.world, "plan")
    page = client.get(plan.section("plan"))
    assert page.status_code == 200, (page.status_code, page.location)
    values = inputs(page)
    assert values["plan_actions-0-plan_action_what"] == "Morning club place"
    assert values["plan_actions-0-plan_action_who"] == "School"
    assert values["plan_actions-1-plan_action_what"] == "Debt advice"
    assert "From the CAF assessment" in hint_of(client.get(plan.section("plan")), "plan_actions")
    changed = {
        key.replace("agreed_actions", "plan_actions").replace("-action_", "-plan_action_"): value
        for key, value in CAF_ASSESSMENT["conclusions"].items()
        if key.startswith("agreed_actions")
    }
    changed["plan_actions-0-plan_action_what"] = "Breakfast club, three days a week"
    changed["plan_actions-0-plan_need"] = "Attendance"
    changed["plan_actions-1-plan_need"] = "Money"
    assert plan.save("plan", changed).status_code in (200, 302)
    review = plan_pages(client, national.world, "review")
    first = inputs(client.get(review.section("review_details")))
    assert first["review_number"] == "1"
    assert first["review_lead_professional"] == national.world["assessor"].full_name
    actions = inputs(client.get(review.section("plan")))
    assert actions["plan_actions-0-plan_action_what"] == "Breakfast club, three days a week"
    assert actions["plan_actions-0-plan_need"] == "Attendance"


def test_a_reviews_and_the_closure_forms_dates_start_from_today_and_the_closure_from_the_plan(
    client, national
):
    episode = national.world["episode"]
    episode.state = "delivering"
    episode.lead_professional = national.world["assessor"]
    db.session.commit()
    today = date.today()
    as_typed = {"day": str(today.day), "month": str(today.month), "year": str(today.year)}

    review = plan_pages(client, national.world, "review")
    details = client.get(review.section("review_details"))
    assert {part: inputs(details)[f"review_date-{part}"] for part in as_typed} == as_typed
    assert "today" in hint_of(details, "review_date").lower()
    plan = {
        "plan_actions-items": "2",
        "plan_actions-0-plan_need": "Attendance",
        "plan_actions-0-plan_action_what": "Morning club place",
        "plan_actions-0-plan_action_who": "School",
        "plan_actions-0-plan_action_by_when-day": str(today.day),
        "plan_actions-0-plan_action_by_when-month": str(today.month),
        "plan_actions-0-plan_action_by_when-year": str(today.year),
        "plan_actions-0-plan_action_status": "completed",
        "plan_actions-1-plan_need": "Money",
        "plan_actions-1-plan_action_what": "Debt advice",
        "plan_actions-1-plan_action_who": "Citizens advice",
        "plan_actions-1-plan_action_by_when-day": str(today.day),
        "plan_actions-1-plan_action_by_when-month": str(today.month),
        "plan_actions-1-plan_action_by_when-year": str(today.year),
        "plan_actions-1-plan_action_status": "completed",
    }
    assert review.save("plan", plan).status_code == 302

    closure = plan_pages(client, national.world, "closure")
    reason = client.get(closure.section("reason"))
    assert {part: inputs(reason)[f"closure_date-{part}"] for part in as_typed} == as_typed
    summary = inputs(client.get(closure.section("summary")))
    assert summary["need_outcomes-0-need_description"] == "Attendance"
    assert summary["need_outcomes-1-need_description"] == "Money"
    # the outcome of each need is the practitioner's to give
    assert "need_outcomes-0-need_outcome" not in summary
    assert "review 1" in hint_of(client.get(closure.section("summary")), "need_outcomes")
