"""Signing in: credentials, lock-out per account and slow-down per address, with no way to
tell accounts apart."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
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
    SECOND_STEP = "second_step"  # the password was right: a code is needed next (two_factor)
    REFUSED = "refused"
    LOCKED = "locked"  # too many failures for this email address: wait for the lock-out
    SLOWED = "slowed"  # too many failures from this client address: wait a few seconds


@dataclass(frozen=True)
class ThrottleRules:
    """Failures count against the email address typed, from whatever client address, and
    lock it for `lockout` after `max_failures`. A client address is only ever slowed down:
    after `address_slow_down_after` failures in a run, at most one attempt per
    `address_slow_down` is checked, so one address cannot lock anybody else out."""

    max_failures: int
    lockout: timedelta
    address_slow_down_after: int
    address_slow_down: timedelta


@dataclass(frozen=True)
class SignInOutcome:
    result: SignInResult
    user: User | None = None
    retry_after_seconds: int = 0


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(db_session: Session, email: str) -> User | None:
    return db_session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


def _email_key(email: str) -> str:
    return "email:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _address_key(client_address: str) -> str:
    return "ip:" + client_address


def _locked(throttle: LoginThrottle | None, now: datetime) -> bool:
    return (
        throttle is not None and throttle.locked_until is not None and throttle.locked_until > now
    )


def _throttle_for_update(db_session: Session, key: str, now: datetime) -> LoginThrottle:
    throttle = db_session.get(LoginThrottle, key, with_for_update=True)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0, first_failure_at=now)
        db_session.add(throttle)
    return throttle


def _count_failure(
    throttle: LoginThrottle,
    now: datetime,
    run_seen_at: datetime,
    rules: ThrottleRules,
    hold_after: int,
    hold_for: timedelta,
) -> LoginThrottle:
    """One more failure: a run of failures last seen more than `lockout` ago starts again;
    from the `hold_after`th failure of a run, the throttle holds for `hold_for`."""
    if now - run_seen_at > rules.lockout:
        throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= hold_after:
        throttle.locked_until = now + hold_for
    return throttle


def _note_account_failure(
    db_session: Session, key: str, rules: ThrottleRules, now: datetime
) -> LoginThrottle:
    throttle = _throttle_for_update(db_session, key, now)
    return _count_failure(
        throttle, now, throttle.first_failure_at, rules, rules.max_failures, rules.lockout
    )


def _note_address_failure(
    db_session: Session, key: str, rules: ThrottleRules, now: datetime
) -> LoginThrottle:
    throttle = _throttle_for_update(db_session, key, now)
    # A run of failures ends when the address has been quiet for `lockout`; while it goes on
    # being slowed down, it stays slowed down.
    last_seen = max(throttle.first_failure_at, throttle.locked_until or throttle.first_failure_at)
    return _count_failure(
        throttle, now, last_seen, rules, rules.address_slow_down_after, rules.address_slow_down
    )


def sign_in(
    db_session: Session,
    passwords: Passwords,
    rules: ThrottleRules,
    email: str,
    password: str,
    client_address: str,
    *,
    known_device: bool = False,
    second_step: Callable[[User], bool] | None = None,
) -> SignInOutcome:
    """Check credentials. Unknown, wrong, inactive, locked and slowed all cost one password
    check. `known_device`: the browser signed in to this email address before, so the
    slow-down of its client address does not apply to it (the lock-out does).
    `second_step`: whether the account needs a second step (a code) before it is signed in;
    if so the outcome is SECOND_STEP and nobody is signed in yet."""
    now = utcnow()
    email_key, address_key = _email_key(email), _address_key(client_address)
    user = find_user_by_email(db_session, email)
    account_throttle = db_session.get(LoginThrottle, email_key)
    address_throttle = db_session.get(LoginThrottle, address_key)
    password_ok = passwords.verify(user.password_hash if user else None, password)
    detail = {"client_address": client_address, "email": normalise_email(email)}
    actor_id = user.id if user else None

    if not known_device and _locked(address_throttle, now):
        audit.record(db_session, "auth.sign_in.slowed", actor_id=actor_id, **detail)
        wait = math.ceil((address_throttle.locked_until - now).total_seconds())
        return SignInOutcome(SignInResult.SLOWED, retry_after_seconds=max(1, wait))

    if _locked(account_throttle, now):
        audit.record(db_session, "auth.sign_in.locked", actor_id=actor_id, **detail)
        return SignInOutcome(SignInResult.LOCKED)

    if user is None or not password_ok or not user.active:
        reason = "unknown" if user is None else ("inactive" if password_ok else "wrong_password")
        account_throttle = _note_account_failure(db_session, email_key, rules, now)
        _note_address_failure(db_session, address_key, rules, now)
        audit.record(db_session, "auth.sign_in.failed", actor_id=actor_id, reason=reason, **detail)
        if _locked(account_throttle, now):
            audit.record(db_session, "auth.sign_in.lockout_started", actor_id=actor_id, **detail)
            return SignInOutcome(SignInResult.LOCKED)
        return SignInOutcome(SignInResult.REFUSED)

    if account_throttle is not None:
        db_session.delete(account_throttle)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    if second_step is not None and second_step(user):
        audit.record(
            db_session,
            "auth.sign_in.password_accepted",
            actor_id=user.id,
            client_address=client_address,
        )
        return SignInOutcome(SignInResult.SECOND_STEP, user)
    user.last_login_at = now
    audit.record(
        db_session, "auth.sign_in.succeeded", actor_id=user.id, client_address=client_address
    )
    return SignInOutcome(SignInResult.SIGNED_IN, user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this account."""
    user.session_token = new_session_token()
