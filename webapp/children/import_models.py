"""What the child index keeps of the files local systems send it (webapp/children/imports.py).

A source (the school census, a health system) is named by the borough. Each row it sends
carries the source's own identifier for the child: `ChildSourceRecord` links that
identifier to the child of the index it fed, with a hash of the row as last sent, so a row
sent again unchanged is a no-op and a changed one updates the child. A child the source no
longer sends in a full extract is marked as left by it, never deleted.

`ChildIdentifier` holds the national identifiers a source gave (NHS number, unique pupil
number): one child per identifier in a borough's index, which the database enforces, and
what a new row is matched on. `ChildImportRun` is one run's counts, for data quality."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.children.models import Child
from webapp.db import Base, enum_column, utcnow

SOURCE_NAME_MAX = 80
SOURCE_ID_MAX = 80


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    UNIQUE_PUPIL_NUMBER = "unique_pupil_number"


class ChildSourceRecord(Base):
    __tablename__ = "child_source_record"
    __table_args__ = (UniqueConstraint("borough_id", "source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    source: Mapped[str] = mapped_column(String(SOURCE_NAME_MAX))
    source_id: Mapped[str] = mapped_column(String(SOURCE_ID_MAX))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    row_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When a full extract from the source last came without this record; None while it
    # still sends it.
    left_at: Mapped[datetime | None] = mapped_column(DateTime)

    child: Mapped[Child] = relationship()


class ChildIdentifier(Base):
    __tablename__ = "child_identifier"
    __table_args__ = (UniqueConstraint("borough_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[IdentifierKind] = mapped_column(enum_column(IdentifierKind, 24))
    value: Mapped[str] = mapped_column(String(20))

    child: Mapped[Child] = relationship()


class ChildImportRun(Base):
    __tablename__ = "child_import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    source: Mapped[str] = mapped_column(String(SOURCE_NAME_MAX))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_rows_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Refused: some rows were wrong and the file was not imported (no child changed).
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    linked: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Record linkage: new rows merged into a child already in the index, new children sent
    # to the review queue, and the borough's pairs awaiting review after the run.
    merged: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    likely_duplicates: Mapped[int] = mapped_column(Integer, default=0)
