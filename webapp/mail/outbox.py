"""Queue messages in the transaction of the change they tell of; deliver them after it has
committed; try again, backing off, those that could not be sent.

Several app servers and the cron command may deliver at once: a message is claimed by one
conditional UPDATE (its next attempt moved past a lease), so only one of them sends it; one
that dies while sending leaves it to be tried again when the lease runs out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.db import utcnow
from webapp.mail import transports
from webapp.mail.messages import Composed
from webapp.mail.models import MailStatus, OutboxMessage

__all__ = ["MailStatus", "deliver", "deliver_due", "queue"]
from webapp.mail.transports import PermanentFailure, TemporaryFailure

# After the nth failed attempt, the next waits BACK_OFF[n - 1] (the last one thereafter).
BACK_OFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = 10  # about three days of trying
LEASE = timedelta(minutes=5)  # how long one sender holds a message it has claimed
BATCH = 100

PENDING = "caf_mail_pending"  # Session.info key: messages queued in the open transaction


def queue(
    db_session: Session,
    message: Composed,
    recipient: str,
    *,
    recipient_user_id: int | None = None,
    expires_at: datetime | None = None,
) -> OutboxMessage:
    """Put `message` in the outbox, in the caller's transaction: it is sent only if that
    transaction commits, and is then delivered after the request (see webapp/mail/__init__)."""
    now = utcnow()
    queued = OutboxMessage(
        kind=message.kind,
        recipient=recipient,
        recipient_user_id=recipient_user_id,
        subject=message.subject[:200],
        text_body=message.text,
        html_body=message.html,
        status=MailStatus.QUEUED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        expires_at=expires_at,
        last_error="",
    )
    db_session.add(queued)
    db_session.info.setdefault(PENDING, []).append(queued)
    return queued


def email_of(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    # Mail that a service sends by itself: out-of-office replies should not answer it.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body or "")
    email.add_alternative(message.html_body or "", subtype="html")
    return email


@dataclass
class Delivery:
    """What one delivery run did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _claim(db_session: Session, message_id: int, now: datetime) -> bool:
    claimed = db_session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            next_attempt_at=now + LEASE,
            attempts=OutboxMessage.attempts + 1,
            last_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _finish(message: OutboxMessage, status: MailStatus, now: datetime, error: str = "") -> None:
    message.status = status
    message.last_error = error[:200]
    message.text_body = message.html_body = None  # it may have held a single-use link
    if status is MailStatus.SENT:
        message.sent_at = now


def _retry_later(message: OutboxMessage, now: datetime, error: str, result: Delivery) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, MailStatus.FAILED, now, f"{error}; gave up after {message.attempts}")
        result.failed.append(message.id)
        return
    message.last_error = error[:200]
    message.next_attempt_at = now + BACK_OFF[min(message.attempts, len(BACK_OFF)) - 1]
    result.retrying.append(message.id)


def deliver(
    db_session: Session,
    message_ids: Iterable[int],
    *,
    transport: transports.Transport | None = None,
    now: datetime | None = None,
) -> Delivery:
    """Send the given messages that are due and not claimed by another sender. Commits."""
    now = now or utcnow()
    transport = transport or transports.for_app(current_app)
    result = Delivery()
    claimed = [message_id for message_id in message_ids if _claim(db_session, message_id, now)]
    db_session.commit()
    if not claimed:
        return result
    messages = list(
        db_session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )
    sendable = []
    for message in messages:
        if message.expires_at is not None and message.expires_at <= now:
            _finish(message, MailStatus.FAILED, now, "expired before it could be sent")
            result.failed.append(message.id)
        else:
            sendable.append(message)
    sender = current_app.config["MAIL_FROM"]
    try:
        with transport.connect() as connection:
            for message in sendable:
                try:
                    connection.send(email_of(message, sender))
                except PermanentFailure as refused:
                    _finish(message, MailStatus.FAILED, now, str(refused))
                    result.failed.append(message.id)
                except TemporaryFailure as failure:
                    _retry_later(message, now, str(failure), result)
                else:
                    _finish(message, MailStatus.SENT, now)
                    result.sent.append(message.id)
                db_session.commit()  # each outcome is kept as soon as it is known
    except (TemporaryFailure, PermanentFailure) as failure:  # could not connect at all
        for message in sendable:
            if message.status is MailStatus.QUEUED and message.id not in result.retrying:
                _retry_later(message, now, str(failure), result)
    db_session.commit()
    for message_id in result.retrying + result.failed:
        current_app.logger.warning("E-mail %s not sent (retried later or given up)", message_id)
    return result


def due_ids(db_session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    return list(
        db_session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def deliver_due(
    db_session: Session, *, transport: transports.Transport | None = None, now=None
) -> Delivery:
    """Every message whose (next) attempt is due, a batch at a time."""
    now = now or utcnow()
    transport = transport or transports.for_app(current_app)
    total = Delivery()
    tried: set[int] = set()
    while True:
        batch = [message_id for message_id in due_ids(db_session, now) if message_id not in tried]
        if not batch:
            return total
        tried.update(batch)
        done = deliver(db_session, batch, transport=transport, now=now)
        total.sent += done.sent
        total.retrying += done.retrying
        total.failed += done.failed


def counts(db_session: Session) -> dict[MailStatus, int]:
    rows = db_session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    found = {status: 0 for status in MailStatus}
    found.update({status: count for status, count in rows})
    return found
