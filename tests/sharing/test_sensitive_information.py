"""Sensitive personal data goes to another agency only with the family's explicit consent
or a recorded decision to share without it, tried through HTTP: the team around the child,
a request to join it, a transfer to another borough and a copy of a form for an agency.

DCSF 2010, "How to share information appropriately with children's centre staff":
paragraph 15 (basic personal information is name, address, postcode and date of birth),
paragraph 17 (explicit, informed consent is required where anything more than basic
personal information is shared: such information is likely to be sensitive personal
data), the box "There are two different types of consent" (implied consent is generally
not sufficient for sensitive personal data) and paragraphs 16 and 18 (without consent,
each case is judged on whether there is sufficient public interest to share).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.crossborough import world as crossborough
from tests.documents.conftest import DOCX, Opened, download
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.assessments import services as assessments
from webapp.consent.models import Consent, ConsentMethod
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.sharing.sensitive import SENSITIVE_WITHHELD
from webapp.tac.models import TacMember

RELIGION = "Quaker"
DISABILITY = "Hearing impairment in the left ear"
ADDRESS = "4 Orchard Row"

BASIC_ONLY = "covers basic information only"


def basic_only(consent: Consent) -> None:
    """The family agreed to share with the agencies named, basic information only."""
    consent = db.session.merge(consent)
    consent.includes_sensitive = False
    db.session.commit()


@pytest.fixture
def world(app):
    """Riverside: consent to share with the health visitors and a young carers project,
    and an assessment holding basic and sensitive answers."""
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
            "address": ADDRESS,
            "postcode": "SE15 4AB",
            "religion": RELIGION,
            "ethnicity": "white_british",
            "disability": "yes",
            "disability_details": DISABILITY,
        },
        expected_version=0,
        complete=False,
        actor=world.assessor,
    )
    db.session.commit()
    world.response = response
    return world


def register_entries() -> list[SharingDecision]:
    db.session.expire_all()
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def share_copy(client, world, **data):
    form = {"item": f"response-{world.response.id}", "organisation_id": "", "recipient_name": ""}
    form.update({key: str(value) for key, value in data.items()})
    return client.post_form(f"/episodes/{world.episode.id}/documents/share", form)


# --- copies of a form for another agency -------------------------------------------------


def test_a_copy_for_an_agency_with_basic_consent_withholds_the_sensitive_answers(client, world):
    """DCSF 2010, paragraphs 15 and 17: consent that covers basic information only lets the
    name, address, postcode and date of birth go, never the religion or disability."""
    basic_only(world.consent)
    sign_in(client, world.assessor)
    response = share_copy(client, world, organisation_id=world.health.id)
    assert response.status_code == 200 and response.mimetype == DOCX, error_messages(response)
    opened = Opened(response.get_data())
    assert RELIGION not in opened.text and DISABILITY not in opened.text
    assert opened.answer_to("Religion") == SENSITIVE_WITHHELD
    assert opened.answer_to("Does the child have a disability?") == SENSITIVE_WITHHELD
    assert opened.answer_to("Ethnicity") == SENSITIVE_WITHHELD
    assert opened.answer_to("Address") == ADDRESS
    # Riverside's overlay words the given names "First name(s)", and its short label with it
    assert opened.answer_to("First name(s)") == "Ada"
    assert "Sensitive information the family has not agreed to share" in opened.text

    (entry,) = register_entries()
    assert (entry.basis, entry.organisation_id) == (SharingBasis.CONSENT, world.health.id)
    (event,) = audit_events("document.generated", world.assessor)
    assert set(json.loads(event.detail)["sensitive_withheld"]) == {
        "religion",
        "ethnicity",
        "disability",
        "disability_details",
    }


def test_a_copy_for_an_agency_with_explicit_consent_to_sensitive_information_keeps_it(
    client, world
):
    """DCSF 2010, paragraph 17: with explicit, informed consent to share sensitive
    information with that agency, the sensitive answers go too."""
    sign_in(client, world.assessor)
    response = share_copy(client, world, organisation_id=world.health.id)
    opened = Opened(response.get_data())
    assert opened.answer_to("Religion") == RELIGION
    assert DISABILITY in opened.text
    assert SENSITIVE_WITHHELD not in opened.text


def test_a_decision_to_share_without_consent_covers_the_sensitive_answers(client, world):
    """DCSF 2010, paragraphs 16 and 18: where consent does not cover it, the practitioner
    judges the case on the public interest, and a recorded decision covers the sharing."""
    basic_only(world.consent)
    sign_in(client, world.assessor)
    response = share_copy(
        client,
        world,
        organisation_id=world.health.id,
        **public_interest_answers(reasons="Injuries seen; the health visitor must know."),
    )
    assert response.mimetype == DOCX, error_messages(response)
    opened = Opened(response.get_data())
    assert opened.answer_to("Religion") == RELIGION
    (entry,) = register_entries()
    assert entry.basis is SharingBasis.PUBLIC_INTEREST


def test_the_recording_agency_own_copy_keeps_every_answer(client, world):
    """DCSF 2010, paragraph 17 is about sharing: the recording agency's own copy is not
    shared, so it keeps the sensitive answers whatever the consent to share says."""
    basic_only(world.consent)
    sign_in(client, world.assessor)
    opened = download(client, world.episode.id, f"response-{world.response.id}")
    assert opened.answer_to("Religion") == RELIGION
    assert register_entries() == []


def test_implied_consent_lets_basic_answers_go_and_never_sensitive_ones(client, world):
    """DCSF 2010, "There are two different types of consent": implied consent is generally
    not sufficient as a basis for sharing sensitive personal data, so a copy for a service
    the family implicitly agreed to gets the basic answers only."""
    consent = db.session.merge(world.consent)
    consent.method = ConsentMethod.IMPLIED
    consent.includes_sensitive = False
    db.session.commit()
    sign_in(client, world.assessor)
    opened = Opened(share_copy(client, world, recipient_name="Young carers project").get_data())
    assert opened.answer_to("Religion") == SENSITIVE_WITHHELD
    assert opened.answer_to("Address") == ADDRESS


# --- the team around the child -------------------------------------------------------------


def invite(client, world, user, role="Health visitor", **extra):
    return client.post_form(
        f"/episodes/{world.episode.id}/tac/invite",
        {"invite-email": user.email, "invite-role": role, **extra},
        token_from=f"/episodes/{world.episode.id}/tac",
    )


def test_an_invitation_on_basic_consent_is_refused_because_the_team_sees_sensitive_answers(
    client, world
):
    """DCSF 2010, paragraph 17: a member of the team around the child sees the whole record,
    sensitive answers included, so consent must cover sensitive information explicitly."""
    from tests.factories import make_user

    basic_only(world.consent)
    nurse = make_user(db.session.merge(world.health))
    db.session.commit()
    sign_in(client, world.assessor)
    response = invite(client, world, nurse)
    assert response.status_code == 200
    assert BASIC_ONLY in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(TacMember)) == 0
    assert register_entries() == []
    (refusal,) = audit_events("sharing.refused", world.assessor)
    assert BASIC_ONLY in json.loads(refusal.detail)["reason"]


def test_an_invitation_on_basic_consent_goes_ahead_with_a_decision_to_share_without_it(
    client, world
):
    """DCSF 2010, paragraphs 16 and 18: the case judged on the public interest, recorded."""
    from tests.factories import make_user

    basic_only(world.consent)
    nurse = make_user(db.session.merge(world.health))
    db.session.commit()
    sign_in(client, world.assessor)
    response = invite(
        client,
        world,
        nurse,
        **public_interest_answers(
            "invite-public_interest_", reasons="Injuries seen; the health visitor must be told."
        ),
    )
    assert response.status_code == 302, error_messages(response)
    (entry,) = register_entries()
    assert (entry.basis, entry.recipient_user_id) == (SharingBasis.PUBLIC_INTEREST, nurse.id)


def test_an_invitation_with_explicit_consent_to_sensitive_information_goes_ahead(client, world):
    """DCSF 2010, paragraph 17: explicit, informed consent covers the sensitive answers."""
    from tests.factories import make_user

    nurse = make_user(db.session.merge(world.health))
    db.session.commit()
    sign_in(client, world.assessor)
    assert invite(client, world, nurse).status_code == 302
    (entry,) = register_entries()
    assert (entry.basis, entry.consent_id) == (SharingBasis.CONSENT, world.consent.id)


# --- another borough: a request to join, and a transfer ---------------------------------------


@pytest.fixture
def boroughs(app):
    return crossborough.build_world()


def test_approving_a_request_to_join_on_basic_consent_is_refused(app, boroughs):
    """DCSF 2010, paragraph 17: joining opens the whole record, sensitive answers included."""
    basic_only(boroughs.consent)
    nurse = crossborough.signed_in(app, boroughs.northgate_nurse)
    crossborough.search_index(nurse, boroughs.child)
    assert crossborough.ask_to_join(nurse, boroughs.child).status_code == 302
    contact = crossborough.signed_in(app, boroughs.caf_contact)
    request = crossborough.only_request()
    assert BASIC_ONLY in crossborough.page_text(contact.get(f"/join-requests/{request.id}"))

    refused = crossborough.decide(contact, request, "approve", "Checked with the health lead")
    assert refused.status_code == 200
    assert any(BASIC_ONLY in message for message in crossborough.error_messages(refused))
    assert db.session.scalar(select(func.count()).select_from(TacMember)) == 0
    assert register_entries() == []
    assert nurse.get(f"/episodes/{boroughs.episode.id}").status_code == 404


def test_a_transfer_on_basic_consent_is_refused_without_a_decision_to_share(app, boroughs):
    """DCSF 2010, paragraphs 17, 16 and 18: the whole record goes with a transfer; basic
    consent does not cover it, a recorded public-interest decision does."""
    basic_only(boroughs.consent)
    lead = crossborough.signed_in(app, boroughs.lead_professional)
    refused = crossborough.take_step(
        lead,
        boroughs.episode,
        "transfer_out",
        comment="The family moved",
        to_borough_id=str(boroughs.northgate.id),
    )
    assert refused.status_code == 200
    assert any(BASIC_ONLY in message for message in crossborough.error_messages(refused))
    episode = crossborough.reload(boroughs.episode)
    assert episode.transferred_to_borough_id is None
    assert register_entries() == []
    assert "sharing.refused" in crossborough.audit_actions(episode)

    allowed = crossborough.take_step(
        lead,
        boroughs.episode,
        "transfer_out",
        comment="The family moved",
        to_borough_id=str(boroughs.northgate.id),
        **public_interest_answers(reasons="The family fled; Northgate must keep her safe."),
    )
    assert allowed.status_code == 302, crossborough.error_messages(allowed)
    (entry,) = register_entries()
    assert entry.basis is SharingBasis.PUBLIC_INTEREST
