"""Worklists shown on the home page. Until the workflow engine defines its own worklists,
only "my open episodes" has content; the others are listed, empty, so the page is stable."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.episodes.models import Episode


@dataclass
class Worklist:
    key: str
    title: str
    empty_text: str
    episodes: list[Episode] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.episodes)


def my_open_episodes(db_session: Session, user: User) -> list[Episode]:
    return list(
        db_session.scalars(
            select(Episode)
            .where(
                Episode.closed_at.is_(None),
                or_(
                    Episode.assessor_id == user.id,
                    Episode.lead_professional_id == user.id,
                    Episode.coordinator_id == user.id,
                ),
            )
            .order_by(Episode.opened_at.desc())
            .limit(200)
        )
    )


def worklists_for(db_session: Session, user: User) -> list[Worklist]:
    return [
        Worklist(
            "my-open-episodes",
            "My open episodes",
            "You have no open CAF episodes.",
            my_open_episodes(db_session, user),
        ),
        Worklist("reviews-due", "Reviews due and overdue", "No reviews are due."),
        Worklist("awaiting-my-approval", "Awaiting my approval", "Nothing is waiting for you."),
        Worklist("awaiting-quality-check", "Awaiting quality check", "Nothing is waiting for you."),
    ]
