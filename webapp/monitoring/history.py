"""Access histories read from the audit trail: who looked at one child's records, and what
one person looked at. Every query reaches the trail through an index: the event's child,
its episode, the searches' hits (webapp/monitoring/models.py), or its actor, each with the
time (migration 0023m)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, not_, or_, select, union
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.children.models import Child
from webapp.episodes.models import Episode
from webapp.monitoring import kinds
from webapp.monitoring.kinds import AccessKind
from webapp.monitoring.models import BreakGlassGrant, SearchHit

PAGE_SIZE = 100
EXPORT_LIMIT = 100_000
# What a search led to, if it led anywhere: starting a CAF needs the child found in the
# last hour (webapp/children/index.py), so an hour is where "nothing followed" begins.
FOLLOW_UP_WINDOW = timedelta(hours=1)
FOLLOW_UPS = {
    "episode.opened": "Started a CAF",
    "tac.join_requested": "Asked to join the team around the child",
    "break_glass.granted": "Took urgent access",
}
NOTHING_FOLLOWED = "Nothing followed"


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    actor_id: int | None = None
    kind: AccessKind | None = None

    def described(self) -> dict[str, object]:
        return {
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
            "person": self.actor_id,
            "kind": self.kind.value if self.kind else None,
        }


@dataclass
class Entry:
    event: AuditEvent
    kind: AccessKind
    description: str
    actor: User | None
    reason: str
    episode_reference: str | None
    child_id: int | None
    results: int | None = None
    followed: list[str] = field(default_factory=list)


@dataclass
class Page:
    entries: list[Entry]
    number: int
    has_more: bool


def _not_erased() -> ColumnElement[bool]:
    """The events of an episode erased after a refusal of consent to record stay in the
    append-only trail, but nothing of that CAF may be shown (guidance 4.18)."""
    return or_(
        AuditEvent.episode_id.is_(None),
        exists().where(Episode.id == AuditEvent.episode_id),
    )


def kind_condition(kind: AccessKind) -> ColumnElement[bool]:
    """`kinds.kind_of` as SQL, each kind excluding those it gives way to."""
    action = AuditEvent.action
    search = action == kinds.SEARCHED
    urgent = action.like("break\\_glass.%", escape="\\")
    document = action.in_(kinds.DOCUMENT_ACTIONS)
    refused = action.like("%refused%")
    page = or_(action.in_(kinds.PAGE_ACTIONS), action.like("%viewed"), action.like("%listed"))
    conditions = {
        AccessKind.SEARCH: search,
        AccessKind.URGENT: urgent,
        AccessKind.DOCUMENT: and_(document, not_(search), not_(urgent)),
        AccessKind.REFUSED: and_(refused, not_(or_(search, urgent, document))),
        AccessKind.PAGE: and_(page, not_(or_(search, urgent, document, refused))),
        AccessKind.CHANGE: not_(or_(search, urgent, document, refused, page)),
    }
    return conditions[kind]


def _filtered(statement: Select, filters: Filters) -> Select:
    if filters.since:
        statement = statement.where(
            AuditEvent.occurred_at >= datetime.combine(filters.since, time())
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time())
        statement = statement.where(AuditEvent.occurred_at < end)
    if filters.actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == filters.actor_id)
    if filters.kind is not None:
        statement = statement.where(kind_condition(filters.kind))
    return statement


def _about_child(child: Child) -> ColumnElement[bool]:
    """The child's events: those naming them, those of their episodes, and the searches
    that returned them. Each of the three is found through its own index and their ids put
    together first, so that the database reads as many events as the child has, whatever
    the size of the trail (an OR of the three tempted PostgreSQL to read the whole trail)."""
    events_of_child = union(
        select(AuditEvent.id).where(AuditEvent.child_id == child.id),
        select(AuditEvent.id).where(
            AuditEvent.episode_id.in_(select(Episode.id).where(Episode.child_id == child.id))
        ),
        select(SearchHit.event_id).where(SearchHit.child_id == child.id),
    )
    return and_(AuditEvent.id.in_(events_of_child), _not_erased())


def _by_person(person: User) -> ColumnElement[bool]:
    """The person's events about children: searches, and anything naming a child or an
    episode (their sign-ins and the like are not access to records)."""
    return and_(
        AuditEvent.actor_id == person.id,
        or_(
            AuditEvent.child_id.is_not(None),
            AuditEvent.episode_id.is_not(None),
            AuditEvent.action.in_((kinds.SEARCHED, "child_index.search_refused")),
        ),
        _not_erased(),
    )


def _events(
    db_session: Session, condition: ColumnElement[bool], filters: Filters, offset: int, limit: int
) -> list[AuditEvent]:
    statement = _filtered(select(AuditEvent).where(condition), filters)
    return list(
        db_session.scalars(
            statement.order_by(AuditEvent.occurred_at, AuditEvent.id).offset(offset).limit(limit)
        )
    )


def _child_events(
    db_session: Session, child: Child, filters: Filters, offset: int, limit: int
) -> list[AuditEvent]:
    """The child's events in time order, from `offset`. The first `offset + limit` of each
    source are read through its index in time order: those naming the child (child_id,
    occurred_at), those of each of their episodes (episode_id, occurred_at), and the searches
    that returned them (the hits' child_id, occurred_at); the page is the first of those put
    together, so that a page costs the same however many events the child or the trail has.
    An event in two sources (an episode's naming the child) is one."""
    wanted = offset + limit
    episode_ids = db_session.scalars(select(Episode.id).where(Episode.child_id == child.id))
    sources = [
        _filtered(
            select(AuditEvent.id).where(AuditEvent.child_id == child.id, _not_erased()), filters
        ).order_by(AuditEvent.occurred_at, AuditEvent.id),
        *(
            _filtered(
                select(AuditEvent.id).where(AuditEvent.episode_id == episode_id), filters
            ).order_by(AuditEvent.occurred_at, AuditEvent.id)
            for episode_id in episode_ids
        ),
        _filtered(
            select(AuditEvent.id)
            .join(SearchHit, SearchHit.event_id == AuditEvent.id)
            .where(SearchHit.child_id == child.id, _not_erased()),
            filters,
        ).order_by(SearchHit.occurred_at, SearchHit.event_id),
    ]
    firsts = [source.limit(wanted).subquery() for source in sources]
    ids = union(*(select(first.c.id) for first in firsts)).subquery()
    return list(
        db_session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id.in_(select(ids.c.id)))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
            .offset(offset)
            .limit(limit)
        )
    )


def child_page(db_session: Session, child: Child, filters: Filters, number: int = 1) -> Page:
    events = _child_events(db_session, child, filters, (number - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    entries = _entries(db_session, events[:PAGE_SIZE], _grants_of_child(db_session, child))
    return Page(entries, number, len(events) > PAGE_SIZE)


def child_export(db_session: Session, child: Child, filters: Filters) -> list[Entry]:
    events = _child_events(db_session, child, filters, 0, EXPORT_LIMIT)
    return _entries(db_session, events, _grants_of_child(db_session, child))


def person_page(db_session: Session, person: User, filters: Filters, number: int = 1) -> Page:
    events = _events(
        db_session, _by_person(person), filters, (number - 1) * PAGE_SIZE, PAGE_SIZE + 1
    )
    entries = _entries(db_session, events[:PAGE_SIZE], _grants_of_person(db_session, person))
    _follow_searches(db_session, person, entries)
    return Page(entries, number, len(events) > PAGE_SIZE)


def people_in_child_history(db_session: Session, child: Child) -> list[User]:
    """Everyone who appears in the child's history, for the filter by person."""
    actor_ids = select(AuditEvent.actor_id).where(_about_child(child)).distinct()
    return list(
        db_session.scalars(select(User).where(User.id.in_(actor_ids)).order_by(User.full_name))
    )


def _grants_of_child(db_session: Session, child: Child) -> list[BreakGlassGrant]:
    return list(
        db_session.scalars(select(BreakGlassGrant).where(BreakGlassGrant.child_id == child.id))
    )


def _grants_of_person(db_session: Session, person: User) -> list[BreakGlassGrant]:
    return list(
        db_session.scalars(select(BreakGlassGrant).where(BreakGlassGrant.user_id == person.id))
    )


def _reason(event: AuditEvent, detail: dict, grants: Sequence[BreakGlassGrant]) -> str:
    """The reason the person gave: the event's own (a search's, urgent access's), or, for
    what they read under urgent access, the reason they gave for it."""
    stated = detail.get("reason")
    if isinstance(stated, str) and stated and event.action != "access.refused":
        return stated
    for grant in grants:
        if (
            grant.user_id == event.actor_id
            and grant.episode_id == event.episode_id
            and grant.granted_at <= event.occurred_at <= grant.expires_at
        ):
            return f"Urgent access: {grant.reason}"
    return ""


def _entries(
    db_session: Session, events: list[AuditEvent], grants: Sequence[BreakGlassGrant]
) -> list[Entry]:
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = (
        {user.id: user for user in db_session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    episode_ids = {event.episode_id for event in events if event.episode_id is not None}
    references = (
        dict(
            db_session.execute(
                select(Episode.id, Episode.reference).where(Episode.id.in_(episode_ids))
            ).all()
        )
        if episode_ids
        else {}
    )
    entries = []
    for event in events:
        detail = json.loads(event.detail or "{}")
        results = detail.get("results") if event.action == kinds.SEARCHED else None
        entries.append(
            Entry(
                event=event,
                kind=kinds.kind_of(event.action),
                description=kinds.describe(event.action),
                actor=actors.get(event.actor_id) if event.actor_id else None,
                reason=_reason(event, detail, grants),
                episode_reference=references.get(event.episode_id) if event.episode_id else None,
                child_id=event.child_id,
                results=len(results) if isinstance(results, list) else None,
            )
        )
    return entries


def _follow_searches(db_session: Session, person: User, entries: list[Entry]) -> None:
    """Say, for each search, what the person did next with a child it returned."""
    searches = [entry for entry in entries if entry.kind is AccessKind.SEARCH]
    if not searches:
        return
    hits: dict[int, set[int]] = {}
    for event_id, child_id in db_session.execute(
        select(SearchHit.event_id, SearchHit.child_id).where(
            SearchHit.event_id.in_([entry.event.id for entry in searches])
        )
    ):
        hits.setdefault(event_id, set()).add(child_id)
    children = set().union(*hits.values()) if hits else set()
    first = min(entry.event.occurred_at for entry in searches)
    last = max(entry.event.occurred_at for entry in searches) + FOLLOW_UP_WINDOW
    later = (
        list(
            db_session.execute(
                select(AuditEvent.action, AuditEvent.child_id, AuditEvent.occurred_at).where(
                    AuditEvent.actor_id == person.id,
                    AuditEvent.action.in_(FOLLOW_UPS),
                    AuditEvent.child_id.in_(children),
                    AuditEvent.occurred_at >= first,
                    AuditEvent.occurred_at <= last,
                )
            )
        )
        if children
        else []
    )
    for entry in searches:
        found = hits.get(entry.event.id, set())
        start = entry.event.occurred_at
        followed = {
            FOLLOW_UPS[action]
            for action, child_id, occurred_at in later
            if child_id in found and start <= occurred_at <= start + FOLLOW_UP_WINDOW
        }
        entry.followed = sorted(followed) or [NOTHING_FOLLOWED]
