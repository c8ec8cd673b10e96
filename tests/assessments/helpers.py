"""Building episodes with consent and form responses for the form tests."""

from __future__ import annotations

from datetime import date

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.consent.models import Consent, ConsentDecision, ConsentGiver, ConsentMethod


def give_consent(episode, recorded_by, *, to_record: bool = True) -> Consent:
    consent = Consent(
        episode_id=episode.id,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGiver.PARENT_CARER,
        given_by_name="Pat Parent",
        relationship_to_child="Mother",
        has_parental_responsibility=True,
        to_assess=True,
        to_record=to_record,
        to_share=True,
        method=ConsentMethod.WRITTEN,
        given_on=date.today(),
        recorded_by_id=recorded_by.id,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def make_world(borough_code: str = "riverside", state: str = "assessing"):
    """A borough with an assessor, a coordinator, an outsider from another borough, and an
    episode in `state` with current consent to record."""
    borough = make_borough(borough_code)
    organisation = make_organisation(borough)
    assessor = make_user(organisation)
    coordinator = make_user(organisation)
    bystander = make_user(organisation)
    elsewhere = make_user(make_organisation(make_borough()))
    manager = make_user(organisation, Role.MANAGER)
    child = make_child(borough)
    episode = make_episode(child, assessor, state=state, coordinator=coordinator)
    give_consent(episode, assessor)
    db.session.commit()
    return {
        "borough": borough,
        "assessor": assessor,
        "coordinator": coordinator,
        "bystander": bystander,
        "elsewhere": elsewhere,
        "manager": manager,
        "child": child,
        "episode": episode,
    }
