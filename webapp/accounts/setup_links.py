"""One-time links by which a person sets their own password.

An administrator creates an account but never its password (accounts are personal,
DESIGN §3). The account gets a link instead: a random token, stored only as a hash, valid
once and for 72 hours, e-mailed to the person. A person who has forgotten their password
asks for a link of the same kind, valid for an hour (webapp/accounts/resets.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.accounts import password_rules
from webapp.accounts.models import LinkPurpose, PasswordSetupLink, User, new_session_token
from webapp.accounts.passwords import Passwords
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind

VALID_FOR = timedelta(hours=72)
RESET_VALID_FOR = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def withdraw_all(db_session: Session, user: User) -> None:
    """No link issued for this account works any more."""
    db_session.execute(
        update(PasswordSetupLink)
        .where(PasswordSetupLink.user_id == user.id, PasswordSetupLink.used_at.is_(None))
        .values(used_at=utcnow())
    )


def valid_for(purpose: LinkPurpose) -> timedelta:
    return RESET_VALID_FOR if purpose is LinkPurpose.RESET else VALID_FOR


def issue(
    db_session: Session,
    user: User,
    created_by: User,
    purpose: LinkPurpose = LinkPurpose.SET_UP,
) -> str:
    """A new link for `user` (earlier ones stop working); its token, for the message that
    sends it (only its hash is stored)."""
    withdraw_all(db_session, user)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db_session.add(
        PasswordSetupLink(
            user_id=user.id,
            token_hash=_hash(token),
            created_by_id=created_by.id,
            created_at=now,
            expires_at=now + valid_for(purpose),
            purpose=purpose,
        )
    )
    db_session.flush()
    return token


def compose(user: User, token: str, purpose: LinkPurpose) -> messages.Composed:
    validity = valid_for(purpose)
    return messages.compose(
        MailKind.PASSWORD_RESET if purpose is LinkPurpose.RESET else MailKind.SET_PASSWORD,
        full_name=user.full_name,
        borough_name=user.borough.name,
        set_password_link=messages.link("accounts.set_password", token=token),
        valid_hours=int(validity.total_seconds() // 3600),
        valid_minutes=int(validity.total_seconds() // 60),
    )


def send(
    db_session: Session,
    user: User,
    created_by: User,
    purpose: LinkPurpose = LinkPurpose.SET_UP,
) -> None:
    """A new link for `user`, e-mailed to them (queued in the caller's transaction): the
    link goes to the person, never to an administrator's screen."""
    token = issue(db_session, user, created_by, purpose)
    outbox.queue(
        db_session,
        compose(user, token, purpose),
        user.email,
        recipient_user_id=user.id,
        expires_at=utcnow() + valid_for(purpose),
    )


def decoy_hash() -> str:
    """The cost of making a token, spent where no link is made (see resets.py)."""
    return _hash(secrets.token_urlsafe(32))


def find_valid(db_session: Session, token: str, *, for_update: bool = False):
    """The unused, unexpired link of an active account with this token, or None."""
    if not token or len(token) > 100:
        return None
    query = select(PasswordSetupLink).where(PasswordSetupLink.token_hash == _hash(token))
    if for_update:
        query = query.with_for_update()
    link = db_session.scalars(query).one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.active:
        return None
    return link


def redeem(
    db_session: Session,
    link: PasswordSetupLink,
    passwords: Passwords,
    password: str,
    *,
    client_address: str = "",
) -> User:
    """Set the person's own password, use up the link, and end any session of the account.
    Raises WeakPassword, changing nothing, if the password rules refuse it."""
    user = link.user
    password_rules.check(password, password_rules.words_for(user))
    user.password_hash = passwords.hash(password)
    user.session_token = new_session_token()
    withdraw_all(db_session, user)
    audit.record(
        db_session,
        "auth.password_set",
        actor_id=user.id,
        object_type="user",
        object_id=user.id,
        client_address=client_address,
        by="password_reset_link" if link.purpose is LinkPurpose.RESET else "set_password_link",
    )
    return user
