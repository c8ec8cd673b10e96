from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.access.permissions import Role
from webapp.boroughs.models import Borough, Organisation, Team
from webapp.db import Base, enum_column, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Base):
    """A personal account. Accounts are never shared (DESIGN §3)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    dbs_check_date: Mapped[date | None] = mapped_column(Date)
    caf_trained: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changing the token ends every session of this account (sign out, deactivation).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Two-factor sign-in (webapp/accounts/two_factor.py): the TOTP secret, encrypted with
    # the instance's two-factor key, and the last time-step whose code was accepted, so that
    # no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    two_factor_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Who made the account and who last changed it (roles, organisation, DBS check, status):
    # the second person of a two-person rule may be neither (webapp/useradmin/duties.py).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    borough: Mapped[Borough] = relationship()
    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()
    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    # flask-login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")


class LoginThrottle(Base):
    """Failed sign-in attempts per key: a hashed email address, or a client address.

    Kept for any email address typed, whether or not an account has it, so that lock-out
    behaves the same for unknown addresses and gives nothing away.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class LinkPurpose(StrEnum):
    SET_UP = "set_up"  # a new account's first password, from its administrator
    RESET = "reset"  # a forgotten password, asked for by the person


class PasswordSetupLink(Base):
    """A single-use link by which a person sets their own password: a new account has none,
    and a person who has forgotten theirs asks for one. Only a hash of the token is stored:
    the link is e-mailed to the person and shown to nobody."""

    __tablename__ = "password_setup_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    purpose: Mapped[LinkPurpose] = mapped_column(
        enum_column(LinkPurpose, 16), default=LinkPurpose.SET_UP
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(Base):
    """One of the codes a person keeps for when they cannot use their authenticator app.
    Only an argon2 digest is stored (one salt for the set, so that checking a code costs one
    hash whatever the number of codes); each code signs in once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class TwoFactorChallenge(Base):
    """A sign-in whose password was right and whose second step is still to come: the person
    is not signed in. The browser holds the token (in its session); only its hash is kept
    here, for a few minutes. While the person sets up their app, the new secret waits here
    (encrypted) until a code from it is entered."""

    __tablename__ = "two_factor_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    next_path: Mapped[str] = mapped_column(String(500), default="")
    pending_secret: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship()
