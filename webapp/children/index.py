"""The child index (the successor of ContactPoint): find a child from a few details, and say
whether a CAF exists and who is working with them. Never assessment content (DESIGN §3)."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from webapp.access.permissions import Role
from webapp.access.policy import may_see_shielded_details
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Borough, Organisation
from webapp.children import matching
from webapp.children.models import Child
from webapp.db import utcnow
from webapp.episodes.models import Episode, SocialCareInvolvement
from webapp.monitoring import searches

CANDIDATE_LIMIT = 500
RESULT_LIMIT = 20
MATCH_THRESHOLD = 0.6


@dataclass(frozen=True)
class Worker:
    user_id: int
    name: str
    role: str
    organisation: str
    email: str
    phone: str


@dataclass(frozen=True)
class CafSummary:
    """What the index says of one CAF episode: when and by whom it was started, where, and
    whether it is open. Never its content."""

    opened_at: datetime
    is_open: bool
    started_by: str  # "" when the assessor is not recorded
    borough: str
    workers: tuple[Worker, ...]  # of an open episode: lead professional, assessor, coordinator
    # Is children's social care involved, or has it been, as recorded on this CAF (None:
    # not asked when it started).
    social_care: SocialCareInvolvement | None = None


@dataclass(frozen=True)
class SocialCareAnswer:
    answer: SocialCareInvolvement
    opened_at: datetime


@dataclass
class Result:
    child: Child
    score: float
    episodes: list[CafSummary] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    details_hidden: bool = False
    #: How the child differs from what was searched for (matching.differences); empty for
    #: a child who matches every detail given.
    differences: tuple[str, ...] = ()

    @property
    def open_episode(self) -> CafSummary | None:
        return next((episode for episode in self.episodes if episode.is_open), None)

    @property
    def social_care(self) -> SocialCareAnswer | None:
        """Whether children's social care is or has been involved: "yes" on any of the
        child's CAFs (the newest such), else the newest CAF's answer."""
        answered = [episode for episode in self.episodes if episode.social_care is not None]
        involved = [e for e in answered if e.social_care is SocialCareInvolvement.YES]
        chosen = (involved or answered or [None])[0]  # episodes are newest first
        return SocialCareAnswer(chosen.social_care, chosen.opened_at) if chosen else None


class SearchLimitReached(Exception):
    pass


def searches_in_last_hour(db_session: Session, user: User, up_to: int | None = None) -> int:
    """How many searches the user made in the last hour, counting no further than `up_to`
    (the limit), so the check costs the same however many events the audit trail holds."""
    return db_session.scalar(
        _recent_searches_statement(),
        {
            "actor_id": user.id,
            "since": utcnow() - timedelta(hours=1),
            "up_to": up_to if up_to is not None else 2**31 - 1,
        },
    )


def child_found_recently(db_session: Session, user_id: int, child_id: int) -> bool:
    """Was the child in one of this user's own search results in the last hour? Starting a
    CAF, or a children's centre registration, goes through the index."""
    since = utcnow() - timedelta(hours=1)
    details = db_session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.actor_id == user_id,
            AuditEvent.action == "child_index.searched",
            AuditEvent.occurred_at >= since,
        )
    )
    return any(child_id in json.loads(detail).get("results", []) for detail in details)


# Statements are built once per shape and reused: building and caching a statement costs
# SQLAlchemy several times what running it costs.


@lru_cache(maxsize=1)
def _recent_searches_statement() -> Select:
    recent = (
        select(AuditEvent.id)
        .where(
            AuditEvent.actor_id == bindparam("actor_id"),
            AuditEvent.action == "child_index.searched",
            AuditEvent.occurred_at >= bindparam("since"),
        )
        .limit(bindparam("up_to", type_=Integer))
        .subquery()
    )
    return select(func.count()).select_from(recent)


class Shape(NamedTuple):
    """Which keys a query has, and how many of each: queries of one shape share a statement."""

    reference: bool
    family_sound: bool
    given_sounds: int
    dates: int
    postcode: bool
    same_day_dates: int  # 0: no date given


@dataclass(frozen=True)
class LookupKeys:
    """The keys a query is looked up by (see matching.search_keys for the stored ones)."""

    reference: str = ""
    family_sound: str = ""
    given_sounds: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    postcode: str = ""
    # For a mistyped day or month: the month asked for, and the same day in other months.
    month: tuple[date, date] | None = None
    same_day_dates: tuple[date, ...] = ()

    @classmethod
    def of(cls, query: matching.Query) -> LookupKeys:
        dates: tuple[date, ...] = ()
        month, same_day = None, ()
        born = query.date_of_birth
        if born:
            swapped = matching.transposed(born)
            dates = (born, swapped) if swapped else (born,)
            last_day = calendar.monthrange(born.year, born.month)[1]
            month = (born.replace(day=1), born.replace(day=last_day))
            same_day = tuple(
                date(born.year, other, born.day)
                for other in range(1, 13)
                if other != born.month and born.day <= calendar.monthrange(born.year, other)[1]
            )
        return cls(
            reference=matching.reference_key(query.reference),
            family_sound=matching.soundex(query.family_name) if query.family_name else "",
            given_sounds=tuple(sorted(matching.given_name_sounds(query.given_name))),
            dates=dates,
            postcode=matching.postcode_key(query.postcode),
            month=month,
            same_day_dates=same_day,
        )

    @property
    def shape(self) -> Shape:
        return Shape(
            bool(self.reference),
            bool(self.family_sound),
            len(self.given_sounds),
            len(self.dates),
            bool(self.postcode),
            len(self.same_day_dates),
        )

    def parameters(self) -> dict[str, object]:
        values: dict[str, object] = {
            "reference": self.reference,
            "family_sound": self.family_sound,
            "postcode": self.postcode,
        }
        values.update({f"date_{n}": value for n, value in enumerate(self.dates)})
        values.update({f"given_sound_{n}": sound for n, sound in enumerate(self.given_sounds)})
        if self.month is not None:
            values.update(month_start=self.month[0], month_end=self.month[1])
        values.update({f"same_day_{n}": value for n, value in enumerate(self.same_day_dates)})
        return values


def lookups(shape: Shape) -> list[ColumnElement[bool]]:
    """The candidate lookups for a query of this shape, most telling first. Each is a
    combination of keys that one composite index answers (see Child.__table_args__),
    selective enough for a national index of about 12 million children:

    - the reference;
    - family name sound and date of birth (or the day/month transposed date);
    - date of birth and given name sound (including the name's everyday variants), for a
      family name misspelt beyond its soundex, changed or given as another name;
    - the postcode (never of a shielded child, for anyone who may not see its address);
    - family and given name sounds, born in the month asked for (a mistyped day) or on the
      same day of another month of that year (a mistyped month) when a date is given, or
      at any time when none is.

    A single key alone (every Smith, every child born on one day) is never looked up: at
    national scale it matches thousands of children."""
    dates = [bindparam(f"date_{n}", type_=Date) for n in range(shape.dates)]
    sounds = [bindparam(f"given_sound_{n}", type_=String) for n in range(shape.given_sounds)]
    family = bindparam("family_sound", type_=String)
    found: list[ColumnElement[bool]] = []
    if shape.reference:
        found.append(Child.reference_key == bindparam("reference", type_=String))
    if shape.family_sound and dates:
        found.append(and_(Child.family_name_sound == family, Child.born_on.in_(dates)))
    if sounds and dates:
        found.append(and_(Child.born_on.in_(dates), Child.given_name_sound.in_(sounds)))
    if shape.postcode:
        # An address-derived key never selects a shielded child for someone who may not see
        # its address: otherwise a right postcode would confirm where the family lives.
        found.append(
            and_(
                Child.postcode_key == bindparam("postcode", type_=String),
                or_(
                    Child.shielded.is_(False),
                    Child.borough_id == bindparam("shielded_visible_in", type_=Integer),
                ),
            )
        )
    if shape.family_sound and sounds:
        names = and_(Child.family_name_sound == family, Child.given_name_sound.in_(sounds))
        if not dates:
            found.append(names)
        else:
            month = Child.born_on.between(
                bindparam("month_start", type_=Date), bindparam("month_end", type_=Date)
            )
            found.append(and_(names, month))
            same_day = [bindparam(f"same_day_{n}", type_=Date) for n in range(shape.same_day_dates)]
            found.append(and_(names, Child.born_on.in_(same_day)))
    return found


@lru_cache(maxsize=256)
def _candidates_statement(shape: Shape) -> Select | None:
    """One statement for all the lookups: each reads its own index, limited on its own, so a
    crowded one (a very common name) cannot crowd out the others; children found by the more
    telling lookups come first."""
    conditions = lookups(shape)
    if not conditions:
        return None
    limit = bindparam("candidate_limit", type_=Integer)
    arms = [
        select(
            select(Child.id.label("child_id"), literal(rank).label("lookup"))
            .where(condition, Child.merged_into_id.is_(None))
            .limit(limit)
            .subquery()
        )
        for rank, condition in enumerate(conditions)
    ]
    found = union_all(*arms).subquery()
    best = (
        select(found.c.child_id, func.min(found.c.lookup).label("lookup"))
        .group_by(found.c.child_id)
        .subquery()
    )
    return (
        select(Child)
        .join(best, Child.id == best.c.child_id)
        .order_by(best.c.lookup, Child.id)
        .limit(limit)
    )


def candidates(
    db_session: Session, query: matching.Query, shielded_visible_in: int | None = None
) -> list[Child]:
    """Children found by the query's lookups, up to CANDIDATE_LIMIT in all. Address keys
    find shielded children only of the borough `shielded_visible_in` (that of a borough CAF
    contact searching; None for everyone else)."""
    keys = LookupKeys.of(query)
    statement = _candidates_statement(keys.shape)
    if statement is None:
        return []
    parameters = {
        **keys.parameters(),
        "candidate_limit": CANDIDATE_LIMIT,
        "shielded_visible_in": shielded_visible_in if shielded_visible_in is not None else -1,
    }
    return list(db_session.scalars(statement, parameters))


_PEOPLE = (
    ("Lead professional", Episode.lead_professional_id),
    ("Assessor", Episode.assessor_id),
    ("Episode coordinator", Episode.coordinator_id),
)
_ASSESSOR = 1


@lru_cache(maxsize=1)
def _episodes_statement() -> Select:
    """The episodes of the children found, newest first, with their borough and the people
    working on them: one query of plain columns (the index shows a summary, not the
    episode)."""
    columns: list[ColumnElement] = [
        Episode.child_id,
        Episode.opened_at,
        Episode.closed_at,
        Episode.social_care_involvement,
        Borough.name.label("borough"),
    ]
    statement = select().join_from(Episode, Borough, Episode.borough_id == Borough.id)
    for number, (_role, person_id) in enumerate(_PEOPLE):
        person, organisation = aliased(User), aliased(Organisation)
        statement = statement.outerjoin(person, person_id == person.id).outerjoin(
            organisation, person.organisation_id == organisation.id
        )
        columns += [
            person.id.label(f"person_{number}"),
            person.full_name.label(f"person_{number}_name"),
            organisation.name.label(f"person_{number}_organisation"),
            person.email.label(f"person_{number}_email"),
            person.phone.label(f"person_{number}_phone"),
        ]
    return (
        statement.add_columns(*columns)
        .where(
            Episode.child_id.in_(
                [bindparam(f"child_{n}", type_=Integer) for n in range(RESULT_LIMIT)]
            )
        )
        .order_by(Episode.opened_at.desc(), Episode.id.desc())
    )


def _episodes_by_child(db_session: Session, children: list[Child]) -> dict[int, list[CafSummary]]:
    """The episodes of the children found, newest first: one query, or none if no child."""
    by_child: dict[int, list[CafSummary]] = {child.id: [] for child in children}
    if not children:
        return by_child
    # Always RESULT_LIMIT parameters (the list padded with its first id), so the statement's
    # text never changes and PostgreSQL plans it once, not on every search (planning its
    # joins costs several times running it).
    ids = list(by_child)
    padded = ids + ids[:1] * (RESULT_LIMIT - len(ids))
    parameters = {f"child_{n}": child_id for n, child_id in enumerate(padded)}
    for row in db_session.execute(_episodes_statement(), parameters):
        columns = row._mapping
        workers = tuple(
            Worker(
                columns[f"person_{number}"],
                columns[f"person_{number}_name"],
                role,
                columns[f"person_{number}_organisation"],
                columns[f"person_{number}_email"],
                columns[f"person_{number}_phone"],
            )
            for number, (role, _column) in enumerate(_PEOPLE)
            if columns[f"person_{number}"] is not None
        )
        started_by = columns[f"person_{_ASSESSOR}_name"] or ""
        by_child[row.child_id].append(
            CafSummary(
                row.opened_at,
                row.closed_at is None,
                started_by,
                row.borough,
                workers,
                row.social_care_involvement,
            )
        )
    return by_child


def _shielded_visible_in(user: User) -> int | None:
    """The borough whose shielded children's addresses the user may see, if any."""
    return user.borough_id if user.has_role(Role.BOROUGH_CAF_CONTACT) else None


def _score(query: matching.Query, child: Child, address_hidden: bool) -> float:
    """How well the child matches; for a child whose address the user may not see, without
    the address (so a right or wrong postcode changes neither its rank nor its presence)."""
    if address_hidden:
        query = replace(query, postcode="")
    return matching.score(query, child)


def _workers(episodes: list[CafSummary]) -> list[Worker]:
    """Who is working with the child: the people on its open episodes, each once."""
    seen: dict[int, Worker] = {}
    for episode in episodes:
        if episode.is_open:
            for worker in episode.workers:
                seen.setdefault(worker.user_id, worker)
    return list(seen.values())


def search(
    db_session: Session,
    user: User,
    query: matching.Query,
    reason: str,
    limit_per_hour: int,
    client_address: str = "",
) -> list[Result]:
    if searches_in_last_hour(db_session, user, up_to=limit_per_hour) >= limit_per_hour:
        audit.record(
            db_session,
            "child_index.search_refused",
            actor_id=user.id,
            client_address=client_address,
            reason="rate limit",
        )
        raise SearchLimitReached

    def hidden(child: Child) -> bool:
        return child.shielded and not may_see_shielded_details(user, child)

    scored = sorted(
        (
            (_score(query, child, hidden(child)), child)
            for child in candidates(db_session, query, _shielded_visible_in(user))
        ),
        key=lambda pair: (-pair[0], pair[1].family_name, pair[1].id),
    )
    chosen = [(value, child) for value, child in scored[:RESULT_LIMIT] if value >= MATCH_THRESHOLD]
    episodes = _episodes_by_child(db_session, [child for _value, child in chosen])
    results = []
    for value, child in chosen:
        found = episodes[child.id]
        withheld = hidden(child)
        workers = [] if withheld else _workers(found)
        unlike = matching.differences(query, child, address_hidden=withheld)
        results.append(Result(child, value, found, workers, withheld, unlike))
    event = audit.record(
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
    searches.record(db_session, user, event, [result.child for result in results])
    return results
