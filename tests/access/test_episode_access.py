"""Need to know (Caldicott): who may see an episode, tried through HTTP, ids guessed."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector, Team


@pytest.fixture
def world(app):
    """One episode in Riverside, and people near it and far from it."""
    riverside, northgate = make_borough("riverside"), make_borough("northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(riverside, Sector.HEALTH, name="Riverside Health")
    elsewhere = make_organisation(northgate, Sector.SCHOOL, name="Northgate Academy")
    other_team = Team(name="Team B", organisation=school)
    db.session.add(other_team)
    db.session.flush()
    people = {
        "assessor": make_user(school),
        "lead_professional": make_user(health),
        "coordinator": make_user(health),
        "team_manager": make_user(school, Role.MANAGER),
        "caf_contact": make_user(health, Role.BOROUGH_CAF_CONTACT),
        "same_team_practitioner": make_user(school),
        "other_team_manager": make_user(school, Role.MANAGER, team=other_team),
        "other_borough_caf_contact": make_user(elsewhere, Role.BOROUGH_CAF_CONTACT),
        "other_borough_practitioner": make_user(elsewhere),
        "borough_admin": make_user(school, Role.BOROUGH_ADMIN),
        "system_admin": make_user(school, Role.SYSTEM_ADMIN),
    }
    child = make_child(riverside)
    episode = make_episode(
        child,
        people["assessor"],
        lead_professional=people["lead_professional"],
        coordinator=people["coordinator"],
        state="delivering",
    )
    db.session.commit()
    return {"episode": episode, **people}


ALLOWED = ["assessor", "lead_professional", "coordinator", "team_manager", "caf_contact"]
REFUSED_AS_NOT_FOUND = [
    "same_team_practitioner",
    "other_team_manager",
    "other_borough_caf_contact",
    "other_borough_practitioner",
]
REFUSED_BY_ROLE = ["borough_admin", "system_admin"]


@pytest.mark.parametrize("who", ALLOWED)
def test_people_with_a_need_to_know_can_see_the_episode(client, world, who):
    sign_in(client, world[who])
    response = client.get(f"/episodes/{world['episode'].id}")
    assert response.status_code == 200
    assert world["episode"].reference in response.get_data(as_text=True)


@pytest.mark.parametrize("who", REFUSED_AS_NOT_FOUND)
def test_everyone_else_gets_not_found_and_no_details(client, world, who):
    sign_in(client, world[who])
    response = client.get(f"/episodes/{world['episode'].id}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert world["episode"].reference not in page
    assert world["episode"].child.family_name not in page


@pytest.mark.parametrize("who", REFUSED_BY_ROLE)
def test_administrators_cannot_read_episodes(client, world, who):
    sign_in(client, world[who])
    response = client.get(f"/episodes/{world['episode'].id}")
    assert response.status_code in (403, 404)
    assert world["episode"].child.family_name not in response.get_data(as_text=True)


def test_a_guessed_id_that_does_not_exist_looks_the_same_as_one_not_allowed(client, world):
    sign_in(client, world["other_borough_practitioner"])
    missing = client.get("/episodes/999999")
    forbidden = client.get(f"/episodes/{world['episode'].id}")
    assert missing.status_code == forbidden.status_code == 404

    def without_per_request_values(response):
        # The nonce changes every request; the CSRF token carries a timestamp, so it
        # changes when the two requests fall either side of a second boundary.
        html = re.sub(r'nonce="[^"]+"', "", response.get_data(as_text=True))
        html = re.sub(r'(name="csrf_token" value=)"[^"]*"', r"\1", html)
        return re.sub(r'data-csrf-token="[^"]*"', "", html)

    assert without_per_request_values(missing) == without_per_request_values(forbidden)


def test_an_assessor_whose_dbs_check_has_lapsed_cannot_see_children(client, world):
    assessor = world["assessor"]
    assessor.dbs_check_date = date.today() - timedelta(days=3 * 366)
    db.session.commit()
    sign_in(client, assessor)
    assert client.get(f"/episodes/{world['episode'].id}").status_code == 403
    assert client.get("/child-index").status_code == 403
    assert client.get("/").status_code == 200


def test_an_assessor_with_no_dbs_check_recorded_cannot_see_children(client, world):
    assessor = world["assessor"]
    assessor.dbs_check_date = None
    db.session.commit()
    sign_in(client, assessor)
    assert client.get(f"/episodes/{world['episode'].id}").status_code == 403


def test_deactivating_an_account_ends_its_current_session(client, world):
    sign_in(client, world["assessor"])
    world["assessor"].active = False
    db.session.commit()
    assert client.get(f"/episodes/{world['episode'].id}").status_code == 302


def test_reading_an_episode_is_audited(client, world):
    sign_in(client, world["caf_contact"])
    client.get(f"/episodes/{world['episode'].id}")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "episode.viewed")
    ).one()
    assert event.actor_id == world["caf_contact"].id
    assert event.episode_id == world["episode"].id
    assert event.child_id == world["episode"].child_id


def test_home_page_lists_only_my_open_episodes(client, world):
    sign_in(client, world["assessor"])
    page = client.get("/").get_data(as_text=True)
    assert world["episode"].reference in page
    client.post_form("/sign-out", token_from="/")
    sign_in(client, world["same_team_practitioner"])
    assert world["episode"].reference not in client.get("/").get_data(as_text=True)


def test_the_workflow_state_narrows_who_may_see_the_episode(client, world):
    """Once transferred, the episode is read-only here and the assessor no longer sees it."""
    world["episode"].state = "transferred"
    db.session.commit()
    sign_in(client, world["assessor"])
    assert client.get(f"/episodes/{world['episode'].id}").status_code == 404
    client.post_form("/sign-out", token_from="/")
    sign_in(client, world["lead_professional"])
    assert client.get(f"/episodes/{world['episode'].id}").status_code == 200
