from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.boroughs.models import Borough
from webapp.children import matching
from webapp.db import Base, enum_column, utcnow


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Child(Base):
    """A child or unborn baby: the identifying details the child index may hold."""

    __tablename__ = "child"
    __table_args__ = (
        CheckConstraint(
            "date_of_birth IS NOT NULL OR expected_delivery_date IS NOT NULL",
            name="born_or_expected",
        ),
        # Each candidate lookup of the child index (webapp/children/index.py) reads one of
        # these: a combination of keys selective enough for a national index.
        Index("ix_child_family_name_sound_born_on", "family_name_sound", "born_on"),
        Index(
            "ix_child_family_name_sound_given_name_sound_born_on",
            "family_name_sound",
            "given_name_sound",
            "born_on",
        ),
        Index("ix_child_born_on_given_name_sound", "born_on", "given_name_sound"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unique_reference: Mapped[str] = mapped_column(String(40), unique=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    also_known_as: Mapped[str] = mapped_column(Text, default="")
    gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    expected_delivery_date: Mapped[date | None] = mapped_column(Date)
    mother_name: Mapped[str] = mapped_column(String(160), default="")
    address_line_1: Mapped[str] = mapped_column(String(160), default="")
    address_line_2: Mapped[str] = mapped_column(String(160), default="")
    town: Mapped[str] = mapped_column(String(80), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    shielded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Found to be the same child as another record and merged into it (webapp/children/
    # merges.py): kept, so that the merge can be undone, but no longer found by a search.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    # Search keys kept in step with the names, dates, postcode and reference
    # (matching.search_keys), so the child index finds candidates through indexes, never by
    # scanning every child. born_on is the date of birth, or the expected date of delivery.
    family_name_key: Mapped[str] = mapped_column(String(120), default="")
    family_name_sound: Mapped[str] = mapped_column(String(8), default="")
    given_name_sound: Mapped[str] = mapped_column(String(8), default="")
    postcode_key: Mapped[str] = mapped_column(String(10), default="", index=True)
    reference_key: Mapped[str] = mapped_column(String(40), default="", index=True)
    born_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    borough: Mapped[Borough] = relationship()

    @property
    def display_name(self) -> str:
        if self.date_of_birth is None and self.mother_name:
            return f"Unborn baby of {self.mother_name}"
        return f"{self.given_names} {self.family_name}".strip()

    def __repr__(self) -> str:
        return f"<Child {self.id}>"


@event.listens_for(Child, "before_insert")
@event.listens_for(Child, "before_update")
def _keep_search_keys(_mapper, _connection, child: Child) -> None:
    keys = matching.search_keys(
        family_name=child.family_name,
        given_names=child.given_names,
        postcode=child.postcode,
        unique_reference=child.unique_reference,
        date_of_birth=child.date_of_birth,
        expected_delivery_date=child.expected_delivery_date,
    )
    for name, value in keys.items():
        setattr(child, name, value)
