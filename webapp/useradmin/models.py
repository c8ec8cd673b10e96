from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.db import Base, enum_column, utcnow


class AccountStatusChange(Base):
    """An account deactivated or reactivated, by whom and why (shown on the account page)."""

    __tablename__ = "account_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    changed_by: Mapped[User] = relationship(foreign_keys=[changed_by_id])


class RequestOutcome(StrEnum):
    """How a request that needs a second person's approval ended (None: still waiting)."""

    APPROVED = "approved"
    REJECTED = "rejected"


class SecondPersonRequest:
    """Who asked, and who decided and how, for a request that a second administrator
    approves or rejects (the columns are the same in every such table; each table keeps
    its own constraints, among them that the decider is not the requester)."""

    # What the audit trail calls the request, its decision and a decision the rules refused.
    audit_type: ClassVar[str]
    decided_action: ClassVar[str]
    refused_action: ClassVar[str]

    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[RequestOutcome | None] = mapped_column(enum_column(RequestOutcome, 16))
    comment: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def requested_by(cls) -> Mapped[User]:
        return relationship(User, foreign_keys=f"{cls.__name__}.requested_by_id")

    @declared_attr
    def decided_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=f"{cls.__name__}.decided_by_id")

    @property
    def waiting(self) -> bool:
        return self.outcome is None

    @staticmethod
    def table_args(waiting_index: str, *waiting_per: str) -> tuple:
        """The table's constraints: one request waiting per `waiting_per` (a partial unique
        index named `waiting_index`), and the decider is never the requester."""
        return (
            Index(
                waiting_index,
                *waiting_per,
                unique=True,
                sqlite_where=text("outcome IS NULL"),
                postgresql_where=text("outcome IS NULL"),
            ),
            CheckConstraint(
                "decided_by_id IS NULL OR decided_by_id <> requested_by_id",
                name="decider_is_not_requester",
            ),
        )


class RoleGrantRequest(SecondPersonRequest, Base):
    """An administrator asked for an account to be given a role that a second administrator
    (or the system administrator) must approve: the borough CAF contact or administrator
    role. The role is only granted when the request is approved."""

    __tablename__ = "role_grant_request"
    audit_type = "role_grant_request"
    decided_action = "useradmin.role_grant_decided"
    refused_action = "useradmin.role_grant_refused"
    # One request waiting per account and role.
    __table_args__ = SecondPersonRequest.table_args(
        "uq_role_grant_request_waiting", "account_id", "role"
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))

    account: Mapped[User] = relationship(foreign_keys=[account_id])
