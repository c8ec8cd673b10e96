"""Documents follow the consent and access rules: tried through HTTP by people who should
not get them, for agencies the family did not agree to, and after consent is withdrawn."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.documents.conftest import DOCX, Opened, download
from tests.factories import make_child, make_episode
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from tests.subject_access.test_subject_access import produce, unzip
from webapp import db
from webapp.assessments import services as assessments
from webapp.documents.models import GeneratedDocument
from webapp.notes import services as notes
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.tac.models import MemberKind, MemberStatus, TacMember

SECRET_ADDRESS = "12 Hidden Lane"
NOTE = "Mother told me privately about the debts"


@pytest.fixture
def world(app):
    """Riverside: an assessment whose address the family asked not to share, and a
    confidential note of the assessor's."""
    world = build_world(state="assessed")
    response = assessments.start_response(db.session, world.episode, "assessment", world.assessor)
    assessments.save_section(
        db.session,
        response,
        "identifying_details",
        {
            "unborn": "no",
            "given_names": "Ada",
            "family_name": "Lovelace",
            "address": SECRET_ADDRESS,
            "postcode": "SE15 4AB",
        },
        expected_version=0,
        complete=False,
        actor=world.assessor,
        not_shared=["address"],
    )
    notes.add(db.session, world.episode, world.assessor, NOTE)
    db.session.commit()
    world.response = response
    return world


def share_path(world) -> str:
    return f"/episodes/{world.episode.id}/documents/share"


def share(client, world, **data):
    form = {"item": f"response-{world.response.id}", "organisation_id": "", "recipient_name": ""}
    form.update({key: str(value) for key, value in data.items()})
    return client.post_form(share_path(world), form)


def register_entries() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def test_the_recording_agency_own_copy_has_the_answer_kept_back_from_others(client, world):
    sign_in(client, world.assessor)
    opened = download(client, world.episode.id, f"response-{world.response.id}")
    assert opened.answer_to("Address") == SECRET_ADDRESS


def test_a_copy_for_a_consented_agency_leaves_out_the_answer_and_is_in_the_register(client, world):
    sign_in(client, world.assessor)
    response = share(client, world, organisation_id=world.health.id)
    assert response.status_code == 200 and response.mimetype == DOCX
    opened = Opened(response.get_data())
    assert SECRET_ADDRESS not in opened.text
    assert opened.answer_to("Address") == "Not shared at the family’s request"
    assert opened.answer_to("Prepared for") == "Riverside Health Visiting"

    (entry,) = register_entries()
    assert entry.basis is SharingBasis.CONSENT
    assert entry.organisation_id == world.health.id
    assert "Word document" in entry.what and world.episode.reference in entry.what
    record = db.session.scalars(select(GeneratedDocument)).one()
    assert record.sharing_decision_id == entry.id
    assert record.sha256 == hashlib.sha256(response.get_data()).hexdigest()
    (event,) = audit_events("document.generated", world.assessor)
    assert json.loads(event.detail)["sha256"] == record.sha256
    assert json.loads(event.detail)["recipient_organisation_id"] == world.health.id


def test_a_named_service_in_the_consent_can_be_sent_a_copy(client, world):
    sign_in(client, world.assessor)
    response = share(client, world, recipient_name="Young carers project")
    assert response.mimetype == DOCX
    assert register_entries()[0].recipient_name == "Young carers project"


def test_no_document_names_a_confidential_note(client, world):
    sign_in(client, world.assessor)
    own = download(client, world.episode.id, f"response-{world.response.id}")
    shared = Opened(share(client, world, organisation_id=world.health.id).get_data())
    consent = download(client, world.episode.id, f"consent-{world.consent.id}")
    for opened in (own, shared, consent):
        assert NOTE not in opened.text


def test_a_copy_for_an_agency_the_family_did_not_agree_to_is_refused_and_audited(client, world):
    sign_in(client, world.assessor)
    response = share(client, world, organisation_id=world.police.id)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert any("not in the agencies the family agreed" in m for m in error_messages(response))
    assert register_entries() == []
    assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == 0
    (refusal,) = audit_events("sharing.refused", world.assessor)
    assert json.loads(refusal.detail)["attempted"] == "produce a document for another agency"


def test_a_public_interest_decision_lets_a_copy_go_to_that_agency(client, world):
    sign_in(client, world.assessor)
    response = share(
        client,
        world,
        organisation_id=world.police.id,
        **public_interest_answers(
            reasons="Disclosure of injury; police child protection team advised."
        ),
    )
    assert response.mimetype == DOCX, error_messages(response)
    (entry,) = register_entries()
    assert entry.basis is SharingBasis.PUBLIC_INTEREST
    assert entry.organisation_id == world.police.id


def test_a_public_interest_ground_without_reasons_is_refused(client, world):
    sign_in(client, world.assessor)
    response = share(
        client, world, organisation_id=world.police.id, public_interest_ground="serious_crime"
    )
    assert response.status_code == 400
    assert error_messages(response)
    assert register_entries() == []


def test_after_consent_is_withdrawn_no_copy_goes_to_another_agency(client, world):
    world.episode.sharing_suspended = True
    db.session.commit()
    sign_in(client, world.assessor)
    response = share(client, world, organisation_id=world.health.id)
    assert response.status_code == 400
    assert any("withdrawn" in message for message in error_messages(response))
    assert register_entries() == []


@pytest.mark.parametrize("outsider", ["colleague", "northgate_practitioner", "northgate_contact"])
def test_people_with_no_part_in_the_episode_get_not_found_everywhere(client, world, outsider):
    sign_in(client, world.person(outsider))
    base = f"/episodes/{world.episode.id}/documents"
    for path in (
        base,
        f"{base}/download?item=response-{world.response.id}",
        f"{base}/download?item=consent-{world.consent.id}",
        f"{base}/download?item=blank-caf_assessment",
        f"{base}/share",
    ):
        assert client.get(path).status_code == 404, path
    assert share(client, world, organisation_id=world.health.id).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == 0


def test_a_response_of_another_episode_cannot_be_fetched_through_this_one(client, world):
    second = make_episode(make_child(world.episode.borough), world.assessor, state="assessed")
    db.session.commit()
    sign_in(client, world.assessor)
    stolen = f"/episodes/{second.id}/documents/download?item=response-{world.response.id}"
    assert client.get(stolen).status_code == 404
    forged = f"/episodes/{world.episode.id}/documents/download?item=response-999999"
    assert client.get(forged).status_code == 404


def test_a_manager_can_download_but_not_send_copies_to_other_agencies(client, world):
    sign_in(client, world.manager)
    download(client, world.episode.id, f"response-{world.response.id}")
    assert client.get(share_path(world)).status_code == 403
    assert share(client, world, organisation_id=world.health.id).status_code == 403
    assert register_entries() == []


def test_a_team_member_from_another_agency_never_gets_the_answer_kept_back(client, world):
    health_worker = world.person("lead_professional")
    health_worker.organisation_id = world.health.id
    db.session.add(
        TacMember(
            episode_id=world.episode.id,
            user_id=health_worker.id,
            kind=MemberKind.PRACTITIONER,
            status=MemberStatus.ACTIVE,
            name=health_worker.full_name,
            organisation_id=world.health.id,
            invited_by_id=world.assessor.id,
        )
    )
    world.episode.lead_professional_id = health_worker.id
    db.session.commit()
    sign_in(client, health_worker)
    opened = download(client, world.episode.id, f"response-{world.response.id}")
    assert SECRET_ADDRESS not in opened.text


def test_a_forged_document_choice_is_refused_with_a_message(client, world):
    sign_in(client, world.assessor)
    response = share(client, world, item="response-424242", organisation_id=world.health.id)
    assert response.status_code == 400
    assert error_messages(response) == ["Select an option from the list"]
    assert register_entries() == []


def test_producing_a_copy_needs_a_csrf_token(client, world):
    sign_in(client, world.assessor)
    response = client.post(
        share_path(world),
        data={"item": f"response-{world.response.id}", "organisation_id": world.health.id},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert register_entries() == []


def test_the_documents_page_lists_what_can_be_downloaded_and_what_was_produced(client, world):
    sign_in(client, world.assessor)
    share(client, world, organisation_id=world.health.id)
    page = client.get(f"/episodes/{world.episode.id}/documents")
    assert page.status_code == 200
    text = page_text(page)
    assert "CAF assessment, version 1 (draft)" in text
    assert "Consent statement" in text
    assert "Riverside Health Visiting" in text  # the copy produced, and for whom
    record = db.session.scalars(select(GeneratedDocument)).one()
    assert record.sha256[:16] in text
    assert "Produce a copy for another agency" in text


def test_the_document_is_a_valid_word_file(client, world):
    sign_in(client, world.assessor)
    response = client.get(
        f"/episodes/{world.episode.id}/documents/download?item=response-{world.response.id}"
    )
    Document(io.BytesIO(response.get_data()))  # raises if python-docx cannot open it
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and world.episode.reference in disposition


def test_the_subject_access_bundle_lists_every_document_produced(client, other_client, world):
    sign_in(client, world.assessor)
    shared = share(client, world, organisation_id=world.health.id)
    record = db.session.scalars(select(GeneratedDocument)).one()
    sign_in(other_client, world.caf_contact)
    files = unzip(produce(other_client, world))
    bundle = json.loads(files["bundle.json"])
    (listed,) = bundle["documents"]
    assert listed["sha256"] == hashlib.sha256(shared.get_data()).hexdigest() == record.sha256
    assert listed["document_type"] == "caf_assessment"
