"""A transfer hands the whole record to another borough, so it is sharing (DESIGN §3): it
goes through the sharing rules and into the information-sharing register. The family's
consent covers it when it names the receiving borough's council or its CAF contact's
organisation; otherwise only a public-interest decision allows it; otherwise it is refused
with the reason, audited, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.crossborough.world import (
    audit_actions,
    build_world,
    error_messages,
    reload,
    signed_in,
    take_step,
    transfer_out,
)
from tests.sharing.judgement import public_interest_answers
from webapp import db
from webapp.consent.models import ConsentAgency
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision


@pytest.fixture
def world(app):
    return build_world()


def register_of(episode) -> list[SharingDecision]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SharingDecision)
            .where(SharingDecision.episode_id == episode.id)
            .order_by(SharingDecision.id)
        )
    )


def test_a_consented_transfer_is_written_in_the_register_with_its_consent(app, world):
    transfer_out(signed_in(app, world.lead_professional), world.episode, world.northgate)
    (entry,) = register_of(world.episode)
    assert entry.basis is SharingBasis.CONSENT
    assert entry.consent_id == world.consent.id
    assert entry.organisation.name == "Northgate Council"
    assert entry.decided_by_id == world.lead_professional.id
    assert "sharing.decision_recorded" in audit_actions(world.episode)


def test_a_transfer_to_a_borough_the_family_did_not_agree_to_is_refused(app, world):
    lead = signed_in(app, world.lead_professional)
    refused = take_step(
        lead,
        world.episode,
        "transfer_out",
        comment="The family moved",
        to_borough_id=str(world.westshire.id),
    )
    assert refused.status_code == 200
    assert any(
        "not agreed to share with Westshire" in message for message in error_messages(refused)
    )
    episode = reload(world.episode)
    assert (episode.state, episode.transferred_to_borough_id) == ("delivering", None)
    assert register_of(episode) == []
    assert "sharing.refused" in audit_actions(episode)


def test_consent_naming_only_another_agency_of_that_borough_does_not_cover_a_transfer(app, world):
    consent = db.session.merge(world.consent)
    consent.agencies = [ConsentAgency(organisation_id=world.northgate_health.id)]
    db.session.commit()
    lead = signed_in(app, world.lead_professional)
    refused = take_step(
        lead,
        world.episode,
        "transfer_out",
        comment="The family moved",
        to_borough_id=str(world.northgate.id),
    )
    assert refused.status_code == 200
    assert reload(world.episode).state == "delivering"
    assert register_of(world.episode) == []


def test_a_transfer_without_consent_goes_ahead_with_a_public_interest_decision(app, world):
    lead = signed_in(app, world.lead_professional)
    done = take_step(
        lead,
        world.episode,
        "transfer_out",
        comment="The family fled to Westshire",
        to_borough_id=str(world.westshire.id),
        **public_interest_answers(
            reasons="The child is at risk and Westshire must protect her.",
        ),
    )
    assert done.status_code == 302
    assert reload(world.episode).transferred_to_borough_id == world.westshire.id
    (entry,) = register_of(world.episode)
    assert entry.basis is SharingBasis.PUBLIC_INTEREST
    assert entry.ground is PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD
    assert entry.organisation.name == "Westshire Council"


def test_a_public_interest_decision_without_reasons_is_refused(app, world):
    lead = signed_in(app, world.lead_professional)
    refused = take_step(
        lead,
        world.episode,
        "transfer_out",
        comment="The family moved",
        to_borough_id=str(world.westshire.id),
        **public_interest_answers(reasons=None),
    )
    assert refused.status_code == 200
    assert "Enter the facts of the case" in error_messages(refused)
    assert reload(world.episode).state == "delivering"
    assert register_of(world.episode) == []


def test_the_transfer_form_offers_a_public_interest_decision(app, world):
    lead = signed_in(app, world.lead_professional)
    page = lead.get(f"/episodes/{world.episode.id}/steps/transfer_out")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="public_interest_ground"' in html
    assert 'name="public_interest_reasons"' in html
