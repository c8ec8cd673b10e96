"""Overlay drafts and the overlay versions published from them.

A published version is a row that is never updated (the YAML text it was published with
is kept as it is); the form library merges these rows with the files in `formdefs/`.
A draft moves through the publication workflow (`workflows/administration/`): each step is
a history row, like an episode's. `PublicationDraft` and `PublicationStep` are the columns
every such draft and history row has (a borough's workflow drafts use them too)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, unique_where, utcnow


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


class PublicationDraft:
    """A borough's definition being drafted: its YAML text, where it is in the publication
    workflow, who asked for it to be published and why."""

    borough: Mapped[str] = mapped_column(String(40), index=True)
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

    @declared_attr
    def created_by(cls) -> Mapped[User]:
        return relationship(User, foreign_keys=f"{cls.__name__}.created_by_id")

    @declared_attr
    def submitted_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=f"{cls.__name__}.submitted_by_id")

    @staticmethod
    def one_open_per(index_name: str, *columns: str) -> Index:
        """One open draft (being edited or awaiting approval) per `columns`."""
        return unique_where(index_name, *columns, where="state IN ('draft', 'awaiting_approval')")


class PublicationStep:
    """A step a draft took in the publication workflow."""

    trigger: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))
    dest: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @declared_attr
    def actor(cls) -> Mapped[User]:
        return relationship(User)


class OverlayDraft(PublicationDraft, Base):
    __tablename__ = "form_overlay_draft"
    __table_args__ = (
        PublicationDraft.one_open_per("uq_form_overlay_draft_open", "borough", "form_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(80))
    base_version: Mapped[int] = mapped_column(Integer)
    #: The published overlay version the draft started from (None: the national form).
    starts_from_version: Mapped[int | None] = mapped_column(Integer)
    history: Mapped[list[DraftTransition]] = relationship(
        back_populates="draft", order_by="DraftTransition.id"
    )


class DraftTransition(PublicationStep, Base):
    __tablename__ = "form_overlay_draft_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("form_overlay_draft.id"), index=True)

    draft: Mapped[OverlayDraft] = relationship(back_populates="history")
