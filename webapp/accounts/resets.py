"""Forgotten passwords: a person asks for a link to choose a new one, by e-mail.

The answer is the same page whatever was typed (an account, a deactivated one, none), and
both paths do the same work (a token made, a message composed, a throttle counted, an event
audited) before answering, while the message itself leaves after the response: so neither
the page nor the time it takes tells whether an account exists. Requests are limited per
email address typed (so nobody can flood a person's inbox) and per client address (so
nobody can spray addresses); a link works once, for an hour, and choosing a new password
with it signs the person out everywhere (setup_links.redeem)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.accounts import setup_links
from webapp.accounts.models import LinkPurpose, LoginThrottle
from webapp.accounts.services import find_user_by_email, normalise_email
from webapp.audit import services as audit
from webapp.db import utcnow

WINDOW = timedelta(hours=1)


class ResetAnswer(StrEnum):
    CHECK_EMAIL = "check_email"  # the one answer for any email address typed
    SLOWED = "slowed"  # too many requests from this client address: wait


@dataclass(frozen=True)
class ResetLimits:
    per_email: int
    per_address: int


@dataclass(frozen=True)
class ResetOutcome:
    answer: ResetAnswer
    retry_after_seconds: int = 0


def _count(db_session: Session, key: str, limit: int, now: datetime) -> LoginThrottle:
    """Count one request against `key` in the current hour; the counter, locked."""
    throttle = db_session.get(LoginThrottle, key, with_for_update=True)
    if throttle is None:
        try:
            with db_session.begin_nested():
                throttle = LoginThrottle(key=key, failures=0, first_failure_at=now)
                db_session.add(throttle)
                db_session.flush()
        except IntegrityError:  # the same key counted by a request at the same moment
            throttle = db_session.get(
                LoginThrottle, key, with_for_update=True, populate_existing=True
            )
    if now - throttle.first_failure_at >= WINDOW:
        throttle.failures, throttle.first_failure_at = 0, now
    throttle.failures += 1
    return throttle


def _email_key(email: str) -> str:
    return "reset-email:" + hashlib.sha256(email.encode()).hexdigest()


# Stands in for an account where there is none, so that the same message is composed.
_NOBODY = SimpleNamespace(full_name="", borough=SimpleNamespace(name=""))


def request_reset(
    db_session: Session, email: str, client_address: str, limits: ResetLimits
) -> ResetOutcome:
    now = utcnow()
    email = normalise_email(email)
    by_address = _count(db_session, "reset-ip:" + client_address, limits.per_address, now)
    if by_address.failures > limits.per_address:
        audit.record(
            db_session,
            "auth.password_reset.slowed",
            client_address=client_address,
            email=email,
        )
        wait = (by_address.first_failure_at + WINDOW - now).total_seconds()
        return ResetOutcome(ResetAnswer.SLOWED, max(1, math.ceil(wait)))
    by_email = _count(db_session, _email_key(email), limits.per_email, now)
    user = find_user_by_email(db_session, email)
    if user is None:
        outcome = "unknown"
    elif not user.active:
        outcome = "inactive"  # a deactivated account gets no link
    elif by_email.failures > limits.per_email:
        outcome = "limited"
    else:
        outcome = "sent"
    if outcome == "sent":
        setup_links.send(db_session, user, user, LinkPurpose.RESET)
    else:
        # The same work as sending, thrown away.
        setup_links.compose(user or _NOBODY, setup_links.decoy_hash(), LinkPurpose.RESET)
    audit.record(
        db_session,
        "auth.password_reset.requested",
        actor_id=user.id if user else None,
        object_type="user" if user else "",
        object_id=user.id if user else "",
        client_address=client_address,
        email=email,
        outcome=outcome,
    )
    return ResetOutcome(ResetAnswer.CHECK_EMAIL)
