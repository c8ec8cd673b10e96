"""Alert rules: patterns of access that suggest someone is looking where they should not.
Each rule is code, named here; its threshold (how many matching searches or documents),
window (over how many hours) and whether it runs are data, the national defaults below
tuned by each borough (`AlertSetting`). Rules are checked as each search is recorded, and
each document leaves the service (`init_app`), in its transaction; an alert goes to the
worklist of the CAF contacts of the person's borough, one open alert per person and rule
in a window."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.children.models import Child
from webapp.db import utcnow
from webapp.monitoring import reviews
from webapp.monitoring.alert_models import AccessAlert, AlertOutcome, AlertSetting
from webapp.monitoring.kinds import DOCUMENT_ACTIONS, SEARCHED
from webapp.monitoring.models import SearchHit

# What may follow a search: without one of these, it led nowhere.
FOLLOW_UPS = ("episode.opened", "tac.join_requested", "break_glass.granted")
OTHER_REASON = "Another reason"
# Outside these hours (UTC) a search counts as at an unusual hour.
WORKING_HOURS = range(7, 20)
MAX_THRESHOLD = 1000
MAX_WINDOW_HOURS = 24 * 31


@dataclass(frozen=True)
class Setting:
    threshold: int
    window_hours: int
    enabled: bool = True


def _reason(event: AuditEvent) -> str:
    return str(json.loads(event.detail or "{}").get("reason") or "")


@dataclass(frozen=True)
class Access:
    """The access being recorded (a search, a document), and what the rules read about it."""

    db_session: Session
    user: User
    event: AuditEvent
    children: Sequence[Child]

    @property
    def reason(self) -> str:
        return _reason(self.event)

    def since(self, setting: Setting) -> datetime:
        return self.event.occurred_at - timedelta(hours=setting.window_hours)

    def by_the_user_since(self, setting: Setting) -> tuple[ColumnElement[bool], ...]:
        """The user's search hits in the window: bounded on the event's time as well as the
        hit's (the same), so that the user's events are read through the actor-and-time
        index for the window only, not for all time."""
        since = self.since(setting)
        return (
            AuditEvent.actor_id == self.user.id,
            AuditEvent.occurred_at >= since,
            SearchHit.occurred_at >= since,
        )

    def count_searches_since(self, setting: Setting) -> int:
        """How many searches the user made in the window, counting no further than the
        threshold, so that the check costs the same however busy the user has been."""
        recent = (
            select(AuditEvent.id)
            .where(
                AuditEvent.actor_id == self.user.id,
                AuditEvent.action == SEARCHED,
                AuditEvent.occurred_at >= self.since(setting),
            )
            .limit(setting.threshold)
            .subquery()
        )
        return self.db_session.scalar(select(func.count()).select_from(recent)) or 0

    def searches_since(self, setting: Setting) -> list[AuditEvent]:
        return list(
            self.db_session.scalars(
                select(AuditEvent).where(
                    AuditEvent.actor_id == self.user.id,
                    AuditEvent.action == SEARCHED,
                    AuditEvent.occurred_at >= self.since(setting),
                )
            )
        )


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    #: What it looks for, with {threshold} and {hours} ("24 hours") filled in from the setting.
    looks_for: str
    default: Setting
    #: How many matching accesses there are (this one included), or 0 if this one does
    #: not match (a rule is checked only when the access in hand is of its pattern).
    count: Callable[[Access, Setting], int]
    #: The audit actions it is checked on, and what it counts.
    on: frozenset[str] = frozenset({SEARCHED})
    counts: tuple[str, str] = ("search", "searches")


def _without_follow_up(search: Access, setting: Setting) -> int:
    followed = search.db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.actor_id == search.user.id,
            AuditEvent.action.in_(FOLLOW_UPS),
            AuditEvent.occurred_at >= search.since(setting),
        )
    )
    return 0 if followed else search.count_searches_since(setting)


def _outside_borough(search: Access, setting: Setting) -> int:
    """Searches whose every result was a child of another borough."""
    home = search.user.borough_id
    if not search.children or any(child.borough_id == home for child in search.children):
        return 0
    boroughs: dict[int, set[int]] = {}
    for event_id, borough_id in search.db_session.execute(
        select(SearchHit.event_id, Child.borough_id)
        .join(Child, Child.id == SearchHit.child_id)
        .join(AuditEvent, AuditEvent.id == SearchHit.event_id)
        .where(
            *search.by_the_user_since(setting),
        )
    ):
        boroughs.setdefault(event_id, set()).add(borough_id)
    return sum(1 for found in boroughs.values() if home not in found)


def _shielded(search: Access, setting: Setting) -> int:
    """A shielded child found by someone who may not see their details: the borough CAF
    contact of the child's borough is the one person who may."""

    def hidden(child: Child) -> bool:
        return child.shielded and not (
            search.user.has_role(Role.BOROUGH_CAF_CONTACT)
            and search.user.borough_id == child.borough_id
        )

    if not any(hidden(child) for child in search.children):
        return 0
    shielded_ids = select(Child.id).where(Child.shielded.is_(True))
    if search.user.has_role(Role.BOROUGH_CAF_CONTACT):
        shielded_ids = shielded_ids.where(Child.borough_id != search.user.borough_id)
    return (
        search.db_session.scalar(
            select(func.count(func.distinct(SearchHit.event_id)))
            .join(AuditEvent, AuditEvent.id == SearchHit.event_id)
            .where(
                *search.by_the_user_since(setting),
                SearchHit.child_id.in_(shielded_ids),
            )
        )
        or 0
    )


def _surname(user: User) -> str:
    parts = user.full_name.split()
    return parts[-1].casefold() if parts else ""


def _same_surname(search: Access, setting: Setting) -> int:
    surname = _surname(search.user)
    if not surname or not any(child.family_name.casefold() == surname for child in search.children):
        return 0
    return (
        search.db_session.scalar(
            select(func.count(func.distinct(SearchHit.event_id)))
            .join(AuditEvent, AuditEvent.id == SearchHit.event_id)
            .join(Child, Child.id == SearchHit.child_id)
            .where(
                *search.by_the_user_since(setting),
                func.lower(Child.family_name) == surname,
            )
        )
        or 0
    )


def _unusual_hours(search: Access, setting: Setting) -> int:
    if search.event.occurred_at.hour in WORKING_HOURS:
        return 0
    return sum(
        1 for event in search.searches_since(setting) if event.occurred_at.hour not in WORKING_HOURS
    )


def _other_reasons(search: Access, setting: Setting) -> int:
    if not search.reason.startswith(OTHER_REASON):
        return 0
    return sum(
        1 for event in search.searches_since(setting) if _reason(event).startswith(OTHER_REASON)
    )


def _documents(search: Access, setting: Setting) -> int:
    """Documents produced or downloaded in the window, counting no further than the
    threshold."""
    recent = (
        select(AuditEvent.id)
        .where(
            AuditEvent.actor_id == search.user.id,
            AuditEvent.action.in_(DOCUMENT_ACTIONS),
            AuditEvent.occurred_at >= search.since(setting),
        )
        .limit(setting.threshold)
        .subquery()
    )
    return search.db_session.scalar(select(func.count()).select_from(recent)) or 0


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            "no_follow_up",
            "Many searches with no follow-up",
            "{threshold} or more searches within {hours}, and no CAF started, no "
            "request to join a team and no urgent access in that time",
            Setting(10, 24),
            _without_follow_up,
        ),
        Rule(
            "outside_borough",
            "Searches for children far outside the person's borough",
            "{threshold} or more searches within {hours} that found only children of "
            "other boroughs",
            Setting(3, 24),
            _outside_borough,
        ),
        Rule(
            "shielded_child",
            "Searches that found a shielded child",
            "{threshold} or more searches within {hours} that found a shielded child",
            Setting(1, 24),
            _shielded,
        ),
        Rule(
            "same_surname",
            "Searches for a child who shares the person's surname",
            "{threshold} or more searches within {hours} that found a child with the "
            "person's own family name",
            Setting(1, 24),
            _same_surname,
        ),
        Rule(
            "unusual_hours",
            "Searches at unusual hours",
            "{threshold} or more searches within {hours} made between 20:00 and 07:00 (UTC)",
            Setting(3, 24),
            _unusual_hours,
        ),
        Rule(
            "other_reasons",
            "Repeated \u201canother reason\u201d",
            "{threshold} or more searches within {hours} giving \u201canother reason\u201d",
            Setting(5, 24),
            _other_reasons,
        ),
        Rule(
            "bulk_downloads",
            "Bulk downloads",
            "{threshold} or more documents produced or downloaded within {hours}",
            Setting(20, 1),
            _documents,
            on=DOCUMENT_ACTIONS,
            counts=("document", "documents"),
        ),
    )
}


def settings_for(db_session: Session, borough_id: int) -> dict[str, Setting]:
    """Every rule's setting in the borough: its own where it has tuned one, else the
    national default."""
    tuned = {
        row.rule: Setting(row.threshold, row.window_hours, row.enabled)
        for row in db_session.scalars(
            select(AlertSetting).where(AlertSetting.borough_id == borough_id)
        )
        if row.rule in RULES
    }
    return {key: tuned.get(key, rule.default) for key, rule in RULES.items()}


def hours(count: int) -> str:
    return f"{count} hour" if count == 1 else f"{count} hours"


def describe(rule: Rule, setting: Setting) -> str:
    return rule.looks_for.format(threshold=setting.threshold, hours=hours(setting.window_hours))


class SettingInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def tune(
    db_session: Session,
    changed_by: User,
    rule_key: str,
    setting: Setting,
    client_address: str = "",
) -> None:
    """Set the borough's threshold for a rule, audited with the one it replaces."""
    errors = {}
    if not 1 <= setting.threshold <= MAX_THRESHOLD:
        errors["threshold"] = f"The number of searches must be between 1 and {MAX_THRESHOLD}"
    if not 1 <= setting.window_hours <= MAX_WINDOW_HOURS:
        errors["window_hours"] = f"The number of hours must be between 1 and {MAX_WINDOW_HOURS}"
    if errors:
        raise SettingInvalid(errors)
    borough_id = changed_by.borough_id
    before = settings_for(db_session, borough_id)[rule_key]
    row = db_session.scalars(
        select(AlertSetting).where(
            AlertSetting.borough_id == borough_id, AlertSetting.rule == rule_key
        )
    ).first()
    if row is None:
        row = AlertSetting(borough_id=borough_id, rule=rule_key)
        db_session.add(row)
    row.threshold, row.window_hours, row.enabled = (
        setting.threshold,
        setting.window_hours,
        setting.enabled,
    )
    row.changed_by_id, row.changed_at = changed_by.id, utcnow()
    audit.record(
        db_session,
        "monitoring.alert_rule_tuned",
        actor_id=changed_by.id,
        object_type="alert_rule",
        object_id=rule_key,
        client_address=client_address,
        borough_id=borough_id,
        before=before.__dict__,
        after=setting.__dict__,
    )


def check(
    db_session: Session, user: User, event: AuditEvent, children: Sequence[Child] = ()
) -> list[AccessAlert]:
    """Check the rules on the event's action against an access being recorded (a search,
    with the children it found; a document); raise the alerts it sets off."""
    search = Access(db_session, user, event, children)
    raised = []
    for key, setting in settings_for(db_session, user.borough_id).items():
        rule = RULES[key]
        if not setting.enabled or event.action not in rule.on:
            continue
        found = rule.count(search, setting)
        if found < setting.threshold or _open_alert(db_session, user, key, search.since(setting)):
            continue
        alert = AccessAlert(
            borough_id=user.borough_id,
            user_id=user.id,
            rule=key,
            summary=f"{found} {rule.counts[found != 1]} in {hours(setting.window_hours)}: "
            f"{describe(rule, setting)}.",
            event_id=event.id,
            raised_at=event.occurred_at,
        )
        db_session.add(alert)
        db_session.flush()
        audit.record_about(
            db_session,
            "monitoring.alert_raised",
            alert,
            None,
            rule=key,
            person=user.id,
            threshold=setting.threshold,
            window_hours=setting.window_hours,
            found=found,
        )
        raised.append(alert)
    return raised


def _open_alert(db_session: Session, user: User, rule: str, since: datetime) -> bool:
    return (
        db_session.scalar(
            select(AccessAlert.id)
            .where(
                AccessAlert.user_id == user.id,
                AccessAlert.rule == rule,
                AccessAlert.raised_at >= since,
                AccessAlert.reviewed_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def find(db_session: Session, alert_id: int) -> AccessAlert | None:
    return db_session.get(AccessAlert, alert_id)


def worklist(db_session: Session, reviewer: User) -> list[AccessAlert]:
    """The borough's alerts without an outcome (about others than the reviewer), oldest first."""
    return reviews.waiting(db_session, AccessAlert, reviewer, AccessAlert.raised_at, AccessAlert.id)


def record_outcome(
    db_session: Session,
    alert: AccessAlert,
    reviewer: User,
    outcome: AlertOutcome,
    comment: str,
    client_address: str = "",
) -> None:
    """Record what the alert came to, once (a second reviewer's answer is refused)."""
    reviews.claim(
        db_session,
        alert,
        reviewed_at=utcnow(),
        reviewed_by_id=reviewer.id,
        outcome=outcome,
        outcome_comment=comment,
    )
    audit.record_about(
        db_session,
        "monitoring.alert_reviewed",
        alert,
        reviewer,
        client_address,
        rule=alert.rule,
        person=alert.user_id,
        outcome=outcome.value,
        comment=comment,
    )


def _document_recorded(db_session: Session, event: AuditEvent) -> None:
    user = db_session.get(User, event.actor_id) if event.actor_id is not None else None
    if user is not None:
        check(db_session, user, event)


def init_app(app: Flask) -> None:
    """Check the document rules as each document leaves the service."""
    for action in DOCUMENT_ACTIONS:
        audit.listen(app, action, _document_recorded)
