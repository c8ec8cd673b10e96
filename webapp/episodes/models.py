from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.children.models import Child
from webapp.db import Base, utcnow


class Episode(Base):
    __tablename__ = "episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    state: Mapped[str] = mapped_column(String(60), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    workflow_version: Mapped[int] = mapped_column(Integer)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    lead_professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Optimistic lock: a stale write raises StaleDataError instead of overwriting.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    child: Mapped[Child] = relationship()
    borough: Mapped[Borough] = relationship()
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    lead_professional: Mapped[User | None] = relationship(foreign_keys=[lead_professional_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Episode {self.reference}>"
