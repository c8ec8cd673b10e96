"""The people and the episode the sharing, notes and subject-access tests act on."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Organisation, Sector
from webapp.children.models import Child
from webapp.consent.models import Consent, ConsentAgency
from webapp.episodes.models import Episode


@dataclass
class World:
    school: Organisation
    health: Organisation
    police: Organisation
    northgate_school: Organisation
    assessor: User
    lead_professional: User
    colleague: User  # same school, nothing to do with the episode
    manager: User
    caf_contact: User
    northgate_contact: User
    northgate_practitioner: User
    borough_admin: User
    system_admin: User
    child: Child
    episode: Episode
    consent: Consent

    def person(self, name: str) -> User:
        return getattr(self, name)


def build_world(state: str = "assessed", **child_fields) -> World:
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health Visiting")
    police = make_organisation(riverside, Sector.POLICE, name="Riverside Police")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside Council")
    northgate_school = make_organisation(northgate, Sector.SCHOOL, name="Northgate Academy")
    northgate_council = make_organisation(
        northgate, Sector.LOCAL_AUTHORITY, name="Northgate Council"
    )
    assessor = make_user(school)
    lead_professional = make_user(school)
    child = make_child(riverside, **child_fields)
    episode = make_episode(child, assessor, lead_professional=lead_professional, state=state)
    consent = make_consent(episode, assessor)
    consent.agencies = [
        ConsentAgency(organisation_id=health.id),
        ConsentAgency(service_name="Young carers project"),
    ]
    world = World(
        school=school,
        health=health,
        police=police,
        northgate_school=northgate_school,
        assessor=assessor,
        lead_professional=lead_professional,
        colleague=make_user(school),
        manager=make_user(school, Role.MANAGER),
        caf_contact=make_user(council, Role.BOROUGH_CAF_CONTACT),
        northgate_contact=make_user(northgate_council, Role.BOROUGH_CAF_CONTACT),
        northgate_practitioner=make_user(northgate_school),
        borough_admin=make_user(council, Role.BOROUGH_ADMIN),
        system_admin=make_user(council, Role.SYSTEM_ADMIN),
        child=child,
        episode=episode,
        consent=consent,
    )
    db.session.commit()
    return world


def audit_events(action: str, actor: User | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if actor is not None:
        query = query.where(AuditEvent.actor_id == actor.id)
    return list(db.session.scalars(query))


def error_messages(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def page_text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")
