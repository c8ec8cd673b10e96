from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Organisation
from webapp.centres.models import CentreRegistration
from webapp.db import Base, enum_column, utcnow
from webapp.episodes.models import Episode
from webapp.uploads.models import StoredFile


class ConsentGiver(StrEnum):
    CHILD = "child"
    PARENT_CARER = "parent_carer"


class ConsentDecision(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"
    #: inferred from what the family did, such as accepting a service: it covers basic
    #: personal information only, never sensitive (DCSF 2010, "Implied consent")
    IMPLIED = "implied"

    @property
    def is_explicit(self) -> bool:
        return self is not ConsentMethod.IMPLIED


class Consent(Base):
    """One decision by the child or a parent/carer about this episode.

    `to_assess`, `to_record` and `to_share` say what was agreed; a refusal has none of them.
    Withdrawal is recorded on the same row (when, by whom, why) so history is never lost.
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    decision: Mapped[ConsentDecision] = mapped_column(enum_column(ConsentDecision))
    given_by: Mapped[ConsentGiver] = mapped_column(enum_column(ConsentGiver))
    given_by_name: Mapped[str] = mapped_column(String(160))
    relationship_to_child: Mapped[str] = mapped_column(String(80), default="")
    has_parental_responsibility: Mapped[bool | None] = mapped_column(Boolean)
    child_has_sufficient_understanding: Mapped[bool | None] = mapped_column(Boolean)
    understanding_judgement: Mapped[str] = mapped_column(Text, default="")
    to_assess: Mapped[bool] = mapped_column(Boolean, default=False)
    to_record: Mapped[bool] = mapped_column(Boolean, default=False)
    to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the family explicitly agreed that what is recorded and shared may include sensitive
    #: personal data (DCSF 2010, paragraph 17); without it, consent covers basic personal
    #: information only (name, address, postcode, date of birth, contacts)
    # What the family asked not to be shared, or not with whom (CWDC 2009, 4.7): told to
    # everyone the information is shared with, and printed on the CAF's consent section.
    not_to_share: Mapped[str] = mapped_column(Text, default="", server_default="")
    includes_sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    points_explained: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of keys
    method: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod))
    given_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    signed_statement_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    # Consent started from a children's centre registration covers what it covers and no
    # more: basic information, kept and shared with the partners it names; never an
    # assessment (webapp/centres/services.py).
    centre_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("centre_registration.id"), index=True
    )

    episode: Mapped[Episode] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    signed_statement: Mapped[StoredFile | None] = relationship()
    centre_registration: Mapped[CentreRegistration | None] = relationship()
    agencies: Mapped[list[ConsentAgency]] = relationship(
        back_populates="consent", cascade="all, delete-orphan"
    )

    @property
    def is_current(self) -> bool:
        return self.decision is ConsentDecision.GIVEN and self.withdrawn_at is None


class ConsentAgency(Base):
    """An agency or service the family agreed the record may be shared with."""

    __tablename__ = "consent_agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(
        ForeignKey("consent.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    service_name: Mapped[str] = mapped_column(String(160), default="")

    consent: Mapped[Consent] = relationship(back_populates="agencies")
    organisation: Mapped[Organisation | None] = relationship()


class ReviewOutcome(StrEnum):
    STILL_AGREED = "still_agreed"
    WITHDRAW = "withdraw"


class ConsentReview(Base):
    """One review of a consent with the family: who reviewed it, when, and the outcome
    (still agreed, with the date of the next review; or withdrawn, on the withdrawal
    screen)."""

    __tablename__ = "consent_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    consent: Mapped[Consent] = relationship()
    reviewed_by: Mapped[User] = relationship()
