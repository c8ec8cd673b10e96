"""Two boroughs with practitioners, managers of two teams and CAF contacts: Riverside runs
its own workflow (with a quality check), Northgate the national one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector
from webapp.db import utcnow
from webapp.episodes.models import Episode


@pytest.fixture
def people(app):
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(riverside, Sector.SCHOOL)
    health = make_organisation(riverside, Sector.HEALTH)
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY)
    northgate_school = make_organisation(northgate, Sector.SCHOOL)
    northgate_council = make_organisation(northgate, Sector.LOCAL_AUTHORITY)
    found = {
        "riverside": riverside,
        "northgate": northgate,
        "assessor": make_user(school),
        "lead": make_user(school),
        "manager": make_user(school, Role.MANAGER),
        "health_worker": make_user(health),
        "health_manager": make_user(health, Role.MANAGER),
        "caf_contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
        "northgate_worker": make_user(northgate_school),
        "northgate_manager": make_user(northgate_school, Role.MANAGER),
        "northgate_contact": make_user(northgate_council, Role.BOROUGH_CAF_CONTACT),
    }
    db.session.commit()
    return found


def riverside_episode(people, state: str, **fields) -> Episode:
    """An episode of a Riverside child, assessed by the school's assessor, led by its lead."""
    fields.setdefault("lead_professional", people["lead"])
    fields.setdefault("workflow_id", "caf-riverside")
    if state in {"closed", "consent_refused", "transferred"}:
        fields.setdefault("closed_at", utcnow())
    episode = make_episode(
        make_child(people["riverside"]),
        fields.pop("assessor", people["assessor"]),
        state=state,
        **fields,
    )
    db.session.commit()
    return episode


def northgate_episode(people, state: str, **fields) -> Episode:
    episode = make_episode(
        make_child(people["northgate"]),
        people["northgate_worker"],
        lead_professional=people["northgate_worker"],
        state=state,
        **fields,
    )
    db.session.commit()
    return episode


def days_from_today(days: int) -> date:
    return date.today() + timedelta(days=days)
