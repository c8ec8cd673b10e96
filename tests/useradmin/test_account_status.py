"""Deactivating an account ends its sessions at once; reactivating lets the person sign in
again; both need a reason, and an administrator cannot deactivate themselves. Through HTTP,
with the person signed in on a client of their own."""

import json

import pytest

from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailbox import last_link_to
from tests.useradmin.helpers import error_messages, events, make_accounts_world, soup_of
from webapp import db


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


def deactivate(admin_client, account, reason="Left the school in July"):
    path = f"/admin/users/{account.id}/deactivate"
    return admin_client.post_form(path, {"reason": reason})


def test_deactivation_signs_the_person_out_on_their_very_next_request(
    admin_client, east, other_client
):
    person = east["practitioner"]
    sign_in(other_client, person)
    assert other_client.get("/").status_code == 200
    response = deactivate(admin_client, person)
    assert response.status_code == 302
    next_request = other_client.get("/")
    assert next_request.status_code == 302
    assert next_request.headers["Location"].startswith("/sign-in")
    db.session.refresh(person)
    assert not person.active


def test_a_deactivated_session_cannot_post_either(admin_client, east, other_client):
    person = east["practitioner"]
    sign_in(other_client, person)
    token = other_client.csrf_token("/")
    deactivate(admin_client, person)
    response = other_client.post(
        "/notifications/read",
        data={"csrf_token": token},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_deactivated_person_cannot_sign_in(admin_client, east, other_client):
    person = east["practitioner"]
    deactivate(admin_client, person)
    response = other_client.post_form("/sign-in", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_reactivation_lets_the_person_sign_in_again(admin_client, east, other_client):
    person = east["practitioner"]
    deactivate(admin_client, person)
    response = admin_client.post_form(
        f"/admin/users/{person.id}/reactivate", {"reason": "Came back from leave"}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.active
    sign_in(other_client, person)


def test_a_reason_is_needed(admin_client, east):
    person = east["practitioner"]
    response = deactivate(admin_client, person, reason="   ")
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the reason"]
    db.session.refresh(person)
    assert person.active
    too_long = deactivate(admin_client, person, reason="x" * 501)
    assert error_messages(too_long) == ["Reason must be 500 characters or fewer"]


def test_an_administrator_cannot_deactivate_themselves(admin_client, east):
    admin = east["admin"]
    page = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert f"/admin/users/{admin.id}/deactivate" not in page
    response = deactivate(admin_client, admin)
    assert response.status_code == 200
    assert error_messages(response) == ["You cannot deactivate your own account"]
    db.session.refresh(admin)
    assert admin.active
    assert admin_client.get("/admin/users").status_code == 200


def test_an_administrator_may_deactivate_another_administrator(admin_client, east):
    other = east["second_admin"]
    deactivate(admin_client, other)
    db.session.refresh(other)
    assert not other.active


def test_changes_of_status_are_audited_and_shown_with_their_reasons(admin_client, east):
    person = east["practitioner"]
    deactivate(admin_client, person, reason="Left the school in July")
    admin_client.post_form(f"/admin/users/{person.id}/reactivate", {"reason": "Returned"})
    (off,) = events("useradmin.account_deactivated")
    (on,) = events("useradmin.account_reactivated")
    assert off.actor_id == east["admin"].id and off.object_id == str(person.id)
    assert json.loads(off.detail) == {"reason": "Left the school in July"}
    assert json.loads(on.detail) == {"reason": "Returned"}
    history = soup_of(admin_client.get(f"/admin/users/{person.id}")).select(
        ".ecaf-account-history li"
    )
    assert "Reactivated" in history[0].get_text() and "Returned" in history[0].get_text()
    assert "Left the school in July" in history[1].get_text()


def test_deactivating_twice_changes_nothing_more(admin_client, east):
    person = east["practitioner"]
    deactivate(admin_client, person)
    response = admin_client.get(f"/admin/users/{person.id}/deactivate")
    assert response.status_code == 302
    assert len(events("useradmin.account_deactivated")) == 1


def test_deactivation_withdraws_an_unused_set_password_link(app, admin_client, east, other_client):
    response = admin_client.post_form(
        "/admin/users/new",
        {
            "full_name": "Sam Lee",
            "email": "sam.lee@eastmoor.example",
            "organisation": str(east["school"].id),
            "roles": ["practitioner"],
            "caf_trained": "no",
        },
    )
    path = last_link_to(app, "sam.lee@eastmoor.example")
    account_id = int(response.headers["Location"].split("/")[-1])
    admin_client.post_form(
        f"/admin/users/{account_id}/deactivate", {"reason": "Created by mistake"}
    )
    assert other_client.get(path).status_code == 404


def test_a_session_ended_by_deactivation_stays_ended_after_reactivation(
    admin_client, east, other_client
):
    person = east["practitioner"]
    sign_in(other_client, person)
    deactivate(admin_client, person)
    admin_client.post_form(f"/admin/users/{person.id}/reactivate", {"reason": "A mistake"})
    response = other_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
