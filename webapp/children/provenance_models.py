"""Which source said what of a child, and when (webapp/children/provenance.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.children.import_models import SOURCE_NAME_MAX
from webapp.db import Base, utcnow


class ChildFieldValue(Base):
    """One value a source gave for one of a child's details. When the source sends another
    value the row is superseded, not changed: the rows of a field are its history (a
    child's previous addresses)."""

    __tablename__ = "child_field_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    source: Mapped[str] = mapped_column(String(SOURCE_NAME_MAX))
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    said_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
