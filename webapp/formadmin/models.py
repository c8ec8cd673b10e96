"""Overlay drafts and the overlay versions published from them.

A published version is a row that is never updated (the YAML text it was published with
is kept as it is); the form library merges these rows with the files in `formdefs/`.
A draft moves through the publication workflow (`workflows/administration/`): each step is
a history row, like an episode's."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, utcnow


class OverlayVersion(Base):
    __tablename__ = "form_overlay_version"
    __table_args__ = (UniqueConstraint("borough", "form_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), index=True)
    form_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    base_version: Mapped[int] = mapped_column(Integer)
    source_yaml: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("form_overlay_draft.id"))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])
    approved_by: Mapped[User] = relationship(foreign_keys=[approved_by_id])


class DraftState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    DISCARDED = "discarded"


class OverlayDraft(Base):
    __tablename__ = "form_overlay_draft"
    __table_args__ = (
        # One open draft (being edited or awaiting approval) per borough and form.
        Index(
            "uq_form_overlay_draft_open",
            "borough",
            "form_id",
            unique=True,
            sqlite_where=text("state IN ('draft', 'awaiting_approval')"),
            postgresql_where=text("state IN ('draft', 'awaiting_approval')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), index=True)
    form_id: Mapped[str] = mapped_column(String(80))
    base_version: Mapped[int] = mapped_column(Integer)
    #: The published overlay version the draft started from (None: the national form).
    starts_from_version: Mapped[int | None] = mapped_column(Integer)
    source_yaml: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(40), default=DraftState.DRAFT.value)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it is to be published
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    history: Mapped[list[DraftTransition]] = relationship(
        back_populates="draft", order_by="DraftTransition.id"
    )


class DraftTransition(Base):
    __tablename__ = "form_overlay_draft_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("form_overlay_draft.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))
    dest: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    draft: Mapped[OverlayDraft] = relationship(back_populates="history")
    actor: Mapped[User] = relationship()
