"""Forgotten passwords, through HTTP: a link by e-mail to the account's own address, the
same answer whether or not there is an account, single-use and short-lived links, limits
per email address and per client address, every request audited, and the person signed out
everywhere else once they choose a new password."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.mailbox import html_of, link_in, text_of, written, written_to
from webapp import db
from webapp.accounts.models import LinkPurpose, PasswordSetupLink
from webapp.audit.models import AuditEvent
from webapp.mail.models import OutboxMessage

FORGOTTEN = "/account/forgotten-password"
NEW_PASSWORD = "lantern orchard velvet tide"


@pytest.fixture
def people(app):
    borough = make_borough("eastmoor")
    school = make_organisation(borough)
    found = {
        "person": make_user(school, email="priya.shah@eastmoor.example"),
        "gone": make_user(school, email="gone@eastmoor.example", active=False),
    }
    db.session.commit()
    return found


def ask(client, email: str, **kwargs):
    return client.post_form(FORGOTTEN, {"email": email}, **kwargs)


def words(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(soup.select_one("main").get_text(" ").split())


def requested(outcome: str | None = None) -> list[dict]:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "auth.password_reset.requested")
        .order_by(AuditEvent.id)
    )
    details = [json.loads(event.detail) for event in events]
    return [detail for detail in details if outcome is None or detail["outcome"] == outcome]


def test_the_sign_in_page_offers_a_password_reset(client):
    page = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser")
    link = page.find("a", string=re.compile("Forgotten your password"))
    assert link["href"] == FORGOTTEN
    assert client.get(FORGOTTEN).status_code == 200


def test_a_person_resets_their_password_by_email_and_is_signed_out_elsewhere(
    app, client, other_client, people, mail_server
):
    person = people["person"]
    sign_in(other_client, person)  # a session elsewhere, which the reset ends

    response = ask(client, "  Priya.Shah@Eastmoor.example ")

    assert response.status_code == 200
    assert "Check your email" in words(response)
    [message] = mail_server.wait_for(1)
    assert message["To"] == person.email
    assert message["Subject"] == "Reset your eCAF password"
    assert "60 minutes" in text_of(message)
    path = link_in(message)
    assert path in html_of(message)
    page = client.get(path)
    assert "Choose a new password" in words(page)
    changed = client.post_form(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert "signed out everywhere else" in words(client.get("/sign-in"))

    assert other_client.get("/").status_code == 302  # the other session has ended
    old = client.post_form("/sign-in", {"email": person.email, "password": PASSWORD})
    assert old.status_code != 302
    new = client.post_form("/sign-in", {"email": person.email, "password": NEW_PASSWORD})
    assert new.status_code == 302
    [set_event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.password_set")
    ).all()
    assert '"by": "password_reset_link"' in set_event.detail
    assert [detail["email"] for detail in requested("sent")] == [person.email]


def test_the_answer_is_the_same_for_an_unknown_or_deactivated_address(app, client, people):
    answers = {
        email: words(ask(client, email)).replace(email, "EMAIL")
        for email in (people["person"].email, "nobody@eastmoor.example", people["gone"].email)
    }

    assert len(set(answers.values())) == 1
    assert [message["To"] for message in written(app)] == [people["person"].email]
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == [people["person"].email]
    assert [detail["outcome"] for detail in requested()] == ["sent", "unknown", "inactive"]
    links = db.session.scalars(select(PasswordSetupLink)).all()
    assert [(link.user_id, link.purpose) for link in links] == [
        (people["person"].id, LinkPurpose.RESET)
    ]


def test_a_reset_link_works_once(client, other_client, people):
    ask(client, people["person"].email)
    path = link_in(written_to(client.application, people["person"].email)[-1])
    client.post_form(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other_client.get(path).status_code == 404


def test_a_reset_link_expires_after_an_hour(app, client, people):
    ask(client, people["person"].email)
    path = link_in(written_to(app, people["person"].email)[-1])
    link = db.session.scalars(select(PasswordSetupLink)).one()
    assert link.expires_at - link.created_at == timedelta(hours=1)
    link.expires_at = link.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert "ask for a new link" in words(response)


def test_a_new_request_withdraws_the_earlier_link(app, client, people):
    ask(client, people["person"].email)
    first = link_in(written_to(app, people["person"].email)[-1])
    ask(client, people["person"].email)
    second = link_in(written_to(app, people["person"].email)[-1])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_deactivated_account_gets_no_link_and_its_old_link_stops_working(app, client, people):
    person = people["person"]
    ask(client, person.email)
    path = link_in(written_to(app, person.email)[-1])
    person.active = False
    db.session.commit()
    assert client.get(path).status_code == 404
    ask(client, person.email)
    assert len(written_to(app, person.email)) == 1


def test_requests_for_one_address_are_limited_without_saying_so(app, client, people):
    email = people["person"].email
    answers = {words(ask(client, email)) for _ in range(5)}
    assert len(answers) == 1 and "Check your email" in answers.pop()
    assert len(written_to(app, email)) == 3  # PASSWORD_RESETS_PER_EMAIL_PER_HOUR
    assert [detail["outcome"] for detail in requested()] == ["sent"] * 3 + ["limited"] * 2


def test_requests_from_one_client_address_are_slowed_down(app, client, people):
    app.config["PASSWORD_RESETS_PER_ADDRESS_PER_HOUR"] = 4
    for number in range(4):
        assert ask(client, f"someone{number}@eastmoor.example").status_code == 200

    refused = ask(client, people["person"].email)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3000
    assert "There have been too many requests from your network" in words(refused)
    assert written_to(app, people["person"].email) == []
    slowed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.password_reset.slowed")
    ).all()
    assert len(slowed) == 1
    # Another network is not held up.
    other = ask(client, people["person"].email, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 250 + "@x.example", "Email address must be 254 characters or fewer"),
    ],
)
def test_a_bad_address_gets_a_gov_uk_error(client, typed, message):
    response = ask(client, typed)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")] == [
        message
    ]
    assert soup.select_one(".govuk-error-summary__list a")["href"] == "#email"


def test_csrf_is_checked(app, client, people):
    response = client.post(
        FORGOTTEN, data={"email": people["person"].email}, headers={"Referer": "https://localhost/"}
    )
    assert response.status_code == 400
    assert written(app) == []
