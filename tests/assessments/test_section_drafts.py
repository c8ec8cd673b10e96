"""Drafts kept as a section is typed (autosave): apart from the saved answers, for their
author only, restored after signing in again, discarded with consent, and audited."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from webapp import db
from webapp.assessments.models import FormResponse, SectionDraft
from webapp.audit.models import AuditEvent
from webapp.consent.models import Consent
from webapp.consent.services import withdraw

SECTION = "assessment_information"


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def draft_path(pages, section=SECTION):
    return f"{pages.section(section)}/draft"


def keep(pages, client=None, data=None, version="0", section=SECTION):
    client = client or pages.client
    form = {"section_version": version, **(data or {"people_present": "Ada and her mother"})}
    return client.post_form(draft_path(pages, section), form, token_from=pages.section(section))


def people_present(response) -> str:
    return soup_of(response).select_one("#people_present").get_text()


def test_a_draft_is_kept_without_changing_the_saved_answers(national):
    national.save(SECTION, {"people_present": "Ada", "_action": "draft"})
    kept = keep(national, version=national.version_of(SECTION))
    assert kept.status_code == 200
    assert "saved_at" in kept.get_json()
    assert db.session.get(FormResponse, national.response.id).answers() == {"people_present": "Ada"}
    page = national.client.get(national.section(SECTION))
    assert "Ada and her mother" in people_present(page)
    notice = soup_of(page).select_one("#kept-draft").get_text()
    assert "We kept what you were typing on" in notice
    assert "Save to keep it, or discard it." in notice


def test_the_draft_comes_back_after_signing_in_again(national, other_client):
    keep(national)
    national.client.post_form("/sign-out", token_from="/")
    sign_in(other_client, national.world["assessor"])
    assert "Ada and her mother" in people_present(other_client.get(national.section(SECTION)))


def test_saving_the_section_ends_the_draft(national):
    keep(national)
    national.save(SECTION, {"people_present": "Ada and her mother", "_action": "draft"})
    assert db.session.scalars(select(SectionDraft)).all() == []
    page = national.client.get(national.section(SECTION))
    assert soup_of(page).select_one("#kept-draft") is None


def test_discarding_shows_the_saved_answers_again(national):
    national.save(SECTION, {"people_present": "Ada", "_action": "draft"})
    keep(national)
    discarded = national.client.post_form(
        f"{draft_path(national)}/discard", token_from=national.section(SECTION)
    )
    assert discarded.status_code == 302
    page = national.client.get(national.section(SECTION))
    assert people_present(page).strip() == "Ada"
    assert soup_of(page).select_one("#kept-draft") is None


def test_another_user_can_neither_read_nor_change_someones_draft(app, national, other_client):
    keep(national)
    sign_in(other_client, national.world["coordinator"])
    page = other_client.get(national.section(SECTION))
    assert "Ada and her mother" not in page.get_data(as_text=True)
    assert soup_of(page).select_one("#kept-draft") is None
    written = keep(national, client=other_client, data={"people_present": "Someone else's"})
    assert written.status_code == 403  # the coordinator may not edit the assessment now
    mine = national.client.get(national.section(SECTION))
    assert "Ada and her mother" in people_present(mine)

    outsider = app.test_client()
    sign_in(outsider, national.world["elsewhere"])
    refused = outsider.post_form(
        draft_path(national), {"section_version": "0", "people_present": "x"}, token_from="/"
    )
    assert refused.status_code == 404
    (draft,) = db.session.scalars(select(SectionDraft)).all()
    assert draft.user_id == national.world["assessor"].id
    assert draft.values["people_present"] == ["Ada and her mother"]


def test_bad_payloads_get_a_4xx_and_keep_nothing(national):
    path = draft_path(national)
    token = national.client.csrf_token(national.section(SECTION))
    assert national.client.post(path, data={"people_present": "x"}).status_code == 400
    json_body = national.client.post(
        path, json={"csrf_token": token}, headers={"Referer": "https://localhost/"}
    )
    assert 400 <= json_body.status_code < 500
    bad_version = keep(national, version="not a number")
    assert bad_version.status_code == 400
    huge = keep(national, data={"people_present": "x" * 300_000})
    assert huge.status_code == 413
    unknown = national.client.post_form(
        f"{national.section('no_such_section')}/draft",
        {"section_version": "0"},
        token_from=national.section(SECTION),
    )
    assert unknown.status_code == 404
    assert db.session.scalars(select(SectionDraft)).all() == []


def test_an_expired_draft_is_not_shown(national):
    keep(national)
    draft = db.session.scalars(select(SectionDraft)).one()
    draft.expires_at = draft.saved_at - timedelta(seconds=1)
    db.session.commit()
    page = national.client.get(national.section(SECTION))
    assert soup_of(page).select_one("#kept-draft") is None


def test_a_draft_lasts_thirty_days(national):
    keep(national)
    draft = db.session.scalars(select(SectionDraft)).one()
    assert draft.expires_at - draft.saved_at == timedelta(days=30)


def test_withdrawing_consent_discards_the_episodes_drafts_and_refuses_new_ones(national):
    keep(national)
    episode = national.world["episode"]
    for consent in db.session.scalars(select(Consent).where(Consent.episode_id == episode.id)):
        if consent.is_current:
            withdraw(db.session, consent, national.world["assessor"], "Mum phoned to withdraw")
    db.session.commit()
    assert db.session.scalars(select(SectionDraft)).all() == []
    refused = keep(national)
    assert refused.status_code == 409
    assert db.session.scalars(select(SectionDraft)).all() == []


def test_keeping_and_discarding_a_draft_are_audited(national):
    keep(national)
    national.client.post_form(
        f"{draft_path(national)}/discard", token_from=national.section(SECTION)
    )
    actions = [
        (event.action, event.actor_id)
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("form.section_draft%"))
        )
    ]
    assessor = national.world["assessor"].id
    assert actions == [
        ("form.section_draft_kept", assessor),
        ("form.section_draft_discarded", assessor),
    ]
