"""A family's registration at a children's centre, with its consent (DCSF 2010 annex).

The annex form asks two things: may the centre keep the family's details, and may it share
them with partner agencies it names, to deliver its services only. What it covers is basic
personal information (names, addresses, dates of birth: DCSF 2010 §15) and nothing else:
anything more needs explicit, informed consent for that purpose (§17). A refusal to the
first question keeps nothing, so a registration is always one the family agreed to keep.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Organisation
from webapp.children.models import Child
from webapp.db import Base, utcnow

# What a registration's consent covers, in the words shown to practitioners.
COVERS = (
    "Basic personal information only: names, addresses, postcodes and dates of birth "
    "(DCSF 2010 paragraph 15). Anything more needs the family's explicit consent for that "
    "purpose (paragraph 17)."
)


class CentreRegistration(Base):
    __tablename__ = "centre_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    adult_name: Mapped[str] = mapped_column(String(160))
    relationship_to_child: Mapped[str] = mapped_column(String(80))
    # The annex is signed by a parent, guardian or carer; only one with parental
    # responsibility can consent for the children (CWDC 2009 4.14).
    signed_as: Mapped[str] = mapped_column(String(20))
    agree_to_share: Mapped[bool] = mapped_column(Boolean)
    points_explained: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of keys
    signed_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    centre: Mapped[Organisation] = relationship()
    borough: Mapped[Borough] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    children: Mapped[list[CentreRegistrationChild]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="CentreRegistrationChild.id",
    )
    partners: Mapped[list[CentreRegistrationPartner]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="CentreRegistrationPartner.id",
    )
    reviews: Mapped[list[CentreRegistrationReview]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="CentreRegistrationReview.id",
    )

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None

    def review_overdue(self, today: date | None = None) -> bool:
        return self.is_current and self.review_on < (today or date.today())

    @property
    def partner_names(self) -> list[str]:
        return [partner.name for partner in self.partners]

    @property
    def partner_organisation_ids(self) -> set[int]:
        return {p.organisation_id for p in self.partners if p.organisation_id is not None}


class CentreRegistrationChild(Base):
    """A child the registration is for: a child of the child index."""

    __tablename__ = "centre_registration_child"
    __table_args__ = (UniqueConstraint("registration_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("centre_registration.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)

    registration: Mapped[CentreRegistration] = relationship(back_populates="children")
    child: Mapped[Child] = relationship()


class CentreRegistrationPartner(Base):
    """A partner agency the family agreed the centre may share their details with."""

    __tablename__ = "centre_registration_partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("centre_registration.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    service_name: Mapped[str] = mapped_column(String(160), default="")

    registration: Mapped[CentreRegistration] = relationship(back_populates="partners")
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation else self.service_name


class CentreRegistrationReview(Base):
    """Consent "should also be re-visited from time to time" (DCSF 2010, consent box)."""

    __tablename__ = "centre_registration_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("centre_registration.id", ondelete="CASCADE"), index=True
    )
    reviewed_on: Mapped[date] = mapped_column(Date)
    next_review_on: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    registration: Mapped[CentreRegistration] = relationship(back_populates="reviews")
    reviewed_by: Mapped[User] = relationship()
