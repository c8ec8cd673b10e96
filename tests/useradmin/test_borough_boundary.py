"""An administrator never acts outside their own borough: another borough's accounts, the
system administrators' accounts and ids that do not exist all answer 404, forged changes
change nothing, and each attempt is audited. Through HTTP."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.useradmin.helpers import account_form, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.useradmin import grants


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    return client


def targets(world):
    return {
        "another borough's practitioner": world["westfold"]["practitioner"],
        "another borough's administrator": world["westfold"]["admin"],
        "a system administrator of the borough": world["system_admin"],
    }


@pytest.mark.parametrize(
    "who",
    [
        "another borough's practitioner",
        "another borough's administrator",
        "a system administrator of the borough",
    ],
)
def test_pages_of_accounts_outside_the_borough_answer_404(admin_client, world, who):
    account = targets(world)[who]
    for suffix in ("", "/edit", "/deactivate", "/reactivate"):
        assert admin_client.get(f"/admin/users/{account.id}{suffix}").status_code == 404, suffix


@pytest.mark.parametrize(
    "who",
    [
        "another borough's practitioner",
        "another borough's administrator",
        "a system administrator of the borough",
    ],
)
def test_forged_changes_to_accounts_outside_the_borough_change_nothing(admin_client, world, who):
    account = targets(world)[who]
    roles_before, organisation_before = account.roles, account.organisation_id
    token = admin_client.csrf_token("/admin/users")
    headers = {"Referer": "https://localhost/"}
    posts = {
        "/edit": account_form(account, roles=["practitioner"], caf_trained="no"),
        "/deactivate": {"reason": "Forged"},
        "/reactivate": {"reason": "Forged"},
        "/set-password-link": {},
    }
    for suffix, data in posts.items():
        response = admin_client.post(
            f"/admin/users/{account.id}{suffix}",
            data={**data, "csrf_token": token},
            headers=headers,
        )
        assert response.status_code == 404, suffix
    db.session.refresh(account)
    assert account.active and account.caf_trained
    assert account.roles == roles_before and account.organisation_id == organisation_before
    assert events("useradmin.account_changed") == []
    assert events("useradmin.set_password_link_issued") == []


def test_ids_that_do_not_exist_answer_404(admin_client):
    for path in ("/admin/users/999999", "/admin/users/999999/edit", "/admin/users/2147483648"):
        assert admin_client.get(path).status_code == 404, path


def test_attempts_on_another_borough_are_audited(admin_client, world):
    account = world["westfold"]["practitioner"]
    admin_client.get(f"/admin/users/{account.id}/edit")
    (refused,) = events("useradmin.refused")
    assert refused.actor_id == world["eastmoor"]["admin"].id
    assert refused.object_id == str(account.id)
    detail = json.loads(refused.detail)
    assert detail == {"attempted": "edit", "account_borough_id": world["westfold"]["borough"].id}


def test_an_administrator_of_the_other_borough_has_the_same_boundary(client, world):
    sign_in(client, world["westfold"]["admin"])
    east_person = world["eastmoor"]["practitioner"]
    assert client.get(f"/admin/users/{east_person.id}").status_code == 404
    assert client.get(f"/admin/users/{world['westfold']['practitioner'].id}").status_code == 200


def test_accounts_are_created_in_the_administrator_borough_only(admin_client, world):
    """There is no borough to choose; a forged one is ignored."""
    admin_client.post_form(
        "/admin/users/new",
        {
            "full_name": "Alex Forged",
            "email": "alex@eastmoor.example",
            "organisation": str(world["eastmoor"]["school"].id),
            "roles": ["practitioner"],
            "caf_trained": "yes",
            "borough": str(world["westfold"]["borough"].id),
            "borough_id": str(world["westfold"]["borough"].id),
        },
    )
    account = db.session.scalars(select(User).where(User.email == "alex@eastmoor.example")).one()
    assert account.borough_id == world["eastmoor"]["borough"].id


def test_a_promoted_administrator_is_still_bound_to_their_borough(
    admin_client, world, other_client
):
    """An east administrator makes an east practitioner an administrator; the new
    administrator still cannot reach the west."""
    person = world["eastmoor"]["practitioner"]
    admin_client.post_form(
        f"/admin/users/{person.id}/edit", account_form(person, roles=["borough_admin"])
    )
    # A second administrator approves the administrator role (test_duties.py).
    (request,) = grants.waiting_for(db.session, person)
    sign_in(other_client, world["eastmoor"]["second_admin"])
    other_client.post_form(f"/admin/role-requests/{request.id}", {"decision": "approve"})
    db.session.refresh(person)
    assert person.roles == {Role.BOROUGH_ADMIN}
    with other_client.session_transaction() as session:
        session.clear()
    sign_in(other_client, person)
    assert other_client.get("/admin/users").status_code == 200
    west_person = world["westfold"]["practitioner"]
    assert other_client.get(f"/admin/users/{west_person.id}").status_code == 404
