"""The outbox: every e-mail eCAF sends, queued in the transaction of the change it is
about. A message's bodies are kept only until it is sent or given up: they may hold a
single-use link."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, enum_column, utcnow
from webapp.titled_enum import TitledEnum


class MailKind(TitledEnum):
    SET_PASSWORD = "set_password", "Set-password link"  # noqa: S105 - a kind of message, not a password
    PASSWORD_RESET = "password_reset", "Password reset link"  # noqa: S105
    TAC_INVITATION = "tac_invitation", "Invitation to a team around the child"
    CLOSURE_APPROVED = "closure_approved", "Closure approved"
    CLOSURE_SENT_BACK = "closure_sent_back", "Closure sent back"
    REMINDER = "reminder", "Reminder"
    ROLES_CHANGED = "roles_changed", "Roles changed"
    # To the person whose app an administrator reset
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
    # To the borough's CAF contacts, for every role given
    ROLE_GRANTED = "role_granted", "Role given (to CAF contacts)"
    # To the other administrators of the borough
    APPROVAL_WANTED = "approval_wanted", "Change waiting for approval"
    # To the administrator who asked
    REQUEST_DECIDED = "request_decided", "Request approved or rejected"
    # To the borough's CAF contacts: urgent access was taken
    BREAK_GLASS = "break_glass", "Urgent access to an episode (to CAF contacts)"
    # To a team's managers
    ACCESS_REVIEW_OVERDUE = "access_review_overdue", "Quarterly access review overdue (to managers)"


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
