"""Whose episodes a person's reports count: deny by default.

A manager counts their team's episodes (those its practitioners assess or lead, as the
access policy has it: webapp/access/relationships.py); a borough CAF contact or a borough
administrator their borough's; a system administrator every borough's. The scope comes from
the account alone, never from the request, so no address can widen it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.episodes.models import Episode
from webapp.reports.suppression import DEFAULT_THRESHOLD


class ScopeKind:
    TEAM = "team"
    BOROUGH = "borough"
    ALL_BOROUGHS = "all_boroughs"


@dataclass(frozen=True)
class Scope:
    kind: str
    #: Whose episodes it counts: (kind, the team's or borough's id); scopes with the same
    #: identity count the same episodes.
    identity: tuple[str, int | None]
    title: str
    #: True for the episodes counted.
    episodes: ColumnElement[bool]
    threshold: int
    #: Waiting times are figures about few episodes each: not for the national view,
    #: which shows counts only.
    counts_only: bool = False
    #: Whether the report can be cut by borough (the national view).
    by_borough: bool = False
    #: A manager in no team counts nothing.
    empty: bool = False


def _threshold(db_session: Session, borough_id: int | None) -> int:
    """The borough's suppression threshold; for every borough, the strictest of them;
    never below the national default."""
    statement = select(func.max(Borough.report_threshold))
    if borough_id is not None:
        statement = statement.where(Borough.id == borough_id)
    value = db_session.scalar(statement)
    return max(value or DEFAULT_THRESHOLD, DEFAULT_THRESHOLD)


def scope_for(db_session: Session, user: User) -> Scope | None:
    """What `user` may count, or None when they may see no reports."""
    if user.has_role(Role.SYSTEM_ADMIN):
        return Scope(
            ScopeKind.ALL_BOROUGHS,
            (ScopeKind.ALL_BOROUGHS, None),
            "Every borough",
            true(),
            _threshold(db_session, None),
            counts_only=True,
            by_borough=True,
        )
    if user.has_role(Role.BOROUGH_CAF_CONTACT) or user.has_role(Role.BOROUGH_ADMIN):
        return Scope(
            ScopeKind.BOROUGH,
            (ScopeKind.BOROUGH, user.borough_id),
            user.borough.name,
            Episode.borough_id == user.borough_id,
            _threshold(db_session, user.borough_id),
        )
    if user.has_role(Role.MANAGER):
        threshold = _threshold(db_session, user.borough_id)
        if user.team_id is None:
            return Scope(
                ScopeKind.TEAM, (ScopeKind.TEAM, None), "No team", false(), threshold, empty=True
            )
        team = select(User.id).where(User.team_id == user.team_id).scalar_subquery()
        return Scope(
            ScopeKind.TEAM,
            (ScopeKind.TEAM, user.team_id),
            f"{user.team.name}, {user.team.organisation.name}",
            or_(Episode.assessor_id.in_(team), Episode.lead_professional_id.in_(team)),
            threshold,
        )
    return None
