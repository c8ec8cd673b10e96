from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.children.models import Child
from webapp.db import Base, enum_column, unique_where, utcnow

if TYPE_CHECKING:
    from webapp.tac.models import TacMember


class SocialCareInvolvement(StrEnum):
    """Is children's social care involved with the child, or has it been? Asked at the
    existing-CAF check when a CAF starts (London CAF protocol, Annex 1, section 2)."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"

    @property
    def title(self) -> str:
        return SOCIAL_CARE_TITLES[self]


SOCIAL_CARE_TITLES = {
    SocialCareInvolvement.YES: "Yes, now or in the past",
    SocialCareInvolvement.NO: "No",
    SocialCareInvolvement.NOT_KNOWN: "Not known",
}


class Episode(Base):
    __tablename__ = "episode"
    __table_args__ = (
        # One open CAF per child, held by the database even when two starts (or a start and
        # a reopening) arrive at the same moment.
        unique_where("uq_episode_open_child", "child_id", where="closed_at IS NULL"),
        # Reports count a borough's episodes started, and closed, in a period.
        Index("ix_episode_borough_id_opened_at", "borough_id", "opened_at"),
        Index("ix_episode_borough_id_closed_at", "borough_id", "closed_at"),
    )

    @classmethod
    def open_for_child(cls, child_id: int) -> Select:
        """The statement that finds the child's open episode (at most one: the rule above)."""
        return select(cls).where(cls.child_id == child_id, cls.closed_at.is_(None))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    state: Mapped[str] = mapped_column(String(60), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    workflow_version: Mapped[int] = mapped_column(Integer)
    # The borough's workflow choices in force when the episode started (None: the
    # definition's defaults); kept, so a later choice never changes its rules.
    workflow_choices_id: Mapped[int | None] = mapped_column(
        ForeignKey("workflow_choice_version.id")
    )
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    lead_professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    closure_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sharing_suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the practitioner found at the existing-CAF check when starting (None: started
    # before it was asked); basic data the child index shows, never assessment content.
    social_care_involvement: Mapped[SocialCareInvolvement | None] = mapped_column(
        enum_column(SocialCareInvolvement)
    )
    # A transfer to another borough waiting to be accepted; once accepted, the borough it
    # came from (the history keeps every transfer).
    transferred_to_borough_id: Mapped[int | None] = mapped_column(ForeignKey("borough.id"))
    transferred_from_borough_id: Mapped[int | None] = mapped_column(ForeignKey("borough.id"))
    # The TAC member who is lead professional (who may be a parent without an account);
    # lead_professional_id is set too when that member has an account.
    lead_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("tac_member.id", use_alter=True, name="fk_episode_lead_member_id_tac_member")
    )
    # When the lead professional has no account (the young person, a parent or a carer): the
    # practitioner in the team who takes the lead professional's steps in eCAF for them.
    acting_for_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    # Optimistic lock: a stale write raises StaleDataError instead of overwriting.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    child: Mapped[Child] = relationship()
    borough: Mapped[Borough] = relationship(foreign_keys=[borough_id])
    transferred_to_borough: Mapped[Borough | None] = relationship(
        foreign_keys=[transferred_to_borough_id], viewonly=True
    )
    transferred_from_borough: Mapped[Borough | None] = relationship(
        foreign_keys=[transferred_from_borough_id], viewonly=True
    )
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    lead_professional: Mapped[User | None] = relationship(foreign_keys=[lead_professional_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])
    acting_for_lead: Mapped[User | None] = relationship(foreign_keys=[acting_for_lead_id])
    tac_members: Mapped[list[TacMember]] = relationship(
        foreign_keys="TacMember.episode_id", order_by="TacMember.id", viewonly=True
    )
    history: Mapped[list[EpisodeTransition]] = relationship(
        back_populates="episode", order_by="EpisodeTransition.id"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Episode {self.reference}>"


OPEN_EPISODE_PER_CHILD = next(
    index for index in Episode.__table__.indexes if index.name == "uq_episode_open_child"
)


class EpisodeTransition(Base):
    """One step in an episode's history: who moved it, when, from where to where, and why."""

    __tablename__ = "episode_transition"
    # Reports count the moves into a state (referred, transferred) in a period.
    __table_args__ = (
        Index("ix_episode_transition_to_state_occurred_at", "to_state", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # None: the system took the step (a timed step, when its time came).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    trigger: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(160))
    from_state: Mapped[str] = mapped_column(String(60))
    to_state: Mapped[str] = mapped_column(String(60))
    comment: Mapped[str] = mapped_column(Text, default="")
    workflow_id: Mapped[str] = mapped_column(String(80))
    workflow_version: Mapped[int] = mapped_column(Integer)
    # The lead professional without an account for whom the actor took the step.
    on_behalf_of_member_id: Mapped[int | None] = mapped_column(ForeignKey("tac_member.id"))

    episode: Mapped[Episode] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()
    on_behalf_of: Mapped[TacMember | None] = relationship(viewonly=True)


class Notification(Base):
    """A message for one user about one episode, shown on their home page (and emailed
    when a mail server is configured). Written after the change it reports has committed."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
