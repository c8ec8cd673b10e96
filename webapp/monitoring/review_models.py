"""Quarterly access reviews: a manager's attestation that their team's access to children's
records in a quarter was appropriate, or that it was not, and why. An attestation is
written once and never changed (database triggers refuse it, migration 0027m)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Team
from webapp.db import Base, utcnow


class AccessReview(Base):
    """One team's review of one quarter, by one of its managers."""

    __tablename__ = "access_review"
    __table_args__ = (
        # One attestation per team and quarter, whichever of its managers gives it.
        UniqueConstraint("team_id", "quarter_start"),
        # The CAF contact's worklist: the borough's reviews of a quarter.
        Index("ix_access_review_borough_quarter", "borough_id", "quarter_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The team's borough when it was reviewed: whose CAF contacts read it.
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    quarter_start: Mapped[date] = mapped_column(Date)
    appropriate: Mapped[bool] = mapped_column(Boolean)
    # Why the access was not appropriate (required then), or anything the manager adds.
    comment: Mapped[str] = mapped_column(Text, default="")
    # What the manager had in front of them (JSON): each member's counts and the alerts.
    summary: Mapped[str] = mapped_column(Text, default="{}")
    attested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    attested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    attested_by: Mapped[User] = relationship()
