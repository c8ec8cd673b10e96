"""Teams as data an administrator keeps, through HTTP: create a team in one of the borough's
organisations, say who manages it, put practitioners in it and take them out; another
borough's teams answer 404, audited; every change audited; GOV.UK errors for bad input."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_user
from tests.useradmin.helpers import error_summary, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Team


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def east(world):
    return world["eastmoor"]


@pytest.fixture
def admin_client(client, east):
    sign_in(client, east["admin"])
    return client


def create_team(client, organisation, name="Pastoral team"):
    return client.post_form(
        "/admin/teams/new", {"organisation": str(organisation.id), "name": name}
    )


def team_named(name: str) -> Team:
    db.session.expire_all()
    return db.session.scalars(select(Team).where(Team.name == name)).one()


def reload(account: User) -> User:
    db.session.expire_all()
    return db.session.get(User, account.id)


def words(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(soup.select_one("main").get_text(" ").split())


def test_an_administrator_creates_a_team_in_an_organisation_of_their_borough(admin_client, east):
    response = create_team(admin_client, east["clinic"], "  Health   visiting team ")

    team = team_named("Health visiting team")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/teams/{team.id}"
    assert team.organisation_id == east["clinic"].id
    page = words(admin_client.get(f"/admin/teams/{team.id}"))
    assert "Health visiting team has been created. Now say who manages it" in page
    assert "Nobody manages this team" in page
    (created,) = events("useradmin.team_created")
    assert created.actor_id == east["admin"].id and created.object_type == "team"
    assert json.loads(created.detail)["name"] == "Health visiting team"
    listed = words(admin_client.get("/admin/teams"))
    assert "Health visiting team" in listed and "Nobody" in listed


def test_creating_a_team_needs_an_organisation_and_a_name_it_does_not_have(admin_client, east):
    empty = admin_client.post_form("/admin/teams/new", {})
    assert error_summary(empty) == [
        ("Select the organisation the team belongs to", "#organisation"),
        ("Enter the name of the team", "#name"),
    ]
    too_long = create_team(admin_client, east["school"], "x" * 161)
    assert error_summary(too_long) == [
        ("Name of the team must be 160 characters or fewer", "#name")
    ]
    # The factories give every organisation a "Team A".
    taken = create_team(admin_client, east["school"], "team a")
    assert error_summary(taken) == [
        (f"{east['school'].name} already has a team called team a", "#name")
    ]
    assert db.session.scalars(select(Team).where(Team.name == "team a")).all() == []


def test_a_team_cannot_be_created_in_another_boroughs_organisation(admin_client, world):
    response = create_team(admin_client, world["westfold"]["school"], "Forged team")
    assert error_summary(response) == [("Select an option from the list", "#organisation")]
    assert db.session.scalars(select(Team).where(Team.name == "Forged team")).all() == []


def test_an_administrator_says_who_manages_a_team(admin_client, east):
    create_team(admin_client, east["school"])
    team = team_named("Pastoral team")
    manager = east["manager"]  # in charge of the school's "Team A" now
    old_team_id = manager.team_id

    page = admin_client.get(f"/admin/teams/{team.id}/managers").get_data(as_text=True)
    assert f'value="{manager.id}"' in page
    assert "they would move to this team" in page
    assert f'value="{east["practitioner"].id}"' not in page  # not a manager
    response = admin_client.post_form(
        f"/admin/teams/{team.id}/managers", {"managers": [str(manager.id)]}
    )

    assert response.status_code == 302
    assert reload(manager).team_id == team.id
    assert f"Managed by {manager.full_name}" in words(admin_client.get(f"/admin/teams/{team.id}"))
    (changed,) = events("useradmin.team_managers_changed")
    detail = json.loads(changed.detail)
    assert detail["after"] == [manager.id] and detail["moved_from"] == {
        str(manager.id): old_team_id
    }

    # Choosing nobody takes the manager out of the team.
    admin_client.post_form(f"/admin/teams/{team.id}/managers", {})
    assert reload(manager).team_id is None
    assert len(events("useradmin.team_managers_changed")) == 2


def test_only_managers_of_the_teams_organisation_can_be_put_in_charge(admin_client, east, world):
    create_team(admin_client, east["clinic"], "Clinic team")
    team = team_named("Clinic team")
    school_manager = east["manager"]
    other_borough = world["westfold"]["manager"]
    gone = make_user(east["clinic"], Role.MANAGER, active=False)
    gone.team_id = None
    db.session.commit()
    for forged in (school_manager, other_borough, gone, east["practitioner"]):
        response = admin_client.post_form(
            f"/admin/teams/{team.id}/managers", {"managers": [str(forged.id)]}
        )
        assert error_summary(response) == [("Select an option from the list", "#managers")]
        assert reload(forged).team_id != team.id
    page = words(admin_client.get(f"/admin/teams/{team.id}/managers"))
    assert "has no active account with the manager role" in page


def test_practitioners_are_put_in_a_team_and_taken_out(admin_client, east):
    create_team(admin_client, east["school"])
    team = team_named("Pastoral team")
    practitioner = east["practitioner"]

    page = admin_client.get(f"/admin/teams/{team.id}/practitioners/add").get_data(as_text=True)
    assert f'value="{practitioner.id}"' in page
    assert f'value="{east["manager"].id}"' not in page
    added = admin_client.post_form(
        f"/admin/teams/{team.id}/practitioners/add", {"practitioner": str(practitioner.id)}
    )
    assert added.status_code == 302
    assert reload(practitioner).team_id == team.id
    shown = words(admin_client.get(f"/admin/teams/{team.id}"))
    assert f"{practitioner.full_name} is now in Pastoral team" in shown
    assert f"Take out of the team {practitioner.full_name}" in shown

    removed = admin_client.post_form(
        f"/admin/teams/{team.id}/members/{practitioner.id}/remove",
        token_from=f"/admin/teams/{team.id}",
    )
    assert removed.status_code == 302
    assert reload(practitioner).team_id is None
    assert [event.action for event in events("useradmin.team_member_added")] == [
        "useradmin.team_member_added"
    ]
    assert len(events("useradmin.team_member_removed")) == 1


def test_adding_asks_for_a_practitioner_of_the_teams_organisation(admin_client, east, world):
    create_team(admin_client, east["clinic"], "Clinic team")
    team = team_named("Clinic team")
    empty = admin_client.post_form(f"/admin/teams/{team.id}/practitioners/add", {})
    assert error_summary(empty) == [("Select the practitioner to put in the team", "#practitioner")]
    for forged in (east["practitioner"], world["westfold"]["practitioner"], east["manager"]):
        response = admin_client.post_form(
            f"/admin/teams/{team.id}/practitioners/add", {"practitioner": str(forged.id)}
        )
        assert error_summary(response) == [("Select an option from the list", "#practitioner")]
        assert reload(forged).team_id != team.id


def test_another_boroughs_team_is_not_found_and_the_attempt_audited(admin_client, world):
    team = world["westfold"]["school"].teams[0]
    member = world["westfold"]["practitioner"]
    for path in (
        f"/admin/teams/{team.id}",
        f"/admin/teams/{team.id}/managers",
        f"/admin/teams/{team.id}/practitioners/add",
        "/admin/teams/999999",
    ):
        assert admin_client.get(path).status_code == 404, path
    forged = admin_client.post_form(
        f"/admin/teams/{team.id}/members/{member.id}/remove", token_from="/admin/teams"
    )
    assert forged.status_code == 404
    assert reload(member).team_id == team.id
    refusals = [json.loads(event.detail) for event in events("useradmin.refused")]
    assert [refusal["attempted"] for refusal in refusals] == [
        "view",
        "change_managers",
        "add_practitioner",
        "view",
        "remove_member",
    ]
    assert "westfold" not in words(admin_client.get("/admin/teams")).lower()


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact"])
def test_only_administrators_keep_teams(client, east, who):
    sign_in(client, east[who])
    team = east["school"].teams[0]
    assert client.get("/admin/teams").status_code == 403
    assert client.get(f"/admin/teams/{team.id}").status_code == 403


def test_changes_need_the_csrf_token(admin_client, east):
    team = east["school"].teams[0]
    practitioner = east["practitioner"]
    response = admin_client.post(
        f"/admin/teams/{team.id}/members/{practitioner.id}/remove",
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert reload(practitioner).team_id == team.id


def test_a_manager_in_no_team_is_told_what_to_do(client, other_client, east, admin_client):
    manager = east["manager"]
    sign_in(other_client, manager)
    assert "You manage Team A" in words(other_client.get("/"))

    admin_client.post_form(f"/admin/teams/{manager.team_id}/managers", {})

    home = words(other_client.get("/"))
    assert "You are not in charge of a team" in home
    assert "Ask your borough administrator to put you in charge of a team" in home
    account_page = words(admin_client.get(f"/admin/users/{manager.id}"))
    assert "As a manager they can approve nothing until they are in charge of a team" in (
        account_page
    )
