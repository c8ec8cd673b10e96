from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Organisation
from webapp.consent.models import Consent
from webapp.db import Base, enum_column, utcnow
from webapp.episodes.models import Episode


class SharingBasis(StrEnum):
    CONSENT = "consent"
    PUBLIC_INTEREST = "public_interest"
    NOT_SHARED = "not_shared"

    @property
    def title(self) -> str:
        return BASIS_TITLES[self]


BASIS_TITLES = {
    SharingBasis.CONSENT: "Shared with consent",
    SharingBasis.PUBLIC_INTEREST: "Shared without consent in the public interest",
    SharingBasis.NOT_SHARED: "Not shared",
}


class PublicInterestGround(StrEnum):
    """When sharing without consent is justified in the public interest (DESIGN §3,
    guidance 4.22-4.23)."""

    SIGNIFICANT_HARM_TO_CHILD = "significant_harm_to_child"
    SERIOUS_HARM_TO_ADULT = "serious_harm_to_adult"
    SERIOUS_CRIME = "serious_crime"

    @property
    def title(self) -> str:
        return GROUND_TITLES[self]


GROUND_TITLES = {
    PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD: (
        "Evidence or reasonable cause to believe that a child or young person is suffering, "
        "or is at risk of suffering, significant harm"
    ),
    PublicInterestGround.SERIOUS_HARM_TO_ADULT: "To prevent serious harm to an adult",
    PublicInterestGround.SERIOUS_CRIME: (
        "To prevent, detect or prosecute a serious crime (one that causes, or is likely to "
        "cause, significant harm to a child or serious harm to an adult)"
    ),
}


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

    episode: Mapped[Episode] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    organisation: Mapped[Organisation | None] = relationship()
    recipient_user: Mapped[User | None] = relationship(foreign_keys=[recipient_user_id])
    consent: Mapped[Consent | None] = relationship()

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
