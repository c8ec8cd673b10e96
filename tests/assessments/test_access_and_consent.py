"""Who may see and change forms, and the consent rule, tried through HTTP."""

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from webapp import db
from webapp.assessments.models import FormResponse, SectionAnswers
from webapp.audit.models import AuditEvent
from webapp.consent.models import Consent


def paths(pages):
    return [
        pages.base,
        f"{pages.base}/check",
        pages.section("comments"),
        f"/episodes/{pages.world['episode'].id}/forms",
    ]


def switch_to(pages, who):
    pages.client.cookie_jar.clear() if hasattr(pages.client, "cookie_jar") else None
    pages.client.post_form("/sign-out", {}, token_from="/")
    sign_in(pages.client, pages.world[who])


def test_a_user_from_another_borough_gets_not_found_everywhere(national):
    switch_to(national, "elsewhere")
    for path in paths(national):
        assert national.client.get(path).status_code == 404, path
    response = national.client.post_form(
        national.section("comments"),
        {"section_version": "0", "child_comments": "x"},
        token_from="/",
    )
    assert response.status_code == 404
    assert db.session.query(SectionAnswers).count() == 0


def test_a_practitioner_with_no_part_in_the_episode_gets_not_found(national):
    switch_to(national, "bystander")
    assert national.client.get(national.base).status_code == 404


def test_a_coordinator_can_read_but_not_edit_the_assessment_while_it_is_assessed(national):
    switch_to(national, "coordinator")
    assert national.client.get(national.base).status_code == 200  # read-only view
    page = national.client.get(national.section("comments"))
    assert page.status_code == 403
    response = national.client.post_form(
        national.section("comments"),
        {"section_version": "0", "child_comments": "x"},
        token_from=national.base,
    )
    assert response.status_code == 403
    assert db.session.query(SectionAnswers).count() == 0


def test_the_read_only_view_has_no_change_links(national):
    national.save("comments", {"child_comments": "Read me"})
    switch_to(national, "coordinator")
    page = national.client.get(national.base).get_data(as_text=True)
    assert "Read me" in page and ">Change<" not in page


def test_the_assessor_cannot_edit_once_the_episode_has_moved_on(national):
    national.world["episode"].state = "delivering"
    db.session.commit()
    assert national.client.get(national.section("comments")).status_code == 403


def test_no_answer_is_saved_by_a_direct_post_without_consent_to_record(national):
    consent = db.session.scalars(select(Consent)).one()
    consent.withdrawn_at = datetime(2024, 1, 1)
    db.session.commit()
    response = national.client.post_form(
        national.section("comments"),
        {"section_version": "0", "child_comments": "Secret"},
        token_from=f"/episodes/{national.world['episode'].id}/forms",
    )
    assert response.status_code == 403
    assert "no current consent to record" in response.get_data(as_text=True)
    assert db.session.query(SectionAnswers).count() == 0
    refusal = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert refusal.action == "form.refused"


def test_a_new_form_cannot_be_started_without_consent_to_record(national):
    consent = db.session.scalars(select(Consent)).one()
    consent.to_record = False
    db.session.commit()
    episode_id = national.world["episode"].id
    response = national.client.post_form(
        f"/episodes/{episode_id}/forms/start/checklist",
        {},
        token_from=f"/episodes/{episode_id}/forms",
    )
    assert response.status_code == 403
    assert db.session.query(FormResponse).filter_by(form_id="pre_assessment_checklist").count() == 0


@pytest.mark.parametrize(
    "path_of",
    [
        lambda pages: pages.base,
        lambda pages: pages.section("comments"),
        lambda pages: f"{pages.base}/check",
    ],
)
def test_every_read_is_audited(national, path_of):
    before = db.session.query(AuditEvent).count()
    national.client.get(path_of(national))
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert db.session.query(AuditEvent).count() > before
    assert event.actor_id == national.world["assessor"].id
    assert event.episode_id == national.world["episode"].id


def test_a_form_is_started_from_the_overview_when_the_workflow_allows(national):
    episode_id = national.world["episode"].id
    overview = national.client.get(f"/episodes/{episode_id}/forms").get_data(as_text=True)
    assert "Start a pre-assessment checklist" in overview
    assert "Record a review" not in overview  # reviews are not editable while assessing
    response = national.client.post_form(
        f"/episodes/{episode_id}/forms/start/checklist",
        {},
        token_from=f"/episodes/{episode_id}/forms",
    )
    assert response.status_code == 302
    refused = national.client.post_form(
        f"/episodes/{episode_id}/forms/start/review", {}, token_from=f"/episodes/{episode_id}/forms"
    )
    assert refused.status_code == 403
    assert (
        national.client.post_form(
            f"/episodes/{episode_id}/forms/start/nonsense", {}, token_from="/"
        ).status_code
        == 404
    )


def test_a_manager_without_edit_rights_gets_forbidden_on_a_section(national):
    switch_to(national, "manager")
    assert national.client.get(national.section("comments")).status_code == 403
