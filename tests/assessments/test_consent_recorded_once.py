"""Consent is recorded once: the episode's consent record is the single source, the
assessment's consent section shows it read-only (and links to the consent pages), and the
Word document prints the record, so the two can never disagree. Episodes whose consent
section holds answers typed before keep them, but show and print the record."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.assessments.answers import LEGACY_CONSENT
from tests.documents.conftest import download
from webapp import db
from webapp.assessments import pages, services
from webapp.assessments.models import FormResponse, SectionAnswers
from webapp.audit.models import AuditEvent
from webapp.consent.models import Consent, ConsentAgency
from webapp.formdefs import validate_section
from webapp.formdefs.definition import FormDefinition


def text_of(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def summary(response) -> dict[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {
        row.select_one(".govuk-summary-list__key").get_text(" ", strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in soup.select("main .govuk-summary-list__row")
    }


def last_audit(action: str) -> dict:
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()
    return json.loads(event.detail)


def store_legacy_answers(national, **changes) -> None:
    """The consent section as it was typed on the form before consent was recorded once."""
    form: FormDefinition = services.definition(national.response)
    section = form.find_section("consent")
    raw = pages.parse_section(section, _multidict({**LEGACY_CONSENT["consent"], **changes}))
    values = validate_section(section, raw).values
    national.response.sections.append(
        SectionAnswers(section_id="consent", updated_by_id=national.world["assessor"].id)
    )
    national.response.sections[-1].values = values
    db.session.commit()


def _multidict(data):
    from werkzeug.datastructures import MultiDict

    return MultiDict(data)


def test_the_consent_section_shows_the_consent_record_and_links_to_change_it(national):
    page = national.client.get(national.section("consent"))
    assert page.status_code == 200
    rows = summary(page)
    assert rows["Who is giving consent?"] == "A parent or carer"
    assert rows["Name of the parent or carer giving consent"] == "Pat Parent"
    assert rows["Consent to store"] == "Yes"
    assert rows["Consent to share"] == "Yes"
    assert rows["How was consent given?"] == "In writing (signed)"
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select("main form input, main form textarea") == []
    episode_id = national.world["episode"].id
    assert soup.select_one(f'main a[href="/episodes/{episode_id}/consent"]')
    assert last_audit("form.section_viewed")["from_consent_record"] is True


def test_the_consent_section_cannot_be_changed_on_the_form(national):
    data = dict(LEGACY_CONSENT["consent"], consent_to_share="no")
    refused = national.save("consent", data, version="0")
    assert refused.status_code == 403
    assert "Consent is recorded once" in text_of(refused)
    assert db.session.get(FormResponse, national.response.id).section_rows() == {}
    assert last_audit("form.refused")["section"] == "consent"
    # nor with the answers sent as JSON, the way a script might
    refused = national.save(
        "consent", {"answers_json": json.dumps({"consent_to_share": "no"})}, version="0"
    )
    assert refused.status_code == 403
    # nor kept as a draft of what is being typed
    draft = national.client.post_form(
        national.section("consent") + "/draft",
        {"section_version": "0", "consent_to_share": "no"},
        token_from=national.base,
    )
    assert draft.status_code == 409


def test_the_service_refuses_it_too(national):
    response = db.session.get(FormResponse, national.response.id)
    try:
        services.save_section(
            db.session,
            response,
            "consent",
            {"consent_to_share": "no"},
            expected_version=0,
            complete=True,
            actor=national.world["assessor"],
        )
    except services.ConsentRecordedElsewhere:
        db.session.rollback()
    else:
        raise AssertionError("the consent section was saved")


def test_the_task_list_counts_the_consent_section_done_by_the_record(national):
    page = BeautifulSoup(national.client.get(national.base).get_data(as_text=True), "html.parser")
    consent_item = next(
        item for item in page.select(".govuk-task-list__item") if "Consent" in item.get_text()
    )
    assert "Completed" in consent_item.get_text()


def test_answers_typed_before_are_kept_but_the_record_is_shown_and_differences_audited(
    national,
):
    store_legacy_answers(national, consent_to_share="no", consenting_parent_name="Pat Lovelace")
    page = national.client.get(national.section("consent"))
    rows = summary(page)
    assert rows["Consent to share"] == "Yes"
    assert rows["Name of the parent or carer giving consent"] == "Pat Parent"
    assert "they differ from the consent record on" in text_of(page)
    assert "Consent to share" in text_of(page)
    differ = last_audit("form.section_viewed")["consent_answers_differ"]
    assert set(differ) >= {"consent_to_share", "consenting_parent_name"}
    stored = db.session.get(FormResponse, national.response.id).section_rows()["consent"]
    assert stored.values["consent_to_share"] == "no"  # nothing lost
    check = text_of(national.client.get(f"{national.base}/check"))
    assert "Pat Parent" in check and "Pat Lovelace" not in check


def test_the_word_document_prints_the_consent_record(national):
    store_legacy_answers(national, consent_to_share="no", consenting_parent_name="Pat Lovelace")
    consent = db.session.scalars(select(Consent)).one()
    consent.agencies.append(ConsentAgency(service_name="Eastmoor Health Visiting"))
    db.session.commit()
    opened = download(
        national.client, national.world["episode"].id, f"response-{national.response.id}"
    )
    assert opened.answer_to("Who is giving consent?") == "A parent or carer"
    assert opened.answer_to("Name of the parent or carer giving consent") == "Pat Parent"
    assert opened.answer_to("Consent to share") == "Yes"
    assert opened.answer_to("Signed by parent or carer") == "Pat Parent"
    assert opened.answer_to("Signed by practitioner") == national.world["assessor"].full_name
    assert "Pat Lovelace" not in opened.text
    agencies = [row[0] for row in opened.table_with_header("Service or agency")[1:]]
    assert agencies == ["Eastmoor Health Visiting"]  # the record's, not "Riverside GP" typed


def test_what_they_do_not_want_shared_answers_the_sections_question(national):
    """Recorded with the consent on the consent pages, it shows on the assessment's
    consent section and check your answers, where it can no longer be typed."""
    wish = "Not to be shared with the youth club."
    episode = national.world["episode"]
    recorded = national.client.post_form(
        f"/episodes/{episode.id}/consent/new",
        {
            "given_by": "parent_carer",
            "given_by_name": "Pat Parent",
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
            "decision": "given",
            "scope": ["to_assess", "to_record"],
            "points_explained": ["why", "what", "who", "purpose", "implications", "right_to_see"],
            "method": "verbal",
            "not_to_share": wish,
            **_today_as("given_on"),
        },
    )
    assert recorded.status_code == 302
    assert summary(national.client.get(national.section("consent")))["Not to be shared"] == wish
    check = text_of(national.client.get(national.base + "/check"))
    assert wish in check


def _today_as(name: str) -> dict[str, str]:
    from datetime import date

    today = date.today()
    return {
        f"{name}-day": str(today.day),
        f"{name}-month": str(today.month),
        f"{name}-year": str(today.year),
    }


def test_a_wish_typed_before_is_still_shown_until_the_record_holds_one(national):
    store_legacy_answers(national, not_to_share="Not with the after-school club.")
    rows = summary(national.client.get(national.section("consent")))
    assert rows["Not to be shared"] == "Not with the after-school club."
    assert "not_to_share" not in last_audit("form.section_viewed").get("consent_answers_differ", [])
