"""Form responses on an episode: one row per filled-in form, one row per section of it.

A response pins the exact form version it was started with (form version, borough and
overlay version), so publishing a new definition never changes or re-validates it. Its
answers are stored per section, each section row with its own version counter: two people
editing different sections never clash, and two editing the same section never silently
overwrite each other (the second save is refused as stale).
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, enum_column, utcnow
from webapp.formdefs import FormPin


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"  # submitted: immutable from then on


class FormResponse(Base):
    """One filled-in form on an episode: an assessment version, the checklist, the delivery
    plan (review number 0), a review (review number 1, 2, ...), a closure form or a TAC
    meeting record."""

    __tablename__ = "form_response"
    __table_args__ = (UniqueConstraint("episode_id", "form_id", "sequence", "review_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(80))
    sequence: Mapped[int] = mapped_column(Integer, default=1)  # assessment version 1, 2, ...
    review_number: Mapped[int] = mapped_column(Integer, default=0)  # 0: not a review
    # The pin: exactly which definition the answers were given against.
    form_version: Mapped[int] = mapped_column(Integer)
    borough: Mapped[str | None] = mapped_column(String(40))
    overlay_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus), default=ResponseStatus.DRAFT
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: How the needs it rates stand once completed, from 0 (every one at the worst of its
    #: scale) to 1 (all at the best); None when it rates none (webapp/assessments/ratings.py).
    needs_rating: Mapped[float | None] = mapped_column(Float)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    sections: Mapped[list[SectionAnswers]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SectionAnswers.id"
    )

    @property
    def pin(self) -> FormPin:
        return FormPin(self.form_id, self.form_version, self.borough, self.overlay_version)

    @property
    def is_completed(self) -> bool:
        return self.status is ResponseStatus.COMPLETED

    def section_rows(self) -> dict[str, SectionAnswers]:
        return {row.section_id: row for row in self.sections}

    def answers(self) -> dict[str, Any]:
        """Every stored answer of the form, as one flat mapping (ids are unique in a form)."""
        merged: dict[str, Any] = {}
        for row in self.sections:
            merged.update(row.values)
        return merged

    def __repr__(self) -> str:
        return f"<FormResponse {self.form_id} #{self.sequence}/{self.review_number}>"


class SectionAnswers(Base):
    """The answers to one section (page) of a response, with their own optimistic lock."""

    __tablename__ = "form_response_section"
    __table_args__ = (UniqueConstraint("response_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("form_response.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[str] = mapped_column(String(80))
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    # The person said "save and continue" with every required answer given.
    is_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic lock: a stale write raises StaleDataError instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Fields the family asked not to be shared (a JSON list of field ids), and the agency
    # of the practitioner who recorded that: only that agency sees those answers.
    not_shared_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    not_shared_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    __mapper_args__ = {"version_id_col": version}

    response: Mapped[FormResponse] = relationship(back_populates="sections")
    updated_by: Mapped[User] = relationship()

    @property
    def values(self) -> dict[str, Any]:
        loaded = json.loads(self.answers_json or "{}")
        return loaded if isinstance(loaded, dict) else {}

    @values.setter
    def values(self, answers: dict[str, Any]) -> None:
        self.answers_json = json.dumps(answers, ensure_ascii=False, sort_keys=True)

    @property
    def not_shared(self) -> frozenset[str]:
        """The ids of the fields the family asked not to be shared."""
        try:
            loaded = json.loads(self.not_shared_json or "[]")
        except ValueError:
            return frozenset()
        if not isinstance(loaded, list):
            return frozenset()
        return frozenset(item for item in loaded if isinstance(item, str))

    def restrict(self, field_ids: set[str] | frozenset[str], organisation_id: int | None) -> None:
        self.not_shared_json = json.dumps(sorted(field_ids))
        self.not_shared_organisation_id = organisation_id if field_ids else None


class EpisodeFormPin(Base):
    """The version of one form an episode uses: the borough's newest when the episode
    started, kept whatever is published later, until the lead professional moves the episode
    to a newer version (an audited step)."""

    __tablename__ = "episode_form_pin"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    form_version: Mapped[int] = mapped_column(Integer)
    borough: Mapped[str | None] = mapped_column(String(40))
    overlay_version: Mapped[int | None] = mapped_column(Integer)
    pinned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # None: pinned when the episode started (or, for an episode older than pins, when the
    # form was first used).
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    @property
    def pin(self) -> FormPin:
        return FormPin(self.form_id, self.form_version, self.borough, self.overlay_version)


class SectionDraft(Base):
    """What one person was typing on one section, kept as they type (autosave) apart from
    the saved answers, which it never changes: only its author sees it, until they save or
    discard it, or it expires."""

    __tablename__ = "form_section_draft"
    __table_args__ = (UniqueConstraint("response_id", "section_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("form_response.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The page's raw answers as parsed from the form (pages.parse_section), not validated.
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    # The version of the saved section the person started from.
    section_version: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    @property
    def values(self) -> dict[str, Any]:
        loaded = json.loads(self.answers_json or "{}")
        return loaded if isinstance(loaded, dict) else {}
