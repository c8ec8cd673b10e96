"""Alerts on patterns of access that suggest misuse, and each borough's thresholds for them.

The rules themselves are code (webapp/monitoring/alerts.py names each and what it looks
for); how many times, over how many hours, and whether a rule runs at all are data: the
national defaults, which a borough's CAF contact tunes for the borough (`AlertSetting`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, enum_column, utcnow
from webapp.titled_enum import TitledEnum


class AlertOutcome(TitledEnum):
    EXPLAINED = "explained", "Explained: the access was appropriate"
    WARNING = "warning", "Warning given to the person"
    REFERRED = "referred", "Referred for investigation"


class AlertSetting(Base):
    """A borough's threshold for one rule: raise it at `threshold` matching searches within
    `window_hours`, or not at all."""

    __tablename__ = "alert_setting"
    __table_args__ = (UniqueConstraint("borough_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    rule: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[int] = mapped_column(Integer)
    window_hours: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AccessAlert(Base):
    """One alert about one person, for the CAF contacts of their borough to look into."""

    __tablename__ = "access_alert"
    __table_args__ = (
        # The worklist: the borough's alerts without an outcome.
        Index("ix_access_alert_borough_reviewed", "borough_id", "reviewed_at"),
        # One open alert per person and rule at a time.
        Index("ix_access_alert_user_rule_raised", "user_id", "rule", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rule: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    # The audit event that set it off; no foreign key, as for the search hits.
    event_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[AlertOutcome | None] = mapped_column(enum_column(AlertOutcome, 20))
    outcome_comment: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None
