"""The counts behind a report, aggregated in the database.

Each measure (CAFs started, open by stage, closed by reason...) is one grouped query over
the episodes in the reader's scope, by agency sector, the child's age band and area (and,
for every borough, the borough), and by the measure's own category. The result is the cube
that webapp/reports/suppression.py protects; nothing here leaves the server unprotected.
Waiting times are read as one duration per episode (no identifier) and summarised here.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from webapp.accounts.models import User
from webapp.assessments.models import FormResponse, ResponseStatus, SectionAnswers
from webapp.boroughs.models import Organisation, Sector
from webapp.children.models import Child
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.reports.scope import Scope
from webapp.reports.sql import answer_text, days_between

NOT_KNOWN = "not_known"
IDLE_DAYS = 60

# States of the national workflow the report counts moves into.
REFERRED = "referred_to_social_care"
TRANSFERRED = "transferred"
ASSESSED = "assessed"
REVIEWING = "reviewing"

SECTOR_VALUES = [sector.value for sector in Sector] + [NOT_KNOWN]
SECTOR_TITLES = {sector.value: sector.title for sector in Sector} | {NOT_KNOWN: "Not known"}

# Age at the end of the period: (value, title, youngest age in years).
AGE_BANDS = (
    ("unborn", "Unborn", None),
    ("0_4", "Under 5", 0),
    ("5_10", "5 to 10", 5),
    ("11_15", "11 to 15", 11),
    ("16_plus", "16 and over", 16),
)
AGE_VALUES = [value for value, _title, _age in AGE_BANDS]
AGE_TITLES = {value: title for value, title, _age in AGE_BANDS}


@dataclass(frozen=True)
class Period:
    start: date  # the first day counted
    end: date  # the last day counted

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def end_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def during(self, column) -> ColumnElement[bool]:
        return and_(column >= self.start_at, column < self.end_at)

    def months(self) -> list[tuple[str, datetime]]:
        """Each calendar month the period touches: its value ("2026-03") and first moment."""
        found = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((f"{year:04d}-{month:02d}", datetime(year, month, 1)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_band(on: date) -> ColumnElement[str]:
    whens = [(Child.born_on > on, literal("unborn"))]
    for value, _title, youngest in reversed(AGE_BANDS[2:]):
        whens.append((Child.born_on <= _years_before(on, youngest), literal(value)))
    return case(*whens, else_=literal("0_4"))


def _area() -> ColumnElement[str]:
    """The postcode district (the outward code); a shielded child's is not known."""
    key = Child.postcode_key
    return case(
        (Child.shielded.is_(True), literal(NOT_KNOWN)),
        (func.length(key) >= 5, func.substr(key, 1, func.length(key) - 3)),
        else_=literal(NOT_KNOWN),
    )


def _sector() -> ColumnElement[str]:
    """The agency sector of the practitioner who assessed the child."""
    return func.coalesce(type_coerce(Organisation.sector, String), literal(NOT_KNOWN))


@dataclass(frozen=True)
class Dimensions:
    """The dimensions every measure is cut by, as (name, SQL expression)."""

    columns: tuple[tuple[str, ColumnElement], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _expression in self.columns]

    def matching(self, chosen: dict[str, str | None]) -> list[ColumnElement[bool]]:
        return [
            expression == chosen[name]
            for name, expression in self.columns
            if chosen.get(name) is not None
        ]


def dimensions_for(scope: Scope, period: Period) -> Dimensions:
    columns: list[tuple[str, ColumnElement]] = []
    if scope.by_borough:
        columns.append(("borough", type_coerce(Episode.borough_id, String)))
    columns += [("sector", _sector()), ("age", _age_band(period.end)), ("area", _area())]
    return Dimensions(tuple(columns))


def _from_episodes(statement: Select, scope: Scope) -> Select:
    assessor = aliased(User)
    return (
        statement.select_from(Episode)
        .join(Child, Child.id == Episode.child_id)
        .outerjoin(assessor, assessor.id == Episode.assessor_id)
        .outerjoin(Organisation, Organisation.id == assessor.organisation_id)
        .where(scope.episodes)
    )


@dataclass(frozen=True)
class Measure:
    """What one of a report's counts counts: the episodes meeting `condition`, by every
    dimension and, if given, by `category` too."""

    condition: ColumnElement[bool]
    category: ColumnElement[str] | None = None
    #: What the category reads besides the episode, joined to it once for every measure
    #: that names it.
    joins: Callable[[Select], Select] | None = None


def count_measures(
    db_session: Session, scope: Scope, dimensions: Dimensions, measures: dict[str, Measure]
) -> dict[str, dict[tuple[str, ...], int]]:
    """Every measure's counts by every dimension (and its category), in one grouped read of
    the episodes in scope: each measure is a column that holds its category (or 1) for the
    episodes it counts, and nothing for the others."""
    labelled = [expression.label(name) for name, expression in dimensions.columns]
    for position, measure in enumerate(measures.values()):
        value = measure.category if measure.category is not None else literal("1")
        labelled.append(case((measure.condition, value), else_=null()).label(f"measure_{position}"))
    # Grouped outside: PostgreSQL does not see an expression with bound values in its
    # SELECT and GROUP BY clauses as the same.
    wanted = or_(*(measure.condition for measure in measures.values()))
    statement = _from_episodes(select(*labelled), scope).where(wanted)
    for joins in dict.fromkeys(m.joins for m in measures.values() if m.joins is not None):
        statement = joins(statement)
    inner = statement.subquery()
    grouped = select(*inner.c, func.count()).group_by(*inner.c)
    width = len(dimensions.columns)
    counts: dict[str, dict[tuple[str, ...], int]] = {name: {} for name in measures}
    for row in db_session.execute(grouped):
        cell = tuple(str(value) for value in row[:width])
        number = row[-1]
        for (name, measure), value in zip(measures.items(), row[width:-1], strict=True):
            if value is None:
                continue
            key = cell + (str(value),) if measure.category is not None else cell
            counts[name][key] = counts[name].get(key, 0) + number
    return counts


def month_of(period: Period) -> ColumnElement[str]:
    """The month an episode started in (within the period), as its value."""
    months = period.months()
    whens = [
        (Episode.opened_at < next_start, literal(value))
        for (value, _start), (_next, next_start) in zip(months, months[1:], strict=False)
    ]
    if not whens:
        return literal(months[0][0])
    return case(*whens, else_=literal(months[-1][0]))


def closure_reason() -> ColumnElement[str]:
    """The reason on the episode's latest completed closure form."""
    latest = aliased(FormResponse)
    latest_id = (
        select(func.max(latest.id))
        .where(
            latest.episode_id == Episode.id,
            latest.form_id == "closure",
            latest.status == ResponseStatus.COMPLETED,
        )
        .correlate(Episode)
        .scalar_subquery()
    )
    reason = (
        select(func.max(answer_text(SectionAnswers.answers_json, "closure_reason")))
        .where(SectionAnswers.response_id == latest_id)
        .correlate(Episode)
        .scalar_subquery()
    )
    return func.coalesce(reason, literal(NOT_KNOWN))


# How the needs rated changed from the plan to the latest review (or the closure).
LESS_CONCERN = "less_concern"
NO_CHANGE = "no_change"
MORE_CONCERN = "more_concern"
NOT_RATED = "not_rated"
DISTANCE_VALUES = [LESS_CONCERN, NO_CHANGE, MORE_CONCERN, NOT_RATED]
# Ratings are shares of their scales: a change smaller than this is no change.
_NO_CHANGE_WITHIN = 0.001


@dataclass(frozen=True)
class DistanceTravelled:
    """From the needs rated in the episode's first rated plan (agreed after the assessment)
    to those of its latest rated review or closure: less of a concern, no change, more of
    a concern, or not rated (no plan or no review rated them yet). Each episode's two forms
    are found by one grouped read of the rated forms each, joined to the episodes."""

    first: type[FormResponse]
    latest: type[FormResponse]

    @classmethod
    def new(cls) -> DistanceTravelled:
        return cls(aliased(FormResponse), aliased(FormResponse))

    def joins(self, statement: Select) -> Select:
        rated = (FormResponse.status == ResponseStatus.COMPLETED) & (
            FormResponse.needs_rating.is_not(None)
        )
        plan = FormResponse.form_id == "delivery_plan_review"
        first_ids = _form_ids(func.min, rated & plan & (FormResponse.review_number == 0))
        latest_ids = _form_ids(
            func.max,
            rated & or_(plan & (FormResponse.review_number > 0), FormResponse.form_id == "closure"),
        )
        for ids, form in ((first_ids, self.first), (latest_ids, self.latest)):
            statement = statement.outerjoin(ids, ids.c.episode_id == Episode.id).outerjoin(
                form, form.id == ids.c.form_response_id
            )
        return statement

    @property
    def category(self) -> ColumnElement[str]:
        first, latest = self.first.needs_rating, self.latest.needs_rating
        change = latest - first
        return case(
            (or_(first.is_(None), latest.is_(None)), literal(NOT_RATED)),
            (change > _NO_CHANGE_WITHIN, literal(LESS_CONCERN)),
            (change < -_NO_CHANGE_WITHIN, literal(MORE_CONCERN)),
            else_=literal(NO_CHANGE),
        )


def _form_ids(pick, condition: ColumnElement[bool]):
    """Per episode, the id of its first (`func.min`) or latest (`func.max`) form meeting
    `condition`."""
    return (
        select(FormResponse.episode_id, pick(FormResponse.id).label("form_response_id"))
        .where(condition)
        .group_by(FormResponse.episode_id)
        .subquery()
    )


def moved_into(state: str, period: Period) -> ColumnElement[bool]:
    """The episode moved into `state` during the period."""
    return Episode.id.in_(
        select(EpisodeTransition.episode_id).where(
            EpisodeTransition.to_state == state, period.during(EpisodeTransition.occurred_at)
        )
    )


def open_state_workflows(db_session: Session, scope: Scope) -> list[tuple[str, int, str]]:
    """(workflow id, version, state) of the open episodes counted, to title the stages."""
    statement = _from_episodes(
        select(Episode.workflow_id, Episode.workflow_version, Episode.state).distinct(), scope
    ).where(Episode.closed_at.is_(None))
    return [tuple(row) for row in db_session.execute(statement)]


def areas(db_session: Session, scope: Scope) -> list[str]:
    """The postcode districts of the children counted."""
    area = _area().label("area")
    statement = _from_episodes(select(area).distinct(), scope)
    return sorted(value for value in db_session.scalars(statement) if value != NOT_KNOWN)


@dataclass(frozen=True)
class WaitingTime:
    title: str
    measured: int
    median_days: float | None
    p90_days: float | None


def waiting_time(
    db_session: Session,
    scope: Scope,
    dimensions: Dimensions,
    chosen: dict[str, str | None],
    period: Period,
    state: str,
    title: str,
) -> WaitingTime:
    """From the start of each episode started in the period to its first move into
    `state`, from its history: the median and 90th percentile, in days."""
    waited = days_between(Episode.opened_at, func.min(EpisodeTransition.occurred_at))
    statement = (
        _from_episodes(select(waited), scope)
        .join(EpisodeTransition, EpisodeTransition.episode_id == Episode.id)
        .where(
            EpisodeTransition.to_state == state,
            period.during(Episode.opened_at),
            *dimensions.matching(chosen),
        )
        .group_by(Episode.id, Episode.opened_at)
    )
    days = sorted(float(value) for value in db_session.scalars(statement))
    return WaitingTime(title, len(days), *_median_and_p90(days))


def _median_and_p90(days: Sequence[float]) -> tuple[float | None, float | None]:
    if len(days) < 2:
        return (days[0], days[0]) if days else (None, None)
    return statistics.median(days), statistics.quantiles(days, n=10, method="inclusive")[8]


def idle_since(now: datetime) -> datetime:
    return now - timedelta(days=IDLE_DAYS)
