"""The child index (the successor of ContactPoint): find a child from a few details, and say
whether a CAF exists and who is working with them. Never assessment content (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.children import matching
from webapp.children.models import Child
from webapp.db import utcnow
from webapp.episodes.models import Episode

CANDIDATE_LIMIT = 500
RESULT_LIMIT = 20
MATCH_THRESHOLD = 0.6


@dataclass
class Worker:
    name: str
    role: str
    organisation: str
    email: str
    phone: str


@dataclass
class Result:
    child: Child
    score: float
    episodes: list[Episode] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    details_hidden: bool = False

    @property
    def open_episode(self) -> Episode | None:
        return next((episode for episode in self.episodes if episode.is_open), None)


class SearchLimitReached(Exception):
    pass


def searches_in_last_hour(db_session: Session, user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.actor_id == user.id,
            AuditEvent.action == "child_index.searched",
            AuditEvent.occurred_at >= since,
        )
    )


def candidates(db_session: Session, query: matching.Query) -> list[Child]:
    """Children sharing at least one indexed key with the query."""
    clauses = []
    if query.reference:
        clauses.append(func.upper(Child.unique_reference) == query.reference.strip().upper())
    if query.family_name:
        clauses.append(Child.family_name_sound == matching.soundex(query.family_name))
        clauses.append(Child.family_name_key == matching.normalise(query.family_name))
    if query.date_of_birth:
        dates = [query.date_of_birth]
        swapped = matching.transposed(query.date_of_birth)
        if swapped:
            dates.append(swapped)
        clauses.append(Child.date_of_birth.in_(dates))
        clauses.append(Child.expected_delivery_date.in_(dates))
    if query.postcode:
        clauses.append(Child.postcode_key == matching.postcode_key(query.postcode))
    if not clauses:
        return []
    return list(db_session.scalars(select(Child).where(or_(*clauses)).limit(CANDIDATE_LIMIT)))


def may_see_shielded_details(user: User, child: Child) -> bool:
    return user.has_role(Role.BOROUGH_CAF_CONTACT) and user.borough_id == child.borough_id


def _workers(episodes: list[Episode]) -> list[Worker]:
    seen: dict[int, Worker] = {}
    for episode in episodes:
        if not episode.is_open:
            continue
        for role, user in (
            ("Lead professional", episode.lead_professional),
            ("Assessor", episode.assessor),
            ("Episode coordinator", episode.coordinator),
        ):
            if user is not None and user.id not in seen:
                seen[user.id] = Worker(
                    user.full_name, role, user.organisation.name, user.email, user.phone
                )
    return list(seen.values())


def search(
    db_session: Session,
    user: User,
    query: matching.Query,
    reason: str,
    limit_per_hour: int,
    client_address: str = "",
) -> list[Result]:
    if searches_in_last_hour(db_session, user) >= limit_per_hour:
        audit.record(
            db_session,
            "child_index.search_refused",
            actor_id=user.id,
            client_address=client_address,
            reason="rate limit",
        )
        raise SearchLimitReached
    scored = sorted(
        ((matching.score(query, child), child) for child in candidates(db_session, query)),
        key=lambda pair: (-pair[0], pair[1].family_name, pair[1].id),
    )
    results = []
    for value, child in scored:
        if value < MATCH_THRESHOLD or len(results) == RESULT_LIMIT:
            break
        episodes = list(
            db_session.scalars(
                select(Episode)
                .where(Episode.child_id == child.id)
                .order_by(Episode.opened_at.desc())
            )
        )
        hidden = child.shielded and not may_see_shielded_details(user, child)
        results.append(Result(child, value, episodes, [] if hidden else _workers(episodes), hidden))
    audit.record(
        db_session,
        "child_index.searched",
        actor_id=user.id,
        client_address=client_address,
        reason=reason,
        given_name=query.given_name,
        family_name=query.family_name,
        date_of_birth=query.date_of_birth,
        postcode=query.postcode,
        reference=query.reference,
        results=[result.child.id for result in results],
    )
    return results
