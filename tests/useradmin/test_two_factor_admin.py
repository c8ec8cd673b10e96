"""A borough administrator resets a person's two-factor sign-in (audited, the person signed
out and e-mailed, and set up again at their next sign-in), and says whether the borough
requires two-factor sign-in. Through the pages, with the person on a client of their own."""

import json

import pytest

from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailbox import text_of, written_to
from tests.useradmin.helpers import error_messages, events, make_accounts_world, soup_of
from webapp import db
from webapp.accounts.models import RecoveryCode, User
from webapp.boroughs.models import Borough


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


def reset(admin_client, account, reason="New phone; checked by a call to her desk phone"):
    return admin_client.post_form(
        f"/admin/users/{account.id}/two-factor/reset", {"reason": reason}, token_from="/"
    )


def test_a_reset_signs_the_person_out_forgets_their_app_and_tells_them(
    app, admin_client, east, other_client
):
    person = east["practitioner"]
    sign_in(other_client, person)
    db.session.add(RecoveryCode(user_id=person.id, salt="00" * 16, digest="ab" * 32))
    db.session.commit()
    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Reset two-factor sign-in" in page

    response = reset(admin_client, person)

    assert response.status_code == 302
    assert "two-factor sign-in has been reset" in admin_client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    account = db.session.get(User, person.id)
    assert account.totp_secret is None and account.two_factor_enrolled_at is None
    assert db.session.query(RecoveryCode).filter_by(user_id=person.id).count() == 0
    assert other_client.get("/").status_code == 302  # signed out at once
    (event,) = events("useradmin.two_factor_reset")
    assert event.actor_id == east["admin"].id and event.object_id == str(person.id)
    assert json.loads(event.detail)["reason"].startswith("New phone")
    (message,) = written_to(app, person.email)
    assert message["Subject"] == "Your eCAF two-factor sign-in has been reset"
    assert "If you did not ask for this" in text_of(message)

    # At their next sign-in they set up their app again
    signed_in = other_client.post_form("/sign-in", {"email": person.email, "password": PASSWORD})
    assert signed_in.headers["Location"] == "/sign-in/two-factor/set-up"


def test_a_reset_needs_a_reason(admin_client, east):
    person = east["practitioner"]

    response = reset(admin_client, person, reason="  ")

    assert response.status_code == 200
    assert error_messages(response) == ["Enter why you are resetting their two-factor sign-in"]
    assert db.session.get(User, person.id).totp_secret is not None
    assert not events("useradmin.two_factor_reset")


def test_an_administrator_cannot_reset_their_own(admin_client, east):
    response = reset(admin_client, east["admin"])

    assert response.status_code == 200
    assert error_messages(response) == [
        "You cannot reset your own two-factor sign-in. Ask another administrator of your borough"
    ]
    assert db.session.get(User, east["admin"].id).totp_secret is not None


def test_another_boroughs_account_cannot_be_reset(admin_client, world):
    for account in (world["westfold"]["practitioner"], world["system_admin"]):
        response = reset(admin_client, account)
        assert response.status_code == 404
        assert db.session.get(User, account.id).totp_secret is not None
    assert [json.loads(event.detail)["attempted"] for event in events("useradmin.refused")] == [
        "reset_two_factor",
        "reset_two_factor",
    ]


def test_a_practitioner_cannot_reset_anyone(client, east):
    sign_in(client, east["practitioner"])

    assert reset(client, east["manager"]).status_code == 403
    assert db.session.get(User, east["manager"].id).totp_secret is not None


def test_the_borough_can_stop_requiring_it_and_require_it_again(admin_client, east, other_client):
    page = admin_client.get("/admin/users/two-factor")
    assert soup_of(page).select_one("input[name=required][value=yes]").has_attr("checked")

    response = admin_client.post_form("/admin/users/two-factor", {"required": "no"})

    assert response.status_code == 302
    assert db.session.get(Borough, east["borough"].id).two_factor_required is False
    (event,) = events("useradmin.two_factor_requirement_changed")
    assert json.loads(event.detail)["required"] is False

    admin_client.post_form("/admin/users/two-factor", {"required": "yes"})
    assert db.session.get(Borough, east["borough"].id).two_factor_required is True
    assert len(events("useradmin.two_factor_requirement_changed")) == 2


def test_the_requirement_needs_an_answer(admin_client, east):
    response = admin_client.post_form("/admin/users/two-factor", {"required": "maybe"})

    assert response.status_code == 200
    assert error_messages(response)
    assert db.session.get(Borough, east["borough"].id).two_factor_required is True


def test_a_practitioner_cannot_change_the_requirement(client, east):
    sign_in(client, east["practitioner"])

    response = client.post_form("/admin/users/two-factor", {"required": "no"}, token_from="/")

    assert response.status_code == 403
    assert db.session.get(Borough, east["borough"].id).two_factor_required is True
