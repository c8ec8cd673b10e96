from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Organisation
from webapp.db import Base, enum_column, unique_where, utcnow


class MemberKind(StrEnum):
    PRACTITIONER = "practitioner"
    CHILD = "child"
    PARENT_CARER = "parent_carer"
    OTHER = "other"

    @property
    def title(self) -> str:
        return {
            "practitioner": "Practitioner",
            "child": "Child or young person",
            "parent_carer": "Parent or carer",
            "other": "Other",
        }[self.value]


class MemberStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    REMOVED = "removed"


class TacMember(Base):
    """A member of one episode's team. Practitioners have accounts and join by accepting an
    invitation; the child, parents and carers are recorded with their contact details."""

    __tablename__ = "tac_member"
    __table_args__ = (
        # A practitioner is in an episode's team (or invited to it) once.
        unique_where(
            "uq_tac_member_current_user",
            "episode_id",
            "user_id",
            where="status IN ('invited', 'active') AND user_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind))
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(160), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removal_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE


class HandoverStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class LeadProfessionalChange(Base):
    """One nomination or handover of the lead professional role; the history is kept."""

    __tablename__ = "lead_professional_change"
    __table_args__ = (
        # One handover waiting to be accepted per episode.
        unique_where(
            "uq_lead_professional_change_proposed", "episode_id", where="status = 'proposed'"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    from_member_id: Mapped[int | None] = mapped_column(ForeignKey("tac_member.id"))
    to_member_id: Mapped[int] = mapped_column(ForeignKey("tac_member.id"))
    handover_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[HandoverStatus] = mapped_column(enum_column(HandoverStatus))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    from_member: Mapped[TacMember | None] = relationship(foreign_keys=[from_member_id])
    to_member: Mapped[TacMember] = relationship(foreign_keys=[to_member_id])
    proposed_by: Mapped[User] = relationship()


class Involvement(Base):
    """Someone working with a child (role, start, end): kept up to date by TAC membership,
    and by hand for services outside any TAC."""

    __tablename__ = "involvement"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    tac_member_id: Mapped[int | None] = mapped_column(ForeignKey("tac_member.id"))
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(160), default="")
    organisation_name: Mapped[str] = mapped_column(String(160), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
