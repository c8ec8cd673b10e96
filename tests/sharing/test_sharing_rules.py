"""The sharing rules as the rest of the app calls them (the team around the child,
documents): consent must name the agency, withdrawal stops everything, and a public-interest
decision needs known grounds and reasons."""

import pytest
from sqlalchemy import select

from tests.factories import make_consent, make_user
from tests.sharing import judgement
from tests.sharing.world import audit_events, build_world
from webapp import db
from webapp.consent.models import ConsentAgency, ConsentDecision
from webapp.sharing import services
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision

REFUSAL = (
    "Riverside Police is not in the agencies the family agreed to share with. Record a "
    "public-interest decision to share without consent, or do not share."
)


@pytest.fixture
def world(app):
    return build_world()


def decisions() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision)))


def test_an_agency_named_in_current_consent_to_share_has_consent(world):
    assert services.agency_has_consent(db.session, world.episode, world.health.id)
    assert not services.agency_has_consent(db.session, world.episode, world.police.id)


def test_a_named_service_is_matched_whatever_its_case_and_spacing(world):
    assert services.service_has_consent(db.session, world.episode, "  young  CARERS project ")
    assert not services.service_has_consent(db.session, world.episode, "Young carers")


def test_once_sharing_is_suspended_no_agency_has_consent_even_with_consent_rows(world):
    world.episode.sharing_suspended = True
    db.session.flush()
    assert world.consent.is_current
    assert not services.agency_has_consent(db.session, world.episode, world.health.id)
    with pytest.raises(services.SharingRefused, match="Consent to share has been withdrawn"):
        services.check_sharing(db.session, world.episode, world.health.id)


def test_withdrawn_consent_and_consent_without_sharing_do_not_cover_an_agency(world):
    world.consent.to_share = False
    withdrawn = make_consent(world.episode, world.assessor)
    withdrawn.agencies = [ConsentAgency(organisation_id=world.police.id)]
    withdrawn.withdrawn_at = withdrawn.recorded_at
    refusal = make_consent(
        world.episode, world.assessor, decision=ConsentDecision.REFUSED, to_share=True
    )
    refusal.agencies = [ConsentAgency(organisation_id=world.police.id)]
    db.session.flush()
    assert not services.agency_has_consent(db.session, world.episode, world.health.id)
    assert not services.agency_has_consent(db.session, world.episode, world.police.id)


def test_sharing_outside_the_consented_agencies_is_refused_in_plain_english(world):
    with pytest.raises(services.SharingRefused) as refused:
        services.check_sharing(db.session, world.episode, world.police.id)
    assert refused.value.reason == REFUSAL


def test_a_public_interest_decision_allows_sharing_without_consent(world):
    public_interest = judgement.public_interest(
        ground=PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD, reasons="Bruising seen twice"
    )
    basis = services.check_sharing(db.session, world.episode, world.police.id, public_interest)
    assert basis is SharingBasis.PUBLIC_INTEREST


@pytest.mark.parametrize(
    ("ground", "reasons", "field"),
    [("because", "Bruising seen", "ground"), ("serious_crime", "   ", "reasons")],
)
def test_a_public_interest_decision_needs_known_grounds_and_reasons(world, ground, reasons, field):
    with pytest.raises(services.SharingInvalid) as invalid:
        services.check_sharing(
            db.session,
            world.episode,
            world.police.id,
            judgement.public_interest(ground=ground, reasons=reasons),
        )
    assert set(invalid.value.errors) == {field}


def test_sharing_with_a_user_checks_consent_for_their_agency_and_names_them(world):
    health_visitor = make_user(world.health)
    officer = make_user(world.police)

    decision = services.share(
        db.session, world.episode, world.assessor, what="The plan", recipient_user=health_visitor
    )

    assert (decision.basis, decision.organisation_id) == (SharingBasis.CONSENT, world.health.id)
    assert decision.consent_id == world.consent.id
    assert decision.recipient == f"{health_visitor.full_name}, Riverside Health Visiting"
    with pytest.raises(services.SharingRefused, match="Riverside Police is not in the agencies"):
        services.share(
            db.session, world.episode, world.assessor, what="The plan", recipient_user=officer
        )


def test_a_register_entry_on_the_basis_of_consent_cannot_be_written_without_consent(world):
    with pytest.raises(services.SharingRefused):
        services.record_decision(
            db.session,
            world.episode,
            world.assessor,
            basis=SharingBasis.CONSENT,
            what="The assessment",
            organisation_id=world.police.id,
        )
    assert decisions() == []


def test_a_public_interest_entry_cannot_be_written_without_the_decision(world):
    with pytest.raises(services.SharingInvalid) as invalid:
        services.record_decision(
            db.session,
            world.episode,
            world.assessor,
            basis=SharingBasis.PUBLIC_INTEREST,
            what="The assessment",
            organisation_id=world.police.id,
            reasons="I thought it best",
        )
    assert set(invalid.value.errors) == {"ground"}
    assert decisions() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what": "The assessment", "organisation_id": None}, "organisation_id"),
        ({"what": "The assessment", "organisation_id": 999999}, "organisation_id"),
        ({"what": "  ", "recipient_name": "Dr Jones"}, "what"),
        ({"what": "The assessment", "recipient_name": "Dr Jones", "reasons": ""}, "reasons"),
    ],
)
def test_a_decision_not_to_share_needs_what_with_whom_and_reasons(world, fields, field):
    fields = {"reasons": "The family did not agree", **fields}
    with pytest.raises(services.SharingInvalid) as invalid:
        services.record_decision(
            db.session, world.episode, world.assessor, basis=SharingBasis.NOT_SHARED, **fields
        )
    assert field in invalid.value.errors
    assert decisions() == []


def test_every_register_entry_is_audited(world):
    public_interest = judgement.public_interest(
        ground="serious_crime", reasons="Threats to a neighbour"
    )
    decision = services.share(
        db.session,
        world.episode,
        world.lead_professional,
        what="Address and the threats reported",
        organisation_id=world.police.id,
        public_interest=public_interest,
    )
    (event,) = audit_events("sharing.decision_recorded")
    assert (event.actor_id, event.episode_id, event.object_id) == (
        world.lead_professional.id,
        world.episode.id,
        str(decision.id),
    )
    assert decision.ground is PublicInterestGround.SERIOUS_CRIME
    assert decision.reasons == "Threats to a neighbour"
