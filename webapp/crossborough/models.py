from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, enum_column, utcnow
from webapp.episodes.models import Episode
from webapp.titled_enum import TitledEnum


class JoinRequestStatus(TitledEnum):
    PENDING = "pending", "Waiting for the CAF contact"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(Base):
    """A practitioner's request to join an episode's team around the child. The CAF contact
    of the episode's borough checks the reason; approval goes through the TAC invitation
    and its consent check, so the request itself opens nothing."""

    __tablename__ = "join_request"
    __table_args__ = (
        # One open request per practitioner and episode, even when two arrive at once.
        Index(
            "uq_join_request_pending",
            "episode_id",
            "requester_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(160))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[JoinRequestStatus] = mapped_column(enum_column(JoinRequestStatus))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    # What the decision made: the team membership and the register entry.
    tac_member_id: Mapped[int | None] = mapped_column(ForeignKey("tac_member.id"))
    sharing_decision_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_decision.id"))

    episode: Mapped[Episode] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status is JoinRequestStatus.PENDING
