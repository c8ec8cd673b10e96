"""A manager acts for the team an administrator puts them in charge of, through the pages:
an account created as a manager (who sets their password from the e-mailed link) can
approve nothing until put in charge of a team; then they approve the closure a practitioner
of that team asks for, and a manager of another team cannot."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.episodes.journey import (
    CLOSURE,
    REVIEW,
    Person,
    assess,
    member_for,
    reload,
    start_caf,
    text,
)
from tests.factories import make_borough, make_child, make_organisation, make_user
from tests.mailbox import link_in, text_of, written_to
from tests.two_factor import pass_second_step
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Sector, Team

NEW_PASSWORD = "heron quartz meadow lantern"
MANAGER_EMAIL = "robin.reyes@eastmoor.example"


@pytest.fixture
def borough(app):
    eastmoor = make_borough("eastmoor", name="Eastmoor Council")
    school = make_organisation(eastmoor, Sector.SCHOOL, name="Eastmoor Primary")
    found = {
        "school": school,
        "admin": make_user(school, Role.BOROUGH_ADMIN, email="admin@eastmoor.example"),
        "practitioner": make_user(school, email="learning.mentor@eastmoor.example"),
        # In charge of the school's other team ("Team A", where the factories put people).
        "other_manager": make_user(school, Role.MANAGER, email="other.manager@eastmoor.example"),
        "child": make_child(eastmoor),
    }
    db.session.commit()
    return found


def signed_in_with_new_password(client, user: User) -> Person:
    response = client.post_form("/sign-in", {"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    # A new account sets up two-factor sign-in at its first sign-in.
    assert pass_second_step(client, response, user.email).status_code == 200
    person = Person.__new__(Person)
    person.client, person.user = client, user
    return person


def closure_requested_by(practitioner: Person, borough) -> int:
    """The practitioner assesses, leads the plan, reviews it and asks for closure."""
    episode_id = start_caf(practitioner, borough["child"])
    assess(practitioner, episode_id, borough["school"].id)
    practitioner.join_team(episode_id)
    practitioner.nominate_lead(episode_id, member_for(episode_id, practitioner.user))
    assert practitioner.step(episode_id, "start_delivery").state == "delivering"
    assert practitioner.step(episode_id, "start_review").state == "reviewing"
    practitioner.complete_form(episode_id, "review", REVIEW)
    assert practitioner.step(episode_id, "continue_delivery").state == "delivering"
    practitioner.complete_form(episode_id, "closure", CLOSURE)
    assert practitioner.step(episode_id, "request_closure").state == "closure_requested"
    return episode_id


def test_a_manager_put_in_charge_of_a_team_approves_its_closures_and_no_other_manager_can(
    app, client, other_client, borough
):
    school = borough["school"]
    admin = Person(app.test_client(), borough["admin"])

    # The administrator creates the manager's account; the manager sets a password.
    created = admin.client.post_form(
        "/admin/users/new",
        {
            "full_name": "Robin Reyes",
            "email": MANAGER_EMAIL,
            "organisation": str(school.id),
            "roles": ["manager"],
            "dbs_check_date-day": "1",
            "dbs_check_date-month": "9",
            "dbs_check_date-year": str(date.today().year - 1),
            "caf_trained": "yes",
        },
    )
    assert created.status_code == 302
    manager_user = db.session.scalars(select(User).where(User.email == MANAGER_EMAIL)).one()
    assert manager_user.team_id is None
    path = link_in(written_to(app, MANAGER_EMAIL)[-1])
    assert other_client.post_form(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    manager = signed_in_with_new_password(other_client, manager_user)
    assert "You are not in charge of a team" in text(manager.client.get("/"))

    # The practitioner asks for closure; a manager in charge of no team cannot act on it.
    practitioner = Person(client, borough["practitioner"])
    episode_id = closure_requested_by(practitioner, borough)
    refused = manager.try_step(episode_id, "approve_closure")
    assert refused.status_code in (403, 404)
    assert reload(episode_id).state == "closure_requested"

    # The administrator creates a team, puts the manager in charge and the practitioner in it.
    made = admin.client.post_form(
        "/admin/teams/new", {"organisation": str(school.id), "name": "Inclusion team"}
    )
    team_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert (
        admin.client.post_form(
            f"/admin/teams/{team_id}/managers", {"managers": [str(manager_user.id)]}
        ).status_code
        == 302
    )
    assert (
        admin.client.post_form(
            f"/admin/teams/{team_id}/practitioners/add",
            {"practitioner": str(borough["practitioner"].id)},
        ).status_code
        == 302
    )
    assert db.session.get(Team, team_id).name == "Inclusion team"

    # The manager of the practitioner's former team can no longer decide on it.
    other_manager = Person(app.test_client(), borough["other_manager"])
    other_refused = other_manager.try_step(episode_id, "approve_closure")
    assert other_refused.status_code in (403, 404)
    assert reload(episode_id).state == "closure_requested"

    # The manager in charge sees it waiting for them, and approves it.
    home = text(manager.client.get("/"))
    assert "You manage Inclusion team, Eastmoor Primary" in home
    assert reload(episode_id).reference in home
    assert manager.step(episode_id, "approve_closure").state == "closed"

    # The practitioner who asked is told by e-mail, which names no child.
    [told] = [
        message
        for message in written_to(app, borough["practitioner"].email)
        if "approved" in message["Subject"]
    ]
    episode = reload(episode_id)
    assert told["Subject"] == f"Closure of CAF {episode.reference} approved"
    assert f"/episodes/{episode_id}" in text_of(told)
    assert borough["child"].family_name not in told.as_string()
    assert episode.closed_at is not None
