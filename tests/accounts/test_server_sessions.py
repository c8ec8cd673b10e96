"""Sessions kept on the server: the cookie is an opaque key; a person sees where they are
signed in and signs out of any device or all of them; deactivating an account, or any other
change of its session token, ends every session it has."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from tests.queries import statements_run
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.session_store import SignInSession, describe_device
from webapp.audit.models import AuditEvent

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def people(app):
    borough = make_borough("riverside")
    school = make_organisation(borough)
    people = {
        "person": make_user(school),
        "other": make_user(school),
        "admin": make_user(school, Role.BOROUGH_ADMIN),
    }
    db.session.commit()
    return people


def cookie_value(client) -> str | None:
    cookie = client.get_cookie("ecaf_session", domain="localhost")
    return cookie.value if cookie else None


def row_for(key: str) -> SignInSession | None:
    db.session.expire_all()
    return db.session.scalar(
        select(SignInSession).where(
            SignInSession.key_digest == hashlib.sha256(key.encode()).hexdigest()
        )
    )


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def browser(app, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def test_the_cookie_carries_only_an_opaque_key_and_the_session_lives_on_the_server(client, people):
    sign_in(client, people["person"])
    client.post_form("/sign-out", token_from="/")  # flashes "You have signed out"
    sign_in(client, people["person"])

    key = cookie_value(client)
    assert key is not None and len(key) >= 40
    assert "." not in key  # not a signed payload
    row = row_for(key)
    assert row is not None and row.user_id == people["person"].id
    assert "_user_id" in row.data
    assert people["person"].email not in key


def test_signing_in_gives_a_new_key_and_the_one_from_before_is_worthless(app, client, people):
    """No session fixation: a key planted before signing in is ended by it."""
    client.get("/sign-in")  # an anonymous session holding the form's CSRF token
    before = cookie_value(client)
    assert before is not None

    sign_in(client, people["person"])

    after = cookie_value(client)
    assert after != before
    assert row_for(before).ended_at is not None
    planted = app.test_client()
    planted.set_cookie("ecaf_session", before, domain="localhost")
    assert not signed_in(planted)


def test_a_person_sees_their_sessions_and_signs_out_of_another_device(app, people):
    laptop, phone = browser(app, FIREFOX), browser(app, PHONE)
    sign_in(laptop, people["person"])
    sign_in(phone, people["person"])

    page = laptop.get("/account/sessions").get_data(as_text=True)

    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    phone_row = row_for(cookie_value(phone))
    response = laptop.post_form(
        f"/account/sessions/{phone_row.id}/end", {}, token_from="/account/sessions"
    )
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(laptop)
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "auth.session.ended", AuditEvent.object_id == str(phone_row.id)
        )
    )


def test_nobody_ends_another_persons_session(app, people):
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, people["person"])
    sign_in(theirs, people["other"])
    their_row = row_for(cookie_value(theirs))

    response = mine.post_form(
        f"/account/sessions/{their_row.id}/end", {}, token_from="/account/sessions"
    )

    assert response.status_code == 404
    assert signed_in(theirs)
    assert "Safari" not in mine.get("/account/sessions").get_data(as_text=True)


def test_signing_out_ends_this_session_only(app, people):
    laptop, phone = browser(app, FIREFOX), browser(app, PHONE)
    sign_in(laptop, people["person"])
    sign_in(phone, people["person"])
    key = cookie_value(laptop)

    laptop.post_form("/sign-out", token_from="/")

    assert not signed_in(laptop)
    assert row_for(key).ended_at is not None
    assert signed_in(phone)


def test_signing_out_everywhere_ends_every_session(app, people):
    laptop, phone = browser(app, FIREFOX), browser(app, PHONE)
    sign_in(laptop, people["person"])
    sign_in(phone, people["person"])
    phone_key = cookie_value(phone)

    response = laptop.post_form("/account/sessions/end-all", {}, token_from="/account/sessions")

    assert response.status_code == 302
    assert not signed_in(laptop) and not signed_in(phone)
    assert row_for(phone_key).ended_at is not None


def test_deactivating_an_account_ends_all_its_sessions(app, people):
    laptop, phone, admin = browser(app, FIREFOX), browser(app, PHONE), app.test_client()
    sign_in(laptop, people["person"])
    sign_in(phone, people["person"])
    keys = [cookie_value(laptop), cookie_value(phone)]
    sign_in(admin, people["admin"])

    response = admin.post_form(
        f"/admin/users/{people['person'].id}/deactivate", {"reason": "Left the school"}
    )

    assert response.status_code == 302
    assert not signed_in(laptop) and not signed_in(phone)
    assert all(row_for(key).ended_at is not None for key in keys)


def test_a_forged_or_unknown_key_is_a_new_anonymous_session(app, people):
    client = app.test_client()
    for forged in ("x" * 43, "", "a" * 500, "../../etc"):
        client.set_cookie("ecaf_session", forged, domain="localhost")
        assert client.get("/account").status_code == 302  # to sign in


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX, "Firefox on Windows"),
        (PHONE, "Safari on iPhone"),
        ("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36", "Chrome on Linux"),
        ("curl/8.5.0", "Unknown browser"),
    ],
)
def test_devices_are_named_plainly(user_agent, device):
    assert describe_device(user_agent) == device


@pytest.mark.parametrize("path", ["/static/ecaf.css", "/assets/govuk-frontend.min.css"])
def test_styles_and_scripts_are_served_without_reading_or_writing_the_session(
    app, client, people, path
):
    """A page brings several files with it: they need no session, so they cost no query,
    and do not count as activity (the URL is only matched after the session is opened)."""
    sign_in(client, people["person"])
    with statements_run(app) as seen:
        response = client.get(path)
    assert response.status_code == 200
    assert seen == []
    assert "Set-Cookie" not in response.headers
    assert signed_in(client)
