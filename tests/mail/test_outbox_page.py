"""The outbox page: the system administrator sees each message's recipient, subject and
status, never its contents; nobody else sees it at all; looking is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.db import utcnow
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind, MailStatus, OutboxMessage


@pytest.fixture
def people(app):
    borough = make_borough("eastmoor")
    school = make_organisation(borough)
    found = {
        "system_admin": make_user(school, Role.SYSTEM_ADMIN),
        "borough_admin": make_user(school, Role.BOROUGH_ADMIN),
        "practitioner": make_user(school),
    }
    db.session.commit()
    return found


def queue_three(people) -> dict[str, OutboxMessage]:
    person = people["practitioner"]
    made = {}
    for status, link in (("sent", "SECRET-SENT"), ("queued", "SECRET-QUEUED"), ("failed", "X")):
        composed = messages.compose(
            MailKind.PASSWORD_RESET,
            full_name=person.full_name,
            borough_name="Eastmoor",
            set_password_link=f"https://localhost/account/set-password/{link}",
            valid_hours=1,
            valid_minutes=60,
        )
        made[status] = outbox.queue(db.session, composed, person.email, recipient_user_id=person.id)
    db.session.flush()
    made["sent"].status, made["sent"].sent_at = MailStatus.SENT, utcnow()
    made["failed"].status, made["failed"].last_error = (
        MailStatus.FAILED,
        "SMTP 550 (recipient refused)",
    )
    made["queued"].attempts, made["queued"].last_error = 2, "could not connect to the mail server"
    made["queued"].next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    return made


def rows(response) -> list[list[str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup.select("table.ecaf-outbox tbody tr")
    ]


def test_the_system_administrator_sees_recipients_subjects_and_statuses_only(client, people):
    queue_three(people)
    sign_in(client, people["system_admin"])

    response = client.get("/admin/mail")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = rows(response)
    assert len(found) == 3
    assert all(people["practitioner"].email in row[1] for row in found)
    assert all("Reset your eCAF password" in row[2] for row in found)
    assert {row[3].split()[0] for row in found} == {"Sent", "Queued", "Failed"}
    assert "SMTP 550 (recipient refused)" in page
    assert "could not connect to the mail server" in page
    # The bodies (and the links in them) are never shown.
    assert "SECRET" not in page and "set-password" not in page and "Hello" not in page


def test_messages_can_be_listed_by_status(client, people):
    queue_three(people)
    sign_in(client, people["system_admin"])

    queued = rows(client.get("/admin/mail?status=queued"))
    failed = rows(client.get("/admin/mail?status=failed"))
    everything = rows(client.get("/admin/mail?status=nonsense&page=99999999"))

    assert [row[3].split()[0] for row in queued] == ["Queued"]
    assert [row[4] for row in queued] == ["2"]
    assert [row[3].split()[0] for row in failed] == ["Failed"]
    assert len(everything) == 3


def test_looking_at_the_outbox_is_audited(client, people):
    sign_in(client, people["system_admin"])
    client.get("/admin/mail?status=failed")
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "mail.outbox_viewed")
    ).all()
    assert event.actor_id == people["system_admin"].id
    assert '"status": "failed"' in event.detail


@pytest.mark.parametrize("who", ["borough_admin", "practitioner"])
def test_nobody_else_sees_the_outbox(client, people, who):
    queue_three(people)
    sign_in(client, people[who])
    assert client.get("/admin/mail").status_code == 403


def test_the_system_administrator_finds_the_outbox_from_their_home_page(client, people):
    sign_in(client, people["system_admin"])
    assert 'href="/admin/mail"' in client.get("/").get_data(as_text=True)
