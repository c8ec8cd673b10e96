"""People and records for the access monitoring tests, and the requests they make."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.children.models import Child
from webapp.episodes.models import Episode


@dataclass
class World:
    child: Child
    episode: Episode
    assessor: User  # works on the episode
    school_manager: User  # manages the assessor's team
    nurse: User  # a practitioner of the borough who does not work on the episode
    health_manager: User  # manages the nurse's team
    caf_contact: User
    other_caf_contact: User  # another borough's
    other_practitioner: User  # another borough's
    administrator: User


def build_world() -> World:
    riverside = make_borough("riverside", name="Riverside Council")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside CAF Team")
    northgate = make_organisation(make_borough("northgate"), name="Northgate Academy")
    assessor = make_user(school, email="assessor@riverside.example")
    child = make_child(riverside, given_names="Ada", family_name="Quillfeather")
    episode = make_episode(child, assessor, state="delivering", lead_professional=assessor)
    world = World(
        child=child,
        episode=episode,
        assessor=assessor,
        school_manager=make_user(school, Role.MANAGER, email="head@riverside.example"),
        nurse=make_user(health, email="nurse@riverside.example"),
        health_manager=make_user(health, Role.MANAGER, email="matron@riverside.example"),
        caf_contact=make_user(council, Role.BOROUGH_CAF_CONTACT, email="caf@riverside.example"),
        other_caf_contact=make_user(northgate, Role.BOROUGH_CAF_CONTACT),
        other_practitioner=make_user(northgate),
        administrator=make_user(council, Role.BOROUGH_ADMIN),
    )
    db.session.commit()
    return world


def search_for(client, child: Child, reason: str = "concern", details: str = ""):
    data = {"reason": reason, "family_name": child.family_name, "given_name": child.given_names}
    if details:
        data["reason_details"] = details
    response = client.post_form("/child-index", data)
    assert response.status_code == 200
    return response


def events(action: str, actor: User | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    statement = select(AuditEvent).where(AuditEvent.action == action)
    if actor is not None:
        statement = statement.where(AuditEvent.actor_id == actor.id)
    return list(db.session.scalars(statement.order_by(AuditEvent.id)))


def refusals_by(user: User) -> list[AuditEvent]:
    return events("access.refused", user)


def history_rows(response) -> list[dict[str, str]]:
    """The rows of an access history page, each by its column headings, with its kind."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    table = soup.select_one("#access-history")
    if table is None:
        return []
    headings = [cell.get_text(" ", strip=True) for cell in table.select("thead th")]
    found = []
    for row in table.select("tbody tr"):
        cells = (cell.get_text(" ", strip=True) for cell in row.select("td"))
        found.append(dict(zip(headings, cells, strict=True)) | {"kind": row["data-kind"]})
    return found
