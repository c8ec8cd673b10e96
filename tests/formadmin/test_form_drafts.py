"""A borough administrator changes the borough's form in the browser: each change checked as
the command line checks a file, a second administrator's approval, a new immutable version
that only new episodes use. Tried through HTTP, including by people who may not."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from docx import Document
from flask import g
from sqlalchemy import select

from tests.assessments.helpers import give_consent
from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from tests.formdefs.factories import base_data, base_form, overlay
from tests.mailbox import text_of
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments import services as assessments
from webapp.audit.models import AuditEvent
from webapp.formadmin import drafts, services
from webapp.formadmin.models import OverlayDraft, OverlayVersion
from webapp.formdefs import FormLibrary, form_from_dict


@pytest.fixture
def borough(app):
    """Eastmoor (no overlay files): two administrators, a practitioner, an episode started
    before any change, and Northgate's administrator next door."""
    eastmoor = make_borough("eastmoor", name="London Borough of Eastmoor")
    council = make_organisation(eastmoor, name="Eastmoor Council")
    school = make_organisation(eastmoor, name="Eastmoor School")
    northgate = make_organisation(make_borough("northgate"), name="Northgate Council")
    people = {
        "first_admin": make_user(council, Role.BOROUGH_ADMIN),
        "second_admin": make_user(council, Role.BOROUGH_ADMIN),
        "practitioner": make_user(school),
        "other_admin": make_user(northgate, Role.BOROUGH_ADMIN),
    }
    episode = make_episode(make_child(eastmoor), people["practitioner"], state="assessing")
    give_consent(episode, people["practitioner"])
    people["old_response"] = assessments.start_response(
        db.session, episode, "assessment", people["practitioner"]
    )
    people["episode"] = episode
    db.session.commit()
    return people


def start_draft(client) -> OverlayDraft:
    response = client.post_form(
        "/admin/forms/caf_assessment/drafts", {"start_from": "current"}, token_from="/admin/forms"
    )
    assert response.status_code == 302
    return db.session.scalars(select(OverlayDraft)).one()


def lock_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="lock_version"[^>]*value="(\d+)"', html).group(1)


def change(client, draft, kind: str, data: dict, lock: str | None = None):
    path = f"/admin/forms/drafts/{draft.id}/changes/{kind}"
    form = {"lock_version": lock or lock_of(client, path), **data}
    return client.post_form(path, form, token_from=path)


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select(".govuk-error-summary__list li")]


def text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text().split()
    )


ADD_QUESTION = {
    "field_id": "school_attended",
    "field_type": "text",
    "label": "School attended",
    "hint": "Leave blank if none",
    "required": "no",
    "data_class": "basic",
    "options": "",
    "place": "after:date_of_birth",
    "visible_if_field": "",
    "visible_if_value": "",
}


def step(client, draft, trigger: str, comment: str = ""):
    path = f"/admin/forms/drafts/{draft.id}/steps/{trigger}"
    page = client.get(path).get_data(as_text=True)
    state = re.search(r'name="expected_state"[^>]*value="([a-z_]*)"', page).group(1)
    return client.post_form(path, {"expected_state": state, "comment": comment}, token_from=path)


def test_an_administrator_changes_previews_and_a_colleague_publishes(
    app, client, other_client, borough, mail_server
):
    sign_in(client, borough["first_admin"])
    assert client.get("/admin/forms").status_code == 200
    draft = start_draft(client)

    assert change(client, draft, "add-question", ADD_QUESTION).status_code == 302
    options = {"field": "ethnicity", "options": "white_eastern_european: Eastern European"}
    assert change(client, draft, "add-options", options).status_code == 302
    assert change(client, draft, "hide", {"target": "special_requirements"}).status_code == 302
    # A core national question keeps its words; a local one may be reworded.
    relabel_page = text(client.get(f"/admin/forms/drafts/{draft.id}/changes/relabel"))
    assert "Unique reference number (unique_reference_number)" in relabel_page
    assert "(given_names)" not in relabel_page and "Core national questions" in relabel_page
    refused = change(client, draft, "relabel", {"target": "given_names", "label": "First names"})
    assert refused.status_code == 400
    assert errors(refused) == ["Select an option from the list"]
    relabel = {"target": "unique_reference_number", "label": "Riverside case number"}
    assert change(client, draft, "relabel", relabel).status_code == 302

    page = text(client.get(f"/admin/forms/drafts/{draft.id}"))
    # Each change in the questions' own words, never by id.
    assert "Add the question “School attended” after “Date of birth”" in page
    assert "Hide “Special requirements”" in page
    assert "Add options to “Ethnicity”: Eastern European" in page
    assert "New words for “Unique reference number”: “Riverside case number”" in page
    changes = page[page.index("Changes in this draft") : page.index("Make a change")]
    assert "date_of_birth" not in changes and "special_requirements" not in changes, changes
    assert "National core" in page

    compared = text(client.get(f"/admin/forms/drafts/{draft.id}/compare"))
    assert "New question “School attended”" in compared
    assert "“Any special requirements” hidden" in compared
    assert "New options for “Ethnicity”: Eastern European" in compared
    assert "“Unique reference number” is now “Riverside case number”" in compared

    # The real practitioner pages, drawn from the draft.
    task_list = client.get(f"/admin/forms/drafts/{draft.id}/preview")
    assert task_list.status_code == 200 and "Identifying details" in text(task_list)
    back = BeautifulSoup(task_list.get_data(as_text=True), "html.parser").select_one(
        "a.govuk-back-link"
    )
    assert back["href"] == f"/admin/forms/drafts/{draft.id}"  # not the preview itself
    section = client.get(f"/admin/forms/drafts/{draft.id}/preview/identifying_details")
    assert section.status_code == 200
    html = section.get_data(as_text=True)
    assert 'name="school_attended"' in html and 'name="special_requirements"' not in html
    assert "Eastern European" in html and "Riverside case number" in html
    assert "First names" not in html
    word = client.get(f"/admin/forms/drafts/{draft.id}/preview/document")
    assert word.status_code == 200
    labels = [
        cell.text
        for table in Document(io.BytesIO(word.get_data())).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert "School attended" in labels and "Any special requirements" not in labels

    # Publishing needs a second administrator.
    assert step(client, draft, "submit_for_approval", "").status_code == 400  # a reason is needed
    assert step(client, draft, "submit_for_approval", "Schools asked for it").status_code == 302
    # The colleagues who may approve it are asked, by e-mail and on their home page.
    (asked,) = mail_server.to(borough["second_admin"].email)
    assert "A change is waiting for your approval" in asked["Subject"]
    assert "the changes to the form “Common Assessment Framework (CAF) assessment”" in (
        " ".join(text_of(asked).split())
    )
    assert f"/admin/forms/drafts/{draft.id}" in text_of(asked)
    assert mail_server.to(borough["first_admin"].email) == []
    refused = step(client, draft, "approve_and_publish")
    assert refused.status_code == 400
    assert "Another administrator of the borough must approve" in text(refused)
    assert db.session.scalars(select(OverlayVersion)).all() == []

    sign_in(other_client, borough["second_admin"])
    assert step(other_client, draft, "approve_and_publish").status_code == 302
    published = db.session.scalars(select(OverlayVersion)).one()
    assert (published.borough, published.version, published.reason) == (
        "eastmoor",
        1,
        "Schools asked for it",
    )
    assert published.published_by_id == borough["first_admin"].id
    assert published.approved_by_id == borough["second_admin"].id

    # A new episode uses the new version; the one started before keeps its own.
    episode = make_episode(
        make_child(borough["episode"].borough), borough["practitioner"], state="assessing"
    )
    give_consent(episode, borough["practitioner"])
    db.session.commit()
    practitioner = app.test_client()
    sign_in(practitioner, borough["practitioner"])
    g.pop("caf_form_library", None)  # this test's own context looked before publication
    new = assessments.start_response(db.session, episode, "assessment", borough["practitioner"])
    db.session.commit()
    assert (new.borough, new.overlay_version) == ("eastmoor", 1)
    new_page = practitioner.get(
        f"/episodes/{episode.id}/forms/{new.id}/sections/identifying_details"
    )
    assert 'name="school_attended"' in new_page.get_data(as_text=True)
    old = borough["old_response"]
    old_page = practitioner.get(
        f"/episodes/{borough['episode'].id}/forms/{old.id}/sections/identifying_details"
    )
    assert 'name="school_attended"' not in old_page.get_data(as_text=True)
    assert 'name="special_requirements"' in old_page.get_data(as_text=True)
    # Old versions stay viewable.
    version = client.get("/admin/forms/caf_assessment/versions/1")
    assert version.status_code == 200 and "Schools asked for it" in text(version)
    actions = {event.action for event in db.session.scalars(select(AuditEvent))}
    assert {"form_draft.started", "form_draft.changed", "form_overlay.published"} <= actions


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("add-question", {**ADD_QUESTION, "field_id": "family_name"}, "family_name"),
        ("add-question", {**ADD_QUESTION, "field_id": "Bad Id"}, "Use only lower-case letters"),
        ("add-question", {**ADD_QUESTION, "label": ""}, "Enter the question"),
        ("add-question", {**ADD_QUESTION, "field_type": "radios"}, "Enter the options"),
        (
            "add-question",
            {**ADD_QUESTION, "field_type": "hologram"},
            "Select an option from the list",
        ),
        (
            "add-question",
            {**ADD_QUESTION, "visible_if_field": "gender", "visible_if_value": ""},
            "Enter the answer that shows the question",
        ),
        ("add-options", {"field": "ethnicity", "options": "not a line"}, "write the option as"),
        ("add-options", {"field": "ethnicity", "options": "white_british: Again"}, "white_british"),
        ("hide", {"target": "family_name"}, "Select an option from the list"),  # core: not offered
        ("require", {"target": "no_such_field"}, "Select an option from the list"),
        (
            "reorder",
            {"section": "assessment_information", "order": "people_present"},
            "assessment_information",
        ),
    ],
)
def test_bad_changes_are_refused_with_a_message_and_nothing_is_saved(
    client, borough, kind, data, expected
):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    before = db.session.get(OverlayDraft, draft.id).source_yaml
    response = change(client, draft, kind, data)
    assert response.status_code == 400
    messages = errors(response)
    assert messages and any(expected in message for message in messages), messages
    assert text(response).startswith("Error: ") or "There is a problem" in text(response)
    assert db.session.get(OverlayDraft, draft.id).source_yaml == before


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("borough: eastmoor\nversion: [unclosed", "is not valid YAML"),
        (
            "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
            "operations:\n  - remove: family_name\n",
            "family_name",
        ),
        (
            "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
            "operations:\n  - add_field:\n      into: identifying_details\n"
            "      field: {id: x1, type: hologram, label: X}\n",
            "is not a field type",
        ),
        (
            "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
            "operations:\n  - add_field:\n      into: identifying_details\n"
            "      field: {id: x1, type: text, label: X,\n"
            "              visible_if: {field: nowhere, equals: a}}\n",
            "nowhere",
        ),
        (
            "borough: northgate\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
            "operations:\n  - require: religion\n",
            "a draft cannot change it",
        ),
    ],
)
def test_the_yaml_view_refuses_what_the_command_line_refuses(client, borough, source, expected):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    before = db.session.get(OverlayDraft, draft.id).source_yaml
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    response = client.post_form(path, {"source": source, "lock_version": lock_of(client, path)})
    assert response.status_code == 400
    assert any(expected in message for message in errors(response)), errors(response)
    assert db.session.get(OverlayDraft, draft.id).source_yaml == before


YAML_HEAD = "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"


def post_operations(client, borough, *operations: str):
    """A new draft's YAML view given these operations (YAML lines); the draft and the
    response."""
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    source = YAML_HEAD + "operations:\n" + "".join(f"  - {item}\n" for item in operations)
    form = {"source": source, "lock_version": lock_of(client, path)}
    return draft, client.post_form(path, form)


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("date_of_birth", "Date the family moved here"),
        ("disability", "Does the child have a school place?"),
        ("consent_to_share", "Do you agree to the family having a copy of this form?"),
    ],
)
def test_the_yaml_view_refuses_new_words_for_a_core_question(client, borough, field, words):
    """Relabels that changed what national questions mean were accepted and published."""
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    for operation in (
        f"  - relabel: {{id: {field}, label: '{words}'}}\n",
        f"  - modify: {{field: {field}, label: '{words}'}}\n",
        f"  - modify: {{field: {field}, short_label: '{words}'}}\n",
    ):
        source = YAML_HEAD + "operations:\n" + operation
        response = client.post_form(path, {"source": source, "lock_version": lock_of(client, path)})
        assert response.status_code == 400
        assert any(
            f"'{field}'" in message and "its wording cannot be changed" in message
            for message in errors(response)
        ), errors(response)
    assert words not in db.session.get(OverlayDraft, draft.id).source_yaml


def test_the_yaml_view_shows_every_problem_not_only_the_first(client, borough):
    _, response = post_operations(
        client,
        borough,
        "remove: family_name",
        "require: no_such_question",
        "relabel: {id: date_of_birth, label: Date the family moved here}",
    )
    assert response.status_code == 400
    summary = errors(response)
    assert len(summary) == 3, summary
    assert all(f"(change {number}" in message for number, message in enumerate(summary, 1))
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    beside_the_field = soup.select_one(".govuk-error-message").get_text(" ", strip=True)
    assert all(message in beside_the_field for message in summary), beside_the_field


def test_a_borough_renames_its_form_and_gives_it_a_description(client, borough):
    draft, response = post_operations(
        client,
        borough,
        "relabel: {id: caf_assessment, label: Eastmoor early help assessment}",
        "hint: {id: caf_assessment, hint: Use it when a child needs more than one service.}",
    )
    assert response.status_code == 302
    preview = text(client.get(f"/admin/forms/drafts/{draft.id}/preview"))
    assert "Eastmoor early help assessment" in preview


def test_the_yaml_view_saves_a_valid_draft(client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    source = (
        "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
        "operations:\n  - require: religion\n"
    )
    response = client.post_form(path, {"source": source, "lock_version": lock_of(client, path)})
    assert response.status_code == 302
    assert "require: religion" in db.session.get(OverlayDraft, draft.id).source_yaml


def test_two_administrators_saving_at_once_never_overwrite_each_other(
    client, other_client, borough
):
    sign_in(client, borough["first_admin"])
    sign_in(other_client, borough["second_admin"])
    draft = start_draft(client)
    lock = lock_of(client, f"/admin/forms/drafts/{draft.id}/changes/hide")
    assert (
        change(client, draft, "hide", {"target": "special_requirements"}, lock).status_code == 302
    )
    late = change(other_client, draft, "hide", {"target": "unique_reference_number"}, lock)
    assert late.status_code == 409
    assert any("Someone else changed this draft" in message for message in errors(late))
    saved = db.session.get(OverlayDraft, draft.id).source_yaml
    assert "special_requirements" in saved and "unique_reference_number" not in saved


def test_another_borough_cannot_see_or_change_the_draft(client, other_client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    sign_in(other_client, borough["other_admin"])
    for path in (
        f"/admin/forms/drafts/{draft.id}",
        f"/admin/forms/drafts/{draft.id}/preview",
        f"/admin/forms/drafts/{draft.id}/compare",
        f"/admin/forms/drafts/{draft.id}/yaml",
        f"/admin/forms/drafts/{draft.id}/steps/discard",
    ):
        assert other_client.get(path).status_code == 404, path
    forged = other_client.post_form(
        f"/admin/forms/drafts/{draft.id}/changes/hide",
        {"target": "special_requirements", "lock_version": "1"},
        token_from="/admin/forms",
    )
    assert forged.status_code == 404
    assert "special_requirements" not in db.session.get(OverlayDraft, draft.id).source_yaml


def test_practitioners_cannot_reach_form_administration(client, borough):
    sign_in(client, borough["practitioner"])
    assert client.get("/admin/forms").status_code == 403


def test_a_draft_with_no_changes_cannot_be_submitted(client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    response = step(client, draft, "submit_for_approval", "Nothing really")
    assert response.status_code == 400
    assert "Make a change to the form first" in text(response)


def test_a_colleague_can_send_a_draft_back_with_a_comment(client, other_client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    change(client, draft, "hide", {"target": "special_requirements"})
    step(client, draft, "submit_for_approval", "Not asked here")
    sign_in(other_client, borough["second_admin"])
    assert step(other_client, draft, "send_back").status_code == 400  # a comment is needed
    assert step(other_client, draft, "send_back", "Keep religion: equality duty").status_code == 302
    stored = db.session.get(OverlayDraft, draft.id)
    assert stored.state == "draft" and stored.submitted_by_id is None
    assert stored.history[-1].comment == "Keep religion: equality duty"


def test_a_preview_section_checks_answers_without_storing_them(client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/preview/identifying_details"
    response = client.post_form(path, {"section_version": "0", "postcode": "not a postcode"})
    assert response.status_code == 400
    assert errors(response)


def test_the_rebase_report_lists_changes_that_no_longer_apply():
    second = base_data(version=2)
    about = second["sections"][0]
    about["fields"] = [field for field in about["fields"] if field["id"] != "nickname"]
    about["fields"][0]["label"] = "Child's full name"
    library, problems = FormLibrary.build(
        [base_form(), form_from_dict(second, "formdefs/national/demo.v2.yaml")], []
    )
    assert problems == []
    borough_changes = overlay({"hide": "nickname"}, {"require": "pets"})
    changes, conflicts = drafts.rebase_report(library, borough_changes, 2)
    texts = [change.text for change in changes]
    assert "“Nickname” removed" in texts
    assert "“Full name” is now “Child's full name”" in texts
    assert [problem.key for problem in conflicts] == ["operations[0].hide"]
    assert "nickname" in conflicts[0].message


def test_the_rebase_page_shows_the_new_national_version_and_starts_a_draft_on_it(client, borough):
    db.session.add(
        OverlayVersion(
            borough="eastmoor",
            form_id="delivery_plan_review",
            version=1,
            base_version=1,
            source_yaml=(
                "borough: eastmoor\nversion: 1\n"
                "extends: {form: delivery_plan_review, version: 1}\n"
                "operations:\n  - require: review_number\n"
            ),
            published_by_id=borough["first_admin"].id,
            approved_by_id=borough["second_admin"].id,
        )
    )
    db.session.commit()
    sign_in(client, borough["first_admin"])
    listing = text(client.get("/admin/forms"))
    assert "Version 3 is published" in listing  # the newest national version
    report = client.get("/admin/forms/delivery_plan_review/rebase")
    assert report.status_code == 200
    page = text(report)
    assert "New question “Service from the directory (optional)”" in page
    assert "every change applies cleanly to national version 3" in page
    started = client.post_form(
        "/admin/forms/delivery_plan_review/drafts",
        {"start_from": "current", "base_version": "3"},
        token_from="/admin/forms/delivery_plan_review/rebase",
    )
    assert started.status_code == 302
    draft = db.session.scalars(select(OverlayDraft)).one()
    assert draft.base_version == 3 and "require: review_number" in draft.source_yaml


def test_where_a_question_goes_is_offered_once_per_place_in_the_sections_words(client, borough):
    sign_in(client, borough["first_admin"])
    draft = start_draft(client)
    page = client.get(f"/admin/forms/drafts/{draft.id}/changes/add-question")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    options = [
        (item["value"], item.get_text(strip=True))
        for item in soup.select("select[name=place] option")
    ]
    places = [words for value, words in options if value]
    assert len(places) == len(set(places)), "the same words offered twice"
    assert ("into:identifying_details", "Identifying details: at the end") in options
    assert all(": " in words and "_" not in words for words in places), places
    last = drafts_form_sections(draft)["identifying_details"][-1]
    assert f"after:{last}" not in [value for value, _ in options]  # the same place as the end


def drafts_form_sections(draft) -> dict[str, list[str]]:
    """The visible questions of each section of the draft's form, by id."""
    form = services.checked(draft).form
    return {
        section.id: [field.id for field in section.fields if not field.hidden]
        for section in form.sections
    }
