"""Three boroughs and the people the cross-borough tests act as: Riverside holds the CAF
(in its own workflow, with a quality check), Northgate is where practitioners ask to join
and where the child moves, Westshire is a borough with nothing to do with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
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
from webapp.boroughs.models import Borough, Organisation, Sector
from webapp.children.models import Child
from webapp.consent.models import Consent, ConsentAgency
from webapp.crossborough.models import JoinRequest
from webapp.episodes.models import Episode, Notification


@dataclass
class World:
    riverside: Borough
    northgate: Borough
    westshire: Borough
    northgate_health: Organisation
    northgate_school: Organisation
    assessor: User
    lead_professional: User
    manager: User  # manages the Riverside school team (the assessor's and the lead's)
    caf_contact: User  # Riverside's
    northgate_contact: User
    northgate_nurse: User  # Northgate Health: an agency the family agreed to share with
    northgate_teacher: User  # Northgate Academy: not in the consent
    northgate_manager: User  # manages the Northgate Academy team
    westshire_contact: User
    lapsed: User  # a Northgate practitioner whose DBS check is out of date
    child: Child
    episode: Episode
    consent: Consent


def build_world(state: str = "delivering") -> World:
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    westshire = make_borough("westshire", name="Westshire County Council")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside Council")
    northgate_health = make_organisation(northgate, Sector.HEALTH, name="Northgate Health")
    northgate_school = make_organisation(northgate, Sector.SCHOOL, name="Northgate Academy")
    northgate_council = make_organisation(
        northgate, Sector.LOCAL_AUTHORITY, name="Northgate Council"
    )
    westshire_council = make_organisation(
        westshire, Sector.LOCAL_AUTHORITY, name="Westshire Council"
    )
    assessor = make_user(school, email="assessor@riverside.example")
    lead_professional = make_user(school, email="lead@riverside.example")
    child = make_child(riverside, given_names="Mia", family_name="Testcase")
    episode = make_episode(
        child,
        assessor,
        lead_professional=lead_professional,
        state=state,
        workflow_id="caf-riverside",
    )
    consent = make_consent(episode, assessor)
    # Northgate Council, where Northgate's CAF contact works, so a transfer is consented.
    consent.agencies = [
        ConsentAgency(organisation_id=northgate_health.id),
        ConsentAgency(organisation_id=northgate_council.id),
    ]
    world = World(
        riverside=riverside,
        northgate=northgate,
        westshire=westshire,
        northgate_health=northgate_health,
        northgate_school=northgate_school,
        assessor=assessor,
        lead_professional=lead_professional,
        manager=make_user(school, Role.MANAGER),
        caf_contact=make_user(council, Role.BOROUGH_CAF_CONTACT),
        northgate_contact=make_user(northgate_council, Role.BOROUGH_CAF_CONTACT),
        northgate_nurse=make_user(northgate_health, email="nurse@northgate.example"),
        northgate_teacher=make_user(northgate_school, email="teacher@northgate.example"),
        northgate_manager=make_user(northgate_school, Role.MANAGER),
        westshire_contact=make_user(westshire_council, Role.BOROUGH_CAF_CONTACT),
        lapsed=make_user(northgate_school, dbs_check_date=date.today() - timedelta(days=5 * 365)),
        child=child,
        episode=episode,
        consent=consent,
    )
    db.session.commit()
    return world


def signed_in(app, user: User):
    """A new browser session for `user`."""
    client = app.test_client()
    sign_in(client, user)
    return client


def search_index(client, child: Child):
    response = client.post_form(
        "/child-index", {"reason": "find_lead", "reference": child.unique_reference}
    )
    assert response.status_code == 200
    return response


def ask_to_join(client, child: Child, role="School nurse", reason="I see Mia every week"):
    return client.post_form(f"/children/{child.id}/join-request", {"role": role, "reason": reason})


def decide(
    client, request: JoinRequest, decision: str, comment="Checked with her manager", **extra
):
    return client.post_form(
        f"/join-requests/{request.id}", {"decision": decision, "comment": comment, **extra}
    )


def only_request() -> JoinRequest:
    return db.session.scalars(select(JoinRequest)).one()


def take_step(client, episode: Episode, trigger: str, **data):
    return client.post_form(
        f"/episodes/{episode.id}/steps/{trigger}",
        {"expected_state": episode.state, **data},
        token_from=f"/episodes/{episode.id}",
    )


def transfer_out(client, episode: Episode, borough: Borough, reason="The family moved"):
    response = take_step(
        client, episode, "transfer_out", comment=reason, to_borough_id=str(borough.id)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def reload(episode: Episode) -> Episode:
    db.session.expire_all()
    return db.session.get(Episode, episode.id)


def audit_actions(episode: Episode | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if episode is not None:
        query = query.where(AuditEvent.episode_id == episode.id)
    return list(db.session.scalars(query))


def notifications_for(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def error_messages(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def page_text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ").split()
    )
