"""A safeguarding referral is a decision to share, recorded in the information-sharing
register (CWDC 2009, 4.24; DESIGN §3: "Every decision to share or not to share, with or
without consent (a safeguarding referral included), goes in the episode's
information-sharing register"). Through HTTP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_organisation
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.boroughs.models import Sector
from webapp.consent.models import ConsentAgency
from webapp.episodes.models import Episode, SocialCareInvolvement
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision

WHY = "Bruising on both arms; she said her step-father grabbed her."


@pytest.fixture
def world(app):
    world = build_world(state="delivering")
    world.social_care = make_organisation(
        world.school.borough, Sector.LOCAL_AUTHORITY, name="Riverside Children's Social Care"
    )
    db.session.commit()
    return world


def refer(client, world, **overrides):
    data = {
        "expected_state": "delivering",
        "comment": WHY,
        "organisation_id": str(world.social_care.id),
        "recipient_name": "Duty social worker",
        "what": "What I saw and what she said",
        "basis": "without_consent",
        **public_interest_answers(reasons=None, shared=None),
    }
    data.update(overrides)
    data = {name: value for name, value in data.items() if value is not None}
    path = f"/episodes/{world.episode.id}/steps/refer_to_social_care"
    return client.post_form(path, data)


def register() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def state(world) -> str:
    db.session.expire_all()
    return db.session.get(Episode, world.episode.id).state


def test_a_referral_without_consent_goes_in_the_register_with_why_and_who_decided(client, world):
    """CWDC 2009, 4.24: "In cases where the practitioner decides to share information without
    consent, they should record the reasons for doing so. Practitioners should always record
    decisions about information sharing with or without consent." The referral's register
    entry says what was shared, with whom, why without consent (4.23: significant harm), the
    facts (the step's reasons), and who decided; the manager is asked to review it."""
    sign_in(client, world.lead_professional)
    response = refer(client, world)
    assert response.status_code == 302, error_messages(response)
    assert state(world) == "referred_to_social_care"
    (entry,) = register()
    assert entry.basis is SharingBasis.PUBLIC_INTEREST
    assert entry.ground is PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD
    assert entry.what == (
        "Safeguarding referral to children's social care: What I saw and what she said"
    )
    assert entry.recipient == "Duty social worker, Riverside Children's Social Care"
    assert entry.reasons == WHY
    assert entry.decided_by_id == world.lead_professional.id
    assert (entry.family_told, entry.advice_taken) == (False, True)
    (event,) = audit_events("episode.safeguarding_referral", world.lead_professional)
    assert json.loads(event.detail)["sharing_decision_id"] == entry.id
    shown = page_text(client.get(f"/episodes/{world.episode.id}/sharing"))
    for text in ("Safeguarding referral to children's social care", WHY, "Shared without consent"):
        assert text in shown


def test_a_referral_with_consent_needs_consent_that_covers_the_service(client, world):
    """CWDC 2009, 4.17: information is shared "with the explicit consent of the child, young
    person or parent/carer unless ... there is sufficient public interest". A referral said
    to be with consent is refused while the family's consent does not name the service, and
    recorded against the consent that does once it does."""
    sign_in(client, world.lead_professional)
    refused = refer(client, world, basis="with_consent")
    assert refused.status_code == 200
    assert error_messages(refused) == [
        "Riverside Children's Social Care is not in the agencies the family agreed to share "
        "with. Record a public-interest decision to share without consent, or do not share."
    ]
    assert state(world) == "delivering"
    assert register() == []
    assert audit_events("sharing.refused", world.lead_professional)

    world.consent.agencies.append(ConsentAgency(organisation_id=world.social_care.id))
    db.session.commit()
    done = refer(client, world, basis="with_consent")
    assert done.status_code == 302, error_messages(done)
    (entry,) = register()
    assert (entry.basis, entry.consent_id, entry.ground) == (
        SharingBasis.CONSENT,
        world.consent.id,
        None,
    )
    assert entry.necessity == "" and entry.family_told is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what": ""}, "Enter what you shared with children's social care"),
        (
            {"organisation_id": "", "recipient_name": ""},
            "Select the agency, or enter the name of the person or service",
        ),
        ({"organisation_id": "999999"}, "Select an option from the list"),
        ({"basis": None}, "Select whether the family agreed to this referral"),
        ({"basis": "because"}, "Select an option from the list"),
        ({"public_interest_ground": None}, "Select the grounds for sharing without consent"),
        (
            {"public_interest_necessity": ""},
            "Enter why sharing is necessary, and proportionate to the need",
        ),
        ({"public_interest_family_told": None}, "Select whether the family have been told"),
        (
            {"public_interest_family_not_told_reason": ""},
            "Enter why the family have not been told",
        ),
        ({"public_interest_advice_from": ""}, "Enter who advised you"),
        ({"what": "x" * 1901}, "What you shared must be 1900 characters or fewer"),
    ],
)
def test_a_referral_without_its_answers_changes_nothing(client, world, overrides, message):
    """CWDC 2009, 4.24: the decision and its reasons are recorded; a referral missing any
    of them is refused with a GOV.UK message, the episode and the register unchanged."""
    sign_in(client, world.lead_professional)
    response = refer(client, world, **overrides)
    assert response.status_code == 200
    assert message in error_messages(response)
    assert state(world) == "delivering"
    assert register() == []


def test_the_referral_is_in_the_subject_access_bundle_and_the_index_shows_social_care(
    client, other_client, world
):
    """CWDC 2009, 4.24 (always record sharing decisions) and the London CAF protocol,
    Annex 1, 2 (checks include whether social care is involved): the bundle that lists the
    register holds the referral, and the child index now shows social care involved."""
    sign_in(client, world.lead_professional)
    assert refer(client, world).status_code == 302
    db.session.expire_all()
    assert (
        db.session.get(Episode, world.episode.id).social_care_involvement
        is SocialCareInvolvement.YES
    )
    sign_in(other_client, world.caf_contact)
    response = other_client.post_form(
        f"/children/{world.child.id}/subject-access", {"request_details": "Father asked"}
    )
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    bundle = json.loads(archive.read("bundle.json"))
    (entry,) = bundle["sharing_register"]
    assert entry["what"].startswith("Safeguarding referral to children's social care")
    assert entry["reasons"] == WHY
    assert entry["manager_review"] == "Waiting"

    search = other_client.post_form(
        "/child-index",
        {
            "reason": "existing_caf",
            "given_name": world.child.given_names,
            "family_name": world.child.family_name,
        },
    )
    soup = BeautifulSoup(search.get_data(as_text=True), "html.parser")
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in soup.select(".govuk-summary-card .govuk-summary-list__row")
    }
    assert rows["Children's social care involved"].startswith("Yes, now or in the past")
