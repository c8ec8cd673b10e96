"""Creating an account: the borough's organisations only, the roles a borough may give,
a personal email address used once, and never a password set by the administrator; the
person sets their own through a single-use link e-mailed to them, never shown to the
administrator. Through HTTP."""

import json
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from tests.conftest import sign_in
from tests.mailbox import html_of, link_in, text_of, written, written_to
from tests.two_factor import pass_second_step
from tests.useradmin.helpers import error_messages, error_summary, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import PasswordSetupLink, User
from webapp.accounts.passwords import is_usable

NEW = "/admin/users/new"
NEW_PASSWORD = "a long and personal passphrase"


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    return client


def good(world, **changes) -> dict:
    data = {
        "full_name": "Priya Shah",
        "email": "Priya.Shah@Eastmoor.example",
        "organisation": str(world["eastmoor"]["clinic"].id),
        "roles": ["practitioner", "manager"],
        "dbs_check_date-day": "4",
        "dbs_check_date-month": "3",
        "dbs_check_date-year": str(date.today().year - 1),
        "caf_trained": "yes",
    }
    data.update(changes)
    return data


def account_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).one_or_none()


def link_of(response) -> str:
    """The set-password link e-mailed after `response` (the newest message written)."""
    assert response.status_code == 302, response.status_code
    return link_in(written(current_app)[-1])


def test_administrator_creates_an_account_of_their_borough(admin_client, world):
    response = admin_client.post_form(NEW, good(world))
    assert response.status_code == 302
    account = account_by_email("priya.shah@eastmoor.example")
    assert account is not None
    assert response.headers["Location"] == f"/admin/users/{account.id}"
    assert account.borough_id == world["eastmoor"]["borough"].id
    assert account.organisation_id == world["eastmoor"]["clinic"].id
    assert account.roles == {Role.PRACTITIONER, Role.MANAGER}
    assert account.dbs_check_date == date(date.today().year - 1, 3, 4)
    assert account.caf_trained and account.active
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Account created. We have sent a link to set a password to priya.shah@eastmoor.example"
        in page
    )


def test_the_set_password_link_is_emailed_to_the_person_never_shown(app, admin_client, world):
    response = admin_client.post_form(NEW, good(world))
    account = account_by_email("priya.shah@eastmoor.example")
    (message,) = written_to(app, "priya.shah@eastmoor.example")
    assert message["Subject"] == "Set your password for eCAF"
    assert message["From"] == app.config["MAIL_FROM"]
    path = link_in(message)
    assert path in html_of(message)
    assert "Hello Priya Shah" in text_of(message)
    assert "72 hours" in text_of(message)
    token = path.rsplit("/", 1)[1]
    shown = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert token not in shown and "/account/set-password/" not in shown
    assert token not in admin_client.get(f"/admin/users/{account.id}").get_data(as_text=True)


def test_a_new_account_has_no_usable_password(admin_client, client, world, other_client):
    admin_client.post_form(NEW, good(world))
    account = account_by_email("priya.shah@eastmoor.example")
    assert not is_usable(account.password_hash)
    for attempt in ("", account.password_hash, "correct horse battery staple"):
        response = other_client.post_form(
            "/sign-in", {"email": account.email, "password": attempt or "x"}
        )
        assert response.status_code != 302


def test_the_form_has_no_password_field_and_a_sent_password_is_ignored(admin_client, world):
    page = admin_client.get(NEW).get_data(as_text=True)
    assert 'type="password"' not in page
    admin_client.post_form(NEW, good(world, password="chosen-by-the-admin-1"))
    account = account_by_email("priya.shah@eastmoor.example")
    assert not is_usable(account.password_hash)


def test_only_the_hash_of_the_link_is_stored(admin_client, world):
    response = admin_client.post_form(NEW, good(world))
    link = link_of(response)
    assert "/account/set-password/" in link
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordSetupLink)).one()
    assert stored.token_hash != token and token not in stored.token_hash
    assert timedelta(hours=71) < stored.expires_at - stored.created_at <= timedelta(hours=72)
    account = account_by_email("priya.shah@eastmoor.example")
    assert token not in admin_client.get(f"/admin/users/{account.id}").get_data(as_text=True)


def test_the_person_sets_their_own_password_with_the_link_and_signs_in(
    admin_client, world, other_client
):
    path = (
        "/account/set-password/"
        + link_of(admin_client.post_form(NEW, good(world))).rsplit("/", 1)[1]
    )
    assert other_client.get(path).status_code == 200
    response = other_client.post_form(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    signed_in = other_client.post_form(
        "/sign-in", {"email": "priya.shah@eastmoor.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    # At the first sign-in the person sets up two-factor sign-in, and is then signed in.
    assert signed_in.headers["Location"] == "/sign-in/two-factor/set-up"
    set_up = pass_second_step(other_client, signed_in, "priya.shah@eastmoor.example")
    assert "Two-factor sign-in is set up" in set_up.get_data(as_text=True)
    assert other_client.get("/").status_code == 200
    assert events("auth.password_set")
    assert NEW_PASSWORD not in json.dumps([event.detail for event in events("auth.password_set")])


def test_the_link_works_only_once(admin_client, world, other_client):
    token = link_of(admin_client.post_form(NEW, good(world))).rsplit("/", 1)[1]
    path = f"/account/set-password/{token}"
    other_client.post_form(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other_client.get(path).status_code == 404
    again = "another passphrase here"
    second = other_client.post_form(
        path, {"password": again, "confirm": again}, token_from="/sign-in"
    )
    assert second.status_code == 404
    refused = other_client.post_form(
        "/sign-in", {"email": "priya.shah@eastmoor.example", "password": again}
    )
    assert refused.status_code != 302


def test_an_expired_link_is_refused(admin_client, world, other_client):
    token = link_of(admin_client.post_form(NEW, good(world))).rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordSetupLink)).one()
    stored.expires_at = stored.created_at + timedelta(hours=72) - timedelta(days=4)
    db.session.commit()
    response = other_client.get(f"/account/set-password/{token}")
    assert response.status_code == 404
    assert "ask your borough administrator to send you a new link" in response.get_data(
        as_text=True
    )


def test_a_made_up_link_is_refused(other_client, world):
    assert other_client.get("/account/set-password/not-a-real-token").status_code == 404
    assert other_client.get("/account/set-password/" + "a" * 500).status_code == 404


def test_set_password_asks_for_a_long_enough_password_typed_twice(
    admin_client, world, other_client
):
    token = link_of(admin_client.post_form(NEW, good(world))).rsplit("/", 1)[1]
    path = f"/account/set-password/{token}"
    short = other_client.post_form(path, {"password": "short", "confirm": "short"})
    assert error_messages(short) == ["Password must be 12 characters or more"]
    mismatch = other_client.post_form(
        path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert error_messages(mismatch) == ["The passwords do not match"]
    empty = other_client.post_form(path, {})
    assert error_messages(empty) == ["Enter a password", "Enter the password again"]
    assert not is_usable(account_by_email("priya.shah@eastmoor.example").password_hash)


def test_a_new_link_replaces_the_old_one(admin_client, world, other_client):
    old = link_of(admin_client.post_form(NEW, good(world))).rsplit("/", 1)[1]
    account = account_by_email("priya.shah@eastmoor.example")
    response = admin_client.post_form(
        f"/admin/users/{account.id}/set-password-link", token_from=f"/admin/users/{account.id}"
    )
    new = link_of(response).rsplit("/", 1)[1]
    assert new != old
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have sent a new link to set a password to priya.shah@eastmoor.example" in page
    assert new not in page
    assert other_client.get(f"/account/set-password/{old}").status_code == 404
    assert other_client.get(f"/account/set-password/{new}").status_code == 200


def test_no_new_link_for_an_account_whose_person_has_a_password(admin_client, world):
    person = world["eastmoor"]["practitioner"]
    before = person.password_hash
    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "set-password-link" not in page
    response = admin_client.post_form(
        f"/admin/users/{person.id}/set-password-link", token_from=f"/admin/users/{person.id}"
    )
    assert response.status_code == 302
    assert db.session.scalars(select(PasswordSetupLink)).all() == []
    assert written_to(current_app, person.email) == []
    db.session.refresh(person)
    assert person.password_hash == before


def test_email_is_unique_whatever_the_case(admin_client, world):
    taken = world["westfold"]["practitioner"].email.upper()
    response = admin_client.post_form(NEW, good(world, email=taken))
    assert error_messages(response) == ["An account with this email address already exists"]
    assert len(db.session.scalars(select(User).where(User.full_name == "Priya Shah")).all()) == 0


def test_missing_answers_get_gov_uk_messages_in_page_order(admin_client):
    response = admin_client.post_form(NEW, {})
    assert response.status_code == 200
    assert error_summary(response) == [
        ("Enter the person's full name", "#full_name"),
        ("Enter the person's email address", "#email"),
        ("Select the organisation the person works for", "#organisation"),
        ("Select at least one role", "#roles"),
        ("Select whether the person has completed CAF training", "#caf_trained"),
    ]


def test_the_dbs_check_date_may_not_be_in_the_future(admin_client, world):
    tomorrow = date.today() + timedelta(days=1)
    response = admin_client.post_form(
        NEW,
        good(
            world,
            **{
                "dbs_check_date-day": str(tomorrow.day),
                "dbs_check_date-month": str(tomorrow.month),
                "dbs_check_date-year": str(tomorrow.year),
            },
        ),
    )
    assert error_summary(response) == [
        ("The date of the DBS check must be today or in the past", "#dbs_check_date-day")
    ]
    assert account_by_email("priya.shah@eastmoor.example") is None


def test_a_date_that_does_not_exist_is_refused(admin_client, world):
    response = admin_client.post_form(
        NEW, good(world, **{"dbs_check_date-day": "31", "dbs_check_date-month": "2"})
    )
    assert error_messages(response) == ["The date of the DBS check must be a real date"]


def test_the_dbs_check_date_may_be_left_blank(admin_client, world):
    blank = {"dbs_check_date-day": "", "dbs_check_date-month": "", "dbs_check_date-year": ""}
    admin_client.post_form(NEW, good(world, **blank))
    assert account_by_email("priya.shah@eastmoor.example").dbs_check_date is None


def test_an_organisation_of_another_borough_is_refused(admin_client, world):
    forged = str(world["westfold"]["school"].id)
    response = admin_client.post_form(NEW, good(world, organisation=forged))
    assert error_messages(response) == ["Select an option from the list"]
    assert account_by_email("priya.shah@eastmoor.example") is None


def test_only_the_borough_organisations_are_offered(admin_client, world):
    page = admin_client.get(NEW).get_data(as_text=True)
    assert "Eastmoor Health Centre" in page
    assert "Westfold" not in page


def test_the_system_administrator_role_cannot_be_given(admin_client, world):
    assert 'value="system_admin"' not in admin_client.get(NEW).get_data(as_text=True)
    response = admin_client.post_form(NEW, good(world, roles=["practitioner", "system_admin"]))
    assert error_messages(response) == ["Select an option from the list"]
    assert account_by_email("priya.shah@eastmoor.example") is None


def test_creating_is_audited_without_a_password_or_the_link(admin_client, world):
    response = admin_client.post_form(NEW, good(world))
    token = link_of(response).rsplit("/", 1)[1]
    account = account_by_email("priya.shah@eastmoor.example")
    (created,) = events("useradmin.account_created")
    assert created.actor_id == world["eastmoor"]["admin"].id
    assert created.object_id == str(account.id)
    detail = json.loads(created.detail)
    assert detail["roles"] == ["manager", "practitioner"]
    assert detail["organisation_id"] == world["eastmoor"]["clinic"].id
    assert "password" not in created.detail
    (issued,) = events("useradmin.set_password_link_issued")
    assert token not in issued.detail and token not in created.detail


def test_csrf_is_checked(admin_client, world):
    response = admin_client.post(NEW, data=good(world), headers={"Referer": "https://localhost/"})
    assert response.status_code == 400
    assert account_by_email("priya.shah@eastmoor.example") is None
