"""Quarterly access reviews. Once a quarter has ended, a manager of each team reviews what
the team's members looked at in it (searches, records opened, documents produced or
downloaded, urgent access, each member's count read from the audit trail through its
actor-and-time index) and the access alerts raised about them, and attests that the access
was appropriate, or that it was not and why: the borough's CAF contacts are then told.

A review is overdue once the borough's `access_review_days` have passed after the quarter's
end; it then shows as overdue to the team's managers and the borough's CAF contacts, and
`flask --app webapp caf access-reviews remind` (cron) e-mails the managers, once per team
and quarter. An attestation is kept with what was in front of the manager and never
changes."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Borough, Organisation, Team
from webapp.db import utcnow
from webapp.episodes.models import Notification
from webapp.episodes.recipients import caf_contacts
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.monitoring.alert_models import AccessAlert
from webapp.monitoring.history import kind_condition
from webapp.monitoring.kinds import DOCUMENT_ACTIONS, SEARCHED, AccessKind
from webapp.monitoring.review_models import AccessReview

COMMENT_MAX = 2000
MIN_DAYS, MAX_DAYS = 1, 92
NOT_APPROPRIATE_KIND = "access_review_not_appropriate"
OVERDUE_KIND = "access_review_overdue"  # a notification's kind: OVERDUE_KIND:team:quarter
URGENT_ACCESS = "break_glass.granted"
MONTHS = [date(2000, month, 1).strftime("%B") for month in range(1, 13)]


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, named in addresses as "2026-q3"."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        match = re.fullmatch(r"(\d{4})-q([1-4])", key)
        if not match or not 2000 <= int(match[1]) <= 2999:
            return None
        return cls(int(match[1]), int(match[2]))

    @property
    def key(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return self.following.start

    @property
    def following(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def before(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def title(self) -> str:
        first, last = MONTHS[3 * self.number - 3], MONTHS[3 * self.number - 1]
        return f"{first} to {last} {self.year}"

    def due_on(self, borough: Borough) -> date:
        """The last day to review it without being overdue."""
        return self.end + timedelta(days=borough.access_review_days - 1)

    def has_ended(self, today: date) -> bool:
        return self.end <= today


def today() -> date:
    """Today, in UTC (as the audit trail's times are)."""
    return utcnow().date()


def quarter_of(review: AccessReview) -> Quarter:
    return Quarter.containing(review.quarter_start)


def last_ended(today: date) -> Quarter:
    return Quarter.containing(today).before


@dataclass(frozen=True)
class MemberCounts:
    user_id: int
    name: str
    searches: int = 0
    records_opened: int = 0
    documents: int = 0
    urgent_access: int = 0
    alerts: int = 0


@dataclass(frozen=True)
class Summary:
    quarter: Quarter
    members: list[MemberCounts]
    alerts: list[AccessAlert]
    people: dict[int, User]

    def as_json(self) -> str:
        return json.dumps(
            {
                "quarter": self.quarter.key,
                "members": [asdict(member) for member in self.members],
                "alerts": [
                    {
                        "id": alert.id,
                        "user_id": alert.user_id,
                        "rule": alert.rule,
                        "outcome": alert.outcome.value if alert.outcome else None,
                    }
                    for alert in self.alerts
                ],
            }
        )


def managers_of(db_session: Session, team: Team) -> list[User]:
    return list(
        db_session.scalars(
            select(User)
            .where(
                User.team_id == team.id,
                User.active.is_(True),
                User.role_grants.any(UserRole.role == Role.MANAGER),
            )
            .order_by(User.id)
        )
    )


def members(db_session: Session, team: Team, reviewer: User | None = None) -> list[User]:
    """The team's members whose access is reviewed: everyone in it but the reviewer, whose
    own access their manager, or the CAF contact, looks at."""
    statement = select(User).where(User.team_id == team.id)
    if reviewer is not None:
        statement = statement.where(User.id != reviewer.id)
    return list(db_session.scalars(statement.order_by(User.full_name, User.id)))


def summarise(db_session: Session, team: Team, quarter: Quarter, reviewer: User) -> Summary:
    """What the team's members did in the quarter, each counted in one grouped read of the
    audit trail, and the alerts raised about them in it."""
    people = members(db_session, team, reviewer)
    ids = [person.id for person in people]
    in_quarter = and_(AuditEvent.occurred_at >= quarter.start, AuditEvent.occurred_at < quarter.end)
    counted = {}
    if ids:
        page_of_episode = and_(kind_condition(AccessKind.PAGE), AuditEvent.episode_id.is_not(None))
        counted = {
            row.actor_id: row
            for row in db_session.execute(
                select(
                    AuditEvent.actor_id,
                    func.sum(case((AuditEvent.action == SEARCHED, 1), else_=0)).label("searches"),
                    func.count(func.distinct(case((page_of_episode, AuditEvent.episode_id)))).label(
                        "records"
                    ),
                    func.sum(case((AuditEvent.action.in_(DOCUMENT_ACTIONS), 1), else_=0)).label(
                        "documents"
                    ),
                    func.sum(case((AuditEvent.action == URGENT_ACCESS, 1), else_=0)).label(
                        "urgent"
                    ),
                )
                .where(AuditEvent.actor_id.in_(ids), in_quarter)
                .group_by(AuditEvent.actor_id)
            )
        }
    alerts = (
        list(
            db_session.scalars(
                select(AccessAlert)
                .where(
                    AccessAlert.user_id.in_(ids),
                    AccessAlert.raised_at >= quarter.start,
                    AccessAlert.raised_at < quarter.end,
                )
                .order_by(AccessAlert.raised_at, AccessAlert.id)
            )
        )
        if ids
        else []
    )
    alerts_of: dict[int, int] = {}
    for alert in alerts:
        alerts_of[alert.user_id] = alerts_of.get(alert.user_id, 0) + 1
    rows = []
    for person in people:
        row = counted.get(person.id)
        rows.append(
            MemberCounts(
                person.id,
                person.full_name,
                int(row.searches or 0) if row else 0,
                int(row.records or 0) if row else 0,
                int(row.documents or 0) if row else 0,
                int(row.urgent or 0) if row else 0,
                alerts_of.get(person.id, 0),
            )
        )
    return Summary(quarter, rows, alerts, {person.id: person for person in people})


def find(db_session: Session, team: Team, quarter: Quarter) -> AccessReview | None:
    return db_session.scalars(
        select(AccessReview).where(
            AccessReview.team_id == team.id, AccessReview.quarter_start == quarter.start
        )
    ).first()


class AlreadyAttested(Exception):
    """Another manager of the team attested the quarter first."""


class QuarterNotOver(Exception):
    pass


def attest(
    db_session: Session,
    team: Team,
    quarter: Quarter,
    manager: User,
    appropriate: bool,
    comment: str,
    today: date,
    client_address: str = "",
) -> AccessReview:
    """Record the manager's attestation, with the summary in front of them, audited; tell
    the borough's CAF contacts when access was not appropriate. In the caller's transaction."""
    if not quarter.has_ended(today):
        raise QuarterNotOver
    summary = summarise(db_session, team, quarter, manager)
    review = AccessReview(
        borough_id=team.organisation.borough_id,
        team_id=team.id,
        quarter_start=quarter.start,
        appropriate=appropriate,
        comment=comment,
        summary=summary.as_json(),
        attested_by_id=manager.id,
    )
    try:
        with db_session.begin_nested():
            db_session.add(review)
            db_session.flush()
    except IntegrityError as taken:
        raise AlreadyAttested from taken
    audit.record_about(
        db_session,
        "monitoring.access_review_attested",
        review,
        manager,
        client_address,
        team=team.id,
        quarter=quarter.key,
        appropriate=appropriate,
        comment=comment,
        members=len(summary.members),
        alerts=len(summary.alerts),
    )
    if not appropriate:
        _tell_caf_contacts(db_session, review, team, quarter, manager)
    return review


def _tell_caf_contacts(
    db_session: Session, review: AccessReview, team: Team, quarter: Quarter, manager: User
) -> None:
    text = (
        f"{manager.full_name} found that access by the team {team.name} "
        f"({team.organisation.name}) in {quarter.title} was not appropriate. Read the review."
    )
    for contact in caf_contacts(db_session, review.borough_id):
        if contact.id != manager.id:
            db_session.add(
                Notification(user_id=contact.id, kind=NOT_APPROPRIATE_KIND, message=text)
            )


@dataclass(frozen=True)
class Due:
    """A team's review of a quarter, for a worklist."""

    team: Team
    quarter: Quarter
    due_on: date
    review: AccessReview | None

    @property
    def is_attested(self) -> bool:
        return self.review is not None

    def is_overdue(self, today: date) -> bool:
        return self.review is None and today > self.due_on


def _teams_with_managers(db_session: Session, borough_id: int) -> list[Team]:
    managed = select(User.team_id).where(
        User.active.is_(True), User.role_grants.any(UserRole.role == Role.MANAGER)
    )
    return list(
        db_session.scalars(
            select(Team)
            .join(Organisation, Organisation.id == Team.organisation_id)
            .where(Organisation.borough_id == borough_id, Team.id.in_(managed))
            .order_by(Organisation.name, Team.name)
        )
    )


def _due(db_session: Session, teams: list[Team], quarter: Quarter) -> list[Due]:
    if not teams:
        return []
    reviews = {
        review.team_id: review
        for review in db_session.scalars(
            select(AccessReview).where(
                AccessReview.team_id.in_([team.id for team in teams]),
                AccessReview.quarter_start == quarter.start,
            )
        )
    }
    return [
        Due(team, quarter, quarter.due_on(team.organisation.borough), reviews.get(team.id))
        for team in teams
    ]


def manager_worklist(db_session: Session, manager: User, today: date) -> list[Due]:
    """The manager's team's review of the last quarter that has ended."""
    if manager.team is None:
        return []
    return _due(db_session, [manager.team], last_ended(today))


def borough_worklist(db_session: Session, borough_id: int, today: date) -> list[Due]:
    """Every team of the borough with a manager, for the last quarter that has ended."""
    return _due(db_session, _teams_with_managers(db_session, borough_id), last_ended(today))


def not_appropriate(db_session: Session, borough_id: int, since: date) -> list[AccessReview]:
    """The borough's reviews that found access not appropriate, newest first."""
    return list(
        db_session.scalars(
            select(AccessReview)
            .where(
                AccessReview.borough_id == borough_id,
                AccessReview.quarter_start >= since,
                AccessReview.appropriate.is_(False),
            )
            .order_by(AccessReview.attested_at.desc())
        )
    )


class DaysInvalid(ValueError):
    pass


def set_overdue_days(
    db_session: Session, borough: Borough, days: int, changed_by: User, client_address: str = ""
) -> None:
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise DaysInvalid(f"The number of days must be between {MIN_DAYS} and {MAX_DAYS}")
    before = borough.access_review_days
    borough.access_review_days = days
    audit.record_about(
        db_session,
        "monitoring.access_review_days_set",
        borough,
        changed_by,
        client_address,
        before=before,
        after=days,
    )


def overdue_kind(team: Team, quarter: Quarter) -> str:
    return f"{OVERDUE_KIND}:{team.id}:{quarter.key}"


def remind(db_session: Session, today: date) -> list[int]:
    """Remind the managers of every team whose review of the last quarter is overdue, once
    per manager, team and quarter: a notification, audited, and an e-mail queued with it.
    Returns the queued messages' ids; the caller commits, then delivers them."""
    queued = []
    quarter = last_ended(today)
    for borough_id in db_session.scalars(select(Borough.id).order_by(Borough.id)):
        for due in borough_worklist(db_session, borough_id, today):
            if not due.is_overdue(today):
                continue
            kind = overdue_kind(due.team, quarter)
            told = set(
                db_session.scalars(select(Notification.user_id).where(Notification.kind == kind))
            )
            for manager in managers_of(db_session, due.team):
                if manager.id in told:
                    continue
                queued.append(_remind(db_session, due, manager, kind).id)
    return queued


def _remind(db_session: Session, due: Due, manager: User, kind: str):
    text = (
        f"The review of the access of the team {due.team.name} in {due.quarter.title} is "
        f"overdue: it was due by {due.due_on:%-d %B %Y}."
    )
    db_session.add(Notification(user_id=manager.id, kind=kind, message=text))
    audit.record_about(
        db_session,
        "monitoring.access_review_reminded",
        due.team,
        None,
        quarter=due.quarter.key,
        recipient_id=manager.id,
    )
    message = messages.compose(
        MailKind.ACCESS_REVIEW_OVERDUE,
        full_name=manager.full_name,
        team_name=due.team.name,
        quarter=due.quarter.title,
        due_on=f"{due.due_on:%-d %B %Y}",
        review_link=messages.link(
            "access_reviews.show", team_id=due.team.id, quarter_key=due.quarter.key
        ),
    )
    queued = outbox.queue(db_session, message, manager.email, recipient_user_id=manager.id)
    db_session.flush()
    return queued
