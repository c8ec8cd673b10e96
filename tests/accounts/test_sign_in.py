from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import pass_second_step
from webapp import db
from webapp.accounts.models import LoginThrottle
from webapp.accounts.passwords import Passwords
from webapp.audit.models import AuditEvent

REFUSED = "Enter a correct email address and password"
LOCKED = "You have entered incorrect details too many times"


@pytest.fixture
def user(app):
    user = make_user(make_organisation(make_borough("riverside")), email="sam@riverside.example")
    db.session.commit()
    return user


def attempt(client, email, password):
    return client.post_form("/sign-in", {"email": email, "password": password})


def error_summary(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_correct_details_sign_in_and_show_the_home_page(client, user):
    response = attempt(client, "SAM@riverside.example ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/two-factor"
    response = pass_second_step(client, response, user.email)
    assert response.headers["Location"] == "/"
    assert "Your work" in client.get("/").get_data(as_text=True)
    assert "auth.sign_in.succeeded" in audit_actions()


def test_session_cookie_is_secure_httponly_and_samesite(client, user):
    response = attempt(client, user.email, PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "ecaf_session=" in c)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    wrong_password = attempt(client, user.email, "not the password")
    unknown_email = attempt(client, "nobody@riverside.example", "not the password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert error_summary(wrong_password) == error_summary(unknown_email) == [REFUSED]


def test_unknown_email_costs_one_password_check_like_a_known_one(client, user, monkeypatch):
    calls = []
    original = Passwords.verify

    def counting_verify(self, password_hash, password):
        calls.append(password_hash is not None)
        return original(self, password_hash, password)

    monkeypatch.setattr(Passwords, "verify", counting_verify)
    attempt(client, user.email, "not the password")
    attempt(client, "nobody@riverside.example", "not the password")

    assert calls == [True, False]  # one check each; the unknown one against a dummy hash


def test_inactive_account_is_refused_with_the_same_message(client, app):
    user = make_user(make_organisation(make_borough()), active=False)
    db.session.commit()

    response = attempt(client, user.email, PASSWORD)

    assert error_summary(response) == [REFUSED]
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_even_with_the_right_password_afterwards(client, user):
    for _ in range(4):
        assert error_summary(attempt(client, user.email, "wrong")) == [REFUSED]
    fifth = attempt(client, user.email, "wrong")
    assert fifth.status_code == 429
    assert LOCKED in error_summary(fifth)[0]

    right_password = attempt(client, user.email, PASSWORD)

    assert right_password.status_code == 429
    assert client.get("/").status_code == 302
    assert "auth.sign_in.lockout_started" in audit_actions()
    assert "auth.sign_in.locked" in audit_actions()


def test_lock_out_looks_the_same_for_an_email_with_no_account(client, user):
    responses = [attempt(client, "nobody@riverside.example", "wrong") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert LOCKED in error_summary(responses[-1])[0]


def test_sign_in_works_again_when_the_lock_out_ends(client, user):
    for _ in range(5):
        attempt(client, user.email, "wrong")
    for throttle in db.session.scalars(select(LoginThrottle)):
        throttle.first_failure_at -= timedelta(minutes=16)
        if throttle.locked_until is not None:
            throttle.locked_until -= timedelta(minutes=16)
    db.session.commit()

    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_many_failures_from_one_address_only_slow_that_address_down(client, app, user):
    app.config["LOGIN_ADDRESS_SLOW_DOWN_AFTER"] = 3
    for number in range(3):
        attempt(client, f"guess{number}@riverside.example", "wrong")

    slowed = attempt(client, user.email, PASSWORD)

    assert slowed.status_code == 429
    assert "Wait 10 seconds, then try again" in error_summary(slowed)[0]


def test_a_successful_sign_in_clears_earlier_failures(client, user):
    for _ in range(4):
        attempt(client, user.email, "wrong")
    sign_in(client, user)
    client.post_form("/sign-out", token_from="/")
    for _ in range(4):
        assert attempt(client, user.email, "wrong").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "secret", "Enter your email address"),
        (
            "not-an-email",
            "secret",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("sam@riverside.example", "", "Enter your password"),
        ("a" * 250 + "@x.org", "secret", "Email address must be 254 characters or fewer"),
    ],
)
def test_bad_input_gets_a_govuk_error_summary(client, user, email, password, message):
    response = attempt(client, email, password)
    assert response.status_code == 200
    assert message in error_summary(response)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text().startswith("Error: ")


def test_sign_in_without_a_csrf_token_is_refused(client, user):
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert "has expired or did not come from this service" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_next_page_must_be_on_this_site(client, user):
    token = client.csrf_token()
    for target, expected in [
        ("/child-index", "/child-index"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        response = client.post(
            f"/sign-in?next={target}",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
            headers={"Referer": "https://localhost/"},
        )
        response = pass_second_step(client, response, user.email)
        assert response.headers["Location"] == expected
        client.post_form("/sign-out", token_from="/")
        token = client.csrf_token()


def test_sign_out_needs_a_post_with_a_csrf_token(client, user):
    sign_in(client, user)

    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out", headers={"Referer": "https://localhost/"}).status_code == 400
    assert client.get("/").status_code == 200

    response = client.post_form("/sign-out", token_from="/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "auth.sign_out" in audit_actions()


def test_signing_out_ends_a_copied_session_cookie_too(client, other_client, user):
    sign_in(client, user)
    stolen = client.get_cookie("ecaf_session", domain="localhost").value
    other_client.set_cookie("ecaf_session", stolen, domain="localhost")
    assert other_client.get("/").status_code == 200

    client.post_form("/sign-out", token_from="/")

    assert other_client.get("/").status_code == 302
