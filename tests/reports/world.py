"""People and episodes for the report tests, and reading a report page or export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bs4 import BeautifulSoup

from tests.factories import (
    make_borough,
    make_child,
    make_completed_form,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Sector
from webapp.episodes.models import Episode, EpisodeTransition

TODAY = date.today()


def months_ago(months: int, day: int = 10) -> datetime:
    index = TODAY.year * 12 + TODAY.month - 1 - months
    return datetime(index // 12, index % 12 + 1, min(day, 28), 9, 0)


# The period every test reads: the last six months, whole.
SINCE = months_ago(5, 1).date()
PERIOD = {
    "since-day": str(SINCE.day),
    "since-month": str(SINCE.month),
    "since-year": str(SINCE.year),
    "until-day": str(TODAY.day),
    "until-month": str(TODAY.month),
    "until-year": str(TODAY.year),
}


@dataclass
class World:
    borough: Borough
    other_borough: Borough
    school_manager: User
    health_manager: User
    school_practitioner: User
    health_practitioner: User
    caf_contact: User
    borough_admin: User
    system_admin: User
    other_manager: User


def _transition(episode: Episode, to_state: str, at: datetime, actor: User) -> None:
    db.session.add(
        EpisodeTransition(
            episode_id=episode.id,
            occurred_at=at,
            actor_id=actor.id,
            trigger=to_state,
            title=to_state,
            from_state="x",
            to_state=to_state,
            workflow_id="caf",
            workflow_version=1,
        )
    )


def started(
    child_borough: Borough,
    assessor: User,
    opened_at: datetime,
    *,
    postcode: str = "SE15 4AB",
    born: date = date(2015, 5, 17),
    state: str = "delivering",
    **fields,
) -> Episode:
    child = make_child(child_borough, postcode=postcode, date_of_birth=born)
    episode = make_episode(
        child,
        assessor,
        state=state,
        opened_at=opened_at,
        last_activity_at=fields.pop("last_activity_at", datetime.now() - timedelta(days=1)),
        lead_professional=assessor,
        **fields,
    )
    return episode


def build_world() -> World:
    riverside = make_borough("riverside", name="Riverside Council")
    northgate = make_borough("northgate", name="Northgate Council")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY, name="Riverside CAF Team")
    northgate_school = make_organisation(northgate, Sector.SCHOOL, name="Northgate Academy")
    world = World(
        borough=riverside,
        other_borough=northgate,
        school_manager=make_user(school, Role.MANAGER),
        health_manager=make_user(health, Role.MANAGER),
        school_practitioner=make_user(school),
        health_practitioner=make_user(health),
        caf_contact=make_user(council, Role.BOROUGH_CAF_CONTACT),
        borough_admin=make_user(council, Role.BOROUGH_ADMIN),
        system_admin=make_user(council, Role.SYSTEM_ADMIN),
        other_manager=make_user(northgate_school, Role.MANAGER),
    )
    northgate_practitioner = make_user(northgate_school)
    school_worker, health_worker = world.school_practitioner, world.health_practitioner
    # Twelve started by the school in SE15, in three months; children of 10 and of 3.
    for number in range(12):
        episode = started(
            riverside,
            school_worker,
            months_ago(number % 3 + 1, day=5 + number),
            born=date(TODAY.year - 10, 1, 1) if number < 8 else date(TODAY.year - 3, 1, 1),
        )
        _transition(
            episode, "assessed", episode.opened_at + timedelta(days=10 + number), school_worker
        )
        if number < 6:
            _transition(
                episode, "reviewing", episode.opened_at + timedelta(days=40 + number), school_worker
            )
    # Three started by health in SE5: a small number in every cut it touches.
    for number in range(3):
        started(riverside, health_worker, months_ago(1, day=3 + number), postcode="SE5 9RS")
    # Closed: ten needs met, six stepped up.
    for number in range(16):
        episode = started(
            riverside,
            school_worker,
            months_ago(4, day=2 + number),
            state="closed",
            closed_at=months_ago(2, day=2 + number),
        )
        reason = "needs_met" if number < 10 else "step_up"
        make_completed_form(episode, "closure", school_worker, reason={"closure_reason": reason})
    # One referred to social care, one transferred; one overdue and idle.
    referred = started(riverside, school_worker, months_ago(2), state="referred_to_social_care")
    _transition(referred, "referred_to_social_care", months_ago(1), school_worker)
    moved = started(riverside, school_worker, months_ago(2), state="transferred")
    _transition(moved, "transferred", months_ago(1), school_worker)
    started(
        riverside,
        school_worker,
        months_ago(5),
        next_review_on=TODAY - timedelta(days=3),
        last_activity_at=datetime.now() - timedelta(days=90),
    )
    # Another borough's: never in Riverside's figures.
    for number in range(7):
        started(
            northgate, northgate_practitioner, months_ago(1, day=4 + number), postcode="NG1 1AA"
        )
    db.session.commit()
    return world


def tables(response) -> dict[str, dict[str, str]]:
    """Each table of a report page by its id: {row label: the number column's text}."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = {}
    for table in soup.select("table[id]"):
        rows = {}
        for row in table.select("tbody tr"):
            label = row.select_one("th").get_text(" ", strip=True)
            rows[label] = row.select("td")[0].get_text(" ", strip=True)
        found[table["id"]] = rows
    return found


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))
