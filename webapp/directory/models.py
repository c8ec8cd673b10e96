"""The borough service directory (the Family Information Service, London protocol §5):
what each service offers, to whom, where, and how families and practitioners reach it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.db import Base, enum_column, utcnow
from webapp.titled_enum import TitledEnum

#: Ages are in whole years; 0 covers pre-birth and babies under 1.
OLDEST_AGE = 25


class ServiceLevel(TitledEnum):
    """Where a service sits in the continuum of need (the CAF form's own three levels)."""

    UNIVERSAL = "universal", "Universal"
    TARGETED = "targeted", "Targeted"
    SPECIALIST = "specialist", "Specialist"


LEVEL_HINTS = {
    ServiceLevel.UNIVERSAL: "Open to every child and family, like schools, GPs and libraries",
    ServiceLevel.TARGETED: "For children with additional needs, often after a CAF",
    ServiceLevel.SPECIALIST: "For children with complex or acute needs, usually by referral",
}


class AccessRoute(TitledEnum):
    """How a family reaches a service; a service may offer several, each recorded in the
    boolean column of the service named like the route's value."""

    SELF_REFERRAL = "self_referral", "Self-referral by the family or young person"
    PROFESSIONAL_REFERRAL = "professional_referral", "Referral by a professional"
    DROP_IN = "drop_in", "Drop-in, no referral needed"


class Service(Base):
    """One service in a borough's directory. Services are never deleted: a deactivated
    service stays readable, because delivery plans may point at it."""

    __tablename__ = "directory_service"
    __table_args__ = (
        UniqueConstraint("borough_id", "name"),
        CheckConstraint(
            f"min_age >= 0 AND max_age >= min_age AND max_age <= {OLDEST_AGE}", name="age_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(160))
    level: Mapped[ServiceLevel] = mapped_column(enum_column(ServiceLevel))
    client_group: Mapped[str] = mapped_column(String(500))
    min_age: Mapped[int] = mapped_column(Integer)
    max_age: Mapped[int] = mapped_column(Integer)
    coverage: Mapped[str] = mapped_column(String(500))
    residents_only: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(400))
    self_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    professional_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    drop_in: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_details: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic lock: two administrators editing at once never overwrite each other.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    borough: Mapped[Borough] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    @property
    def access_routes(self) -> list[AccessRoute]:
        return [route for route in AccessRoute if getattr(self, route.value)]

    @property
    def ages(self) -> str:
        """'0 to 5 years', '0 to 1 year', '11 years' (0 includes pre-birth)."""
        years = "year" if self.max_age == 1 else "years"
        if self.min_age == self.max_age:
            return f"{self.max_age} {years}"
        return f"{self.min_age} to {self.max_age} {years}"

    def __repr__(self) -> str:
        return f"<Service {self.id} {self.name!r}>"
