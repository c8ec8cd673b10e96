"""`flask caf reminders run`: reviews due and idle episodes become notifications and
e-mails, once each."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from tests.mailbox import html_of, text_of
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.episodes.models import Notification
from webapp.mail.models import MailStatus, OutboxMessage

TODAY = date(2026, 11, 23)


@pytest.fixture
def staff(app):
    borough = make_borough("riverside")
    school = make_organisation(borough)
    found = {"borough": borough, "assessor": make_user(school), "lead": make_user(school)}
    db.session.commit()
    return found


def episode(staff, state="delivering", *, lead=True, idle_days=0, review_on=None, **fields):
    made = make_episode(
        make_child(staff["borough"], given_names="Zebedee"),
        staff["assessor"],
        lead_professional=staff["lead"] if lead else None,
        state=state,
        next_review_on=review_on,
        last_activity_at=datetime.combine(TODAY, datetime.min.time()) - timedelta(days=idle_days),
        **fields,
    )
    db.session.commit()
    return made


def run(runner_cli, today=TODAY):
    result = runner_cli.invoke(args=["caf", "reminders", "run", "--today", today.isoformat()])
    return result


def notifications() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_a_review_due_today_or_overdue_reminds_the_lead_professional(runner_cli, staff):
    overdue = episode(staff, review_on=TODAY - timedelta(days=2))
    due = episode(staff, "reviewing", review_on=TODAY)
    episode(staff, review_on=TODAY + timedelta(days=1))
    episode(staff, "assessing", review_on=TODAY - timedelta(days=9))

    result = run(runner_cli)

    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        "Reminders for 2026-11-23: 2 review due, 0 idle episode; 2 emailed."
    ]
    found = notifications()
    assert [(n.episode_id, n.user_id) for n in found] == [
        (overdue.id, staff["lead"].id),
        (due.id, staff["lead"].id),
    ]
    assert found[0].kind == "review_due:2026-11-21"
    assert "overdue" in found[0].message and "due today" in found[1].message


def test_running_twice_records_nothing_new(runner_cli, staff):
    episode(staff, review_on=TODAY - timedelta(days=1))
    episode(staff, idle_days=90)

    first = run(runner_cli)
    second = run(runner_cli, TODAY + timedelta(days=1))

    assert first.exit_code == second.exit_code == 0
    assert "1 review due, 1 idle episode" in first.output
    assert "0 review due, 0 idle episode" in second.output
    assert len(notifications()) == 2


def test_a_new_review_date_brings_a_new_reminder(runner_cli, staff):
    made = episode(staff, review_on=TODAY - timedelta(days=1))
    run(runner_cli)
    made.next_review_on = TODAY + timedelta(days=5)
    db.session.commit()

    run(runner_cli, TODAY + timedelta(days=5))

    assert [n.kind for n in notifications()] == ["review_due:2026-11-22", "review_due:2026-11-28"]


def test_the_assessor_is_reminded_when_there_is_no_lead_professional(runner_cli, staff):
    episode(staff, "assessing", lead=False, idle_days=60)

    run(runner_cli)

    assert [n.user_id for n in notifications()] == [staff["assessor"].id]


def test_an_episode_is_idle_only_after_the_workflows_idle_limit(runner_cli, staff):
    episode(staff, "assessing", idle_days=59)
    idle = episode(staff, "assessing", idle_days=60)
    episode(staff, "closed", idle_days=400, closed_at=datetime(2025, 1, 1))

    result = run(runner_cli)

    assert "0 review due, 1 idle episode" in result.output
    found = notifications()
    assert [(n.episode_id, n.kind) for n in found] == [(idle.id, "episode_idle:2026-11-23")]


def test_every_reminder_is_audited_and_names_no_child(runner_cli, staff):
    made = episode(staff, review_on=TODAY)

    run(runner_cli)

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reminder.recorded")
    ).all()
    assert [event.episode_id for event in events] == [made.id]
    assert '"kind": "review_due"' in events[0].detail
    assert "Zebedee" not in notifications()[0].message


def test_reminders_are_emailed_to_a_real_mail_server_once(runner_cli, staff, mail_server):
    made = episode(staff, review_on=TODAY)

    result = run(runner_cli)
    again = run(runner_cli)

    assert result.exit_code == 0
    assert "1 emailed" in result.output
    assert "0 emailed" in again.output
    [message] = mail_server.wait_for(1)
    assert message["To"] == staff["lead"].email
    assert message["Subject"] == f"CAF reminder: {made.reference}"
    assert f"/episodes/{made.id}" in text_of(message) and f"/episodes/{made.id}" in html_of(message)
    assert "Zebedee" not in message.as_string()


def test_a_mail_server_that_cannot_be_reached_fails_the_run_but_keeps_the_reminders(
    runner_cli, staff, mail_server
):
    mail_server.stop()
    episode(staff, review_on=TODAY)

    result = run(runner_cli)

    assert result.exit_code == 1
    assert "1 email(s) queued to try again" in result.output
    assert len(notifications()) == 1
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert queued.status is MailStatus.QUEUED and queued.recipient == staff["lead"].email
