"""What the access histories read besides the audit trail, and urgent access grants.

A search's results are held in its audit event's detail (JSON text), which no index can
reach; `SearchHit` keeps, beside the event, one row per child it returned, so that a
child's history finds the searches that returned them through an index. Hits are written
in the search's own transaction and never changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, enum_column, utcnow
from webapp.episodes.models import Episode
from webapp.titled_enum import TitledEnum


class SearchHit(Base):
    """One child a child index search returned."""

    __tablename__ = "audit_search_hit"
    __table_args__ = (Index("ix_audit_search_hit_child_id_occurred_at", "child_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # No foreign keys: the audit trail is written and checked on its own, and a row that
    # referred to its events would stand in the way of the tampering `caf audit verify`
    # exists to find (removed events); a hit, like the event, outlives the child.
    event_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), index=True)
    child_id: Mapped[int] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewOutcome(TitledEnum):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassGrant(Base):
    """Urgent access to one episode the user may not normally see: read only, until
    `expires_at`, then reviewed by a CAF contact of the episode's borough."""

    __tablename__ = "break_glass_grant"
    __table_args__ = (
        # The policy's question on every refused look at an episode: does this user hold
        # an unexpired grant to it?
        Index("ix_break_glass_grant_user_episode", "user_id", "episode_id", "expires_at"),
        # The CAF contact's worklist: grants of the borough not yet reviewed.
        Index("ix_break_glass_grant_borough_reviewed", "borough_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    # The episode's borough when access was granted: whose CAF contacts review it.
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_column(ReviewOutcome, 20))
    review_comment: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    episode: Mapped[Episode] = relationship()

    def is_active(self, now: datetime) -> bool:
        return now < self.expires_at

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None
