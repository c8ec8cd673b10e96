from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import Base, enum_column
from webapp.titled_enum import TitledEnum


class BoroughKind(TitledEnum):
    LONDON_BOROUGH = "london_borough", "London borough"
    COUNTY = "county", "County council"
    METROPOLITAN = "metropolitan", "Metropolitan borough"
    UNITARY = "unitary", "Unitary authority"


class Sector(StrEnum):
    SCHOOL = "school"
    HEALTH = "health"
    EARLY_YEARS = "early_years"
    POLICE = "police"
    YOUTH = "youth"
    SOCIAL_CARE = "social_care"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    LOCAL_AUTHORITY = "local_authority"

    @property
    def title(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Borough(Base):
    """A local authority, with its published CAF contact details."""

    __tablename__ = "borough"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[BoroughKind] = mapped_column(enum_column(BoroughKind))
    region: Mapped[str] = mapped_column(String(80))
    caf_contact_name: Mapped[str] = mapped_column(String(120))
    caf_contact_email: Mapped[str] = mapped_column(String(254))
    caf_contact_phone: Mapped[str] = mapped_column(String(40))
    caf_contact_address: Mapped[str] = mapped_column(String(400), default="")
    # Everyone signing in to an account of the borough needs a code from an authenticator
    # app as well as their password (the system administrators always do).
    two_factor_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Reports show a count below this as "fewer than N" (webapp/reports/suppression.py).
    report_threshold: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # A team's quarterly access review is overdue this many days after the quarter ends
    # (webapp/monitoring/access_reviews.py).
    access_review_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")

    organisations: Mapped[list[Organisation]] = relationship(back_populates="borough")

    def __repr__(self) -> str:
        return f"<Borough {self.code}>"


class Organisation(Base):
    """An agency: a school, a health visiting team's trust, a police force, a charity..."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("borough_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    borough: Mapped[Borough] = relationship(back_populates="organisations")
    teams: Mapped[list[Team]] = relationship(back_populates="organisation")


class Team(Base):
    """A team within an organisation; its managers supervise its practitioners."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))

    organisation: Mapped[Organisation] = relationship(back_populates="teams")
