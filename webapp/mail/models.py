"""The outbox: every e-mail eCAF sends, queued in the transaction of the change it is
about. A message's bodies are kept only until it is sent or given up: they may hold a
single-use link."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, enum_column, utcnow


class MailKind(StrEnum):
    SET_PASSWORD = "set_password"  # noqa: S105 - a kind of message, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105
    TAC_INVITATION = "tac_invitation"
    CLOSURE_APPROVED = "closure_approved"
    CLOSURE_SENT_BACK = "closure_sent_back"
    REMINDER = "reminder"
    ROLES_CHANGED = "roles_changed"
    TWO_FACTOR_RESET = "two_factor_reset"  # to the person whose app an administrator reset
    ROLE_GRANTED = "role_granted"  # to the borough's CAF contacts, for every role given
    APPROVAL_WANTED = "approval_wanted"  # to the other administrators of the borough
    REQUEST_DECIDED = "request_decided"  # to the administrator who asked
    BREAK_GLASS = "break_glass"  # to the borough's CAF contacts: urgent access was taken
    ACCESS_REVIEW_OVERDUE = "access_review_overdue"  # to a team's managers

    @property
    def title(self) -> str:
        return KIND_TITLES[self]


KIND_TITLES = {
    MailKind.SET_PASSWORD: "Set-password link",
    MailKind.PASSWORD_RESET: "Password reset link",
    MailKind.TAC_INVITATION: "Invitation to a team around the child",
    MailKind.CLOSURE_APPROVED: "Closure approved",
    MailKind.CLOSURE_SENT_BACK: "Closure sent back",
    MailKind.REMINDER: "Reminder",
    MailKind.ROLES_CHANGED: "Roles changed",
    MailKind.TWO_FACTOR_RESET: "Two-factor sign-in reset",
    MailKind.ROLE_GRANTED: "Role given (to CAF contacts)",
    MailKind.APPROVAL_WANTED: "Change waiting for approval",
    MailKind.REQUEST_DECIDED: "Request approved or rejected",
    MailKind.BREAK_GLASS: "Urgent access to an episode (to CAF contacts)",
    MailKind.ACCESS_REVIEW_OVERDUE: "Quarterly access review overdue (to managers)",
}


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt
    SENT = "sent"  # handed to the mail server (or written to the outbox folder)
    FAILED = "failed"  # given up: refused for good, out of attempts, or no longer useful

    @property
    def title(self) -> str:
        return self.value.capitalize()


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    # Emptied once the message is sent or given up.
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, 16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A message that tells of a link is useless once the link has expired.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What went wrong, in words that name no recipient and quote no body.
    last_error: Mapped[str] = mapped_column(String(200), default="")
