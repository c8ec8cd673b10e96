"""Who is told about an episode: its team, its lead professional, the managers of its
practitioners and its borough's CAF contacts. Read by workflow effects and by the domain
services that write notifications themselves, so it depends on accounts and the
episode's own models only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.episodes.models import Episode, Notification


def lead_professional_user(episode: Episode) -> User | None:
    """Who is told what the lead professional must know: the lead professional, or the
    practitioner taking the steps of one without an account."""
    if episode.lead_professional is not None:
        return episode.lead_professional
    return episode.acting_for_lead


def team(episode: Episode) -> list[User | None]:
    """The assessor, lead professional, coordinator and every practitioner in the TAC."""
    members = [member.user for member in episode.tac_members if member.is_active and member.user]
    lead = lead_professional_user(episode)
    return [episode.assessor, lead, episode.coordinator, *members]


def managers_of(db_session: Session, episode: Episode) -> list[User]:
    teams = {user.team_id for user in (episode.assessor, episode.lead_professional) if user}
    return list(
        db_session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.MANAGER, User.team_id.in_(teams - {None}))
        )
    )


def caf_contacts(db_session: Session, borough_id: int) -> list[User]:
    """The borough's CAF contacts whose accounts are active, oldest account first."""
    return list(
        db_session.scalars(
            select(User)
            .where(
                User.borough_id == borough_id,
                User.active.is_(True),
                User.role_grants.any(UserRole.role == Role.BOROUGH_CAF_CONTACT),
            )
            .order_by(User.id)
        )
    )


def notify(
    db_session: Session, user_id: int, episode_id: int | None, kind: str, message: str
) -> None:
    """Put `message` on the user's home page, about the episode (or about none)."""
    db_session.add(Notification(user_id=user_id, episode_id=episode_id, kind=kind, message=message))
