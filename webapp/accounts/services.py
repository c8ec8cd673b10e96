"""Signing in: credentials, throttling and lock-out, with no way to tell accounts apart."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.accounts.models import LoginThrottle, User, new_session_token
from webapp.accounts.passwords import Passwords
from webapp.audit import services as audit
from webapp.db import utcnow


class SignInResult(StrEnum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class ThrottleRules:
    max_failures: int
    lockout: timedelta
    ip_max_failures: int


@dataclass(frozen=True)
class SignInOutcome:
    result: SignInResult
    user: User | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(db_session: Session, email: str) -> User | None:
    return db_session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


def _email_key(email: str) -> str:
    return "email:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _locked(throttle: LoginThrottle | None, now: datetime) -> bool:
    return (
        throttle is not None and throttle.locked_until is not None and throttle.locked_until > now
    )


def _note_failure(
    db_session: Session, key: str, limit: int, rules: ThrottleRules, now: datetime
) -> LoginThrottle:
    throttle = db_session.get(LoginThrottle, key, with_for_update=True)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0, first_failure_at=now)
        db_session.add(throttle)
    if now - throttle.first_failure_at > rules.lockout:  # an old run of failures: start again
        throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= limit:
        throttle.locked_until = now + rules.lockout
    return throttle


def sign_in(
    db_session: Session,
    passwords: Passwords,
    rules: ThrottleRules,
    email: str,
    password: str,
    client_address: str,
) -> SignInOutcome:
    """Check credentials. Unknown, wrong, inactive and locked all cost one password check."""
    now = utcnow()
    email_key, address_key = _email_key(email), "ip:" + client_address
    user = find_user_by_email(db_session, email)
    locked = _locked(db_session.get(LoginThrottle, email_key), now) or _locked(
        db_session.get(LoginThrottle, address_key), now
    )
    password_ok = passwords.verify(user.password_hash if user else None, password)

    if locked:
        audit.record(
            db_session,
            "auth.sign_in.locked",
            actor_id=user.id if user else None,
            client_address=client_address,
            email=normalise_email(email),
        )
        return SignInOutcome(SignInResult.LOCKED)

    if user is None or not password_ok or not user.active:
        reason = "unknown" if user is None else ("inactive" if password_ok else "wrong_password")
        email_throttle = _note_failure(db_session, email_key, rules.max_failures, rules, now)
        _note_failure(db_session, address_key, rules.ip_max_failures, rules, now)
        audit.record(
            db_session,
            "auth.sign_in.failed",
            actor_id=user.id if user else None,
            client_address=client_address,
            email=normalise_email(email),
            reason=reason,
        )
        if _locked(email_throttle, now):
            audit.record(
                db_session,
                "auth.sign_in.lockout_started",
                actor_id=user.id if user else None,
                client_address=client_address,
                email=normalise_email(email),
            )
            return SignInOutcome(SignInResult.LOCKED)
        return SignInOutcome(SignInResult.REFUSED)

    throttle = db_session.get(LoginThrottle, email_key)
    if throttle is not None:
        db_session.delete(throttle)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    user.last_login_at = now
    audit.record(
        db_session, "auth.sign_in.succeeded", actor_id=user.id, client_address=client_address
    )
    return SignInOutcome(SignInResult.SIGNED_IN, user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this account."""
    user.session_token = new_session_token()
