from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Organisation
from webapp.consent.models import Consent
from webapp.db import Base, enum_column, utcnow
from webapp.episodes.models import Episode
from webapp.titled_enum import TitledEnum


class SharingBasis(TitledEnum):
    CONSENT = "consent", "Shared with consent"
    PUBLIC_INTEREST = "public_interest", "Shared without consent"
    NOT_SHARED = "not_shared", "Not shared"


class PublicInterestGround(TitledEnum):
    """Why sharing without consent is justified (DESIGN §3, CWDC 2009 4.21-4.23): the three
    cases 4.23 names, a judgement on the facts of the case in the public interest (4.22),
    or information that is not confidential shared for a legitimate purpose (4.21)."""

    SIGNIFICANT_HARM_TO_CHILD = (
        "significant_harm_to_child",
        (
            "Evidence or reasonable cause to believe that a child or young person is suffering, "
            "or is at risk of suffering, significant harm"
        ),
    )
    SERIOUS_HARM_TO_ADULT = "serious_harm_to_adult", "To prevent serious harm to an adult"
    SERIOUS_CRIME = (
        "serious_crime",
        (
            "To prevent, detect or prosecute a serious crime (one that causes, or is likely to "
            "cause, significant harm to a child or serious harm to an adult)"
        ),
    )
    PUBLIC_INTEREST_JUDGEMENT = (
        "public_interest_judgement",
        (
            "Another reason in the public interest: my judgement on the facts of this case that "
            "sharing confidential information is necessary, and proportionate to the need"
        ),
    )
    LEGITIMATE_PURPOSE = (
        "legitimate_purpose",
        "The information is not confidential, and sharing it is necessary for a legitimate purpose",
    )


class SharingDecision(Base):
    """One entry in an episode's information-sharing register: a decision to share, or not
    to share, what, with whom, on what basis, decided by whom and why. Never updated."""

    __tablename__ = "sharing_decision"
    __table_args__ = (
        CheckConstraint(
            "(basis = 'public_interest' AND ground IS NOT NULL) "
            "OR (basis <> 'public_interest' AND ground IS NULL)",
            name="ground_only_for_public_interest",
        ),
        CheckConstraint(
            "organisation_id IS NOT NULL OR recipient_user_id IS NOT NULL OR recipient_name <> ''",
            name="has_recipient",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    basis: Mapped[SharingBasis] = mapped_column(enum_column(SharingBasis))
    ground: Mapped[PublicInterestGround | None] = mapped_column(enum_column(PublicInterestGround))
    what: Mapped[str] = mapped_column(Text)
    # With whom: an agency, a user of the system, or a named person or service (or several).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recipient_name: Mapped[str] = mapped_column(String(160), default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    # The consent that covered a sharing with consent.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    # A decision to share without consent (guidance 4.21-4.25): why sharing is necessary and
    # proportionate, whether the family was told (or why not), and whose advice was taken.
    # `reasons` holds the facts of the case. None: not asked (recorded before these were).
    necessity: Mapped[str] = mapped_column(Text, default="")
    family_told: Mapped[bool | None] = mapped_column(Boolean)
    family_not_told_reason: Mapped[str] = mapped_column(Text, default="")
    advice_taken: Mapped[bool | None] = mapped_column(Boolean)
    advice_from: Mapped[str] = mapped_column(String(200), default="")

    episode: Mapped[Episode] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    organisation: Mapped[Organisation | None] = relationship()
    recipient_user: Mapped[User | None] = relationship(foreign_keys=[recipient_user_id])
    consent: Mapped[Consent | None] = relationship()
    review: Mapped[SharingReview | None] = relationship(back_populates="decision", uselist=False)

    @property
    def needs_review(self) -> bool:
        """Every decision to share without consent is reviewed by the decider's manager."""
        return self.basis is SharingBasis.PUBLIC_INTEREST

    @property
    def shared(self) -> bool:
        return self.basis is not SharingBasis.NOT_SHARED

    @property
    def recipient(self) -> str:
        """With whom, in words: "Jo Bloggs, Riverside Primary" or "Young carers project"."""
        parts = []
        if self.recipient_user is not None:
            parts.append(self.recipient_user.full_name)
        if self.recipient_name:
            parts.append(self.recipient_name)
        if self.organisation is not None:
            parts.append(self.organisation.name)
        return ", ".join(parts)


class SharingReview(Base):
    """A manager's review of a decision to share without consent, after it was made: agreed
    or not agreed, with a comment. One per decision; never updated."""

    __tablename__ = "sharing_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("sharing_decision.id"), unique=True)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    agreed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text)

    decision: Mapped[SharingDecision] = relationship(back_populates="review")
    reviewed_by: Mapped[User] = relationship()
