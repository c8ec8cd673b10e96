"""A report as a page or an export shows it: tables of protected figures.

`build(...)` runs the grouped queries (webapp/reports/queries.py), protects each cube once
(webapp/reports/suppression.py) and takes from it the slice the chosen filters ask for, so
that every figure shown, under every filter, comes from the same protected cube."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.boroughs.models import Borough
from webapp.episodes.models import Episode
from webapp.reports import queries
from webapp.reports.queries import NOT_KNOWN, Period
from webapp.reports.scope import Scope
from webapp.reports.suppression import TOTAL, Figure, protect, rate

FILTER_NAMES = ("borough", "sector", "age", "area")

CLOSURE_REASONS = {
    "needs_met": "Needs met",
    "step_up": "Stepped up to specialist services",
    "step_down": "Stepped down to universal services",
    "moved_away": "Moved away",
    "consent_withdrawn": "Consent withdrawn",
    "no_longer_engaging": "No longer taking part",
    NOT_KNOWN: "Not recorded",
}

# The distance travelled: the needs rated in the plan, against the latest rating since.
DISTANCE_TITLES = {
    queries.LESS_CONCERN: "Less of a concern",
    queries.NO_CHANGE: "No change",
    queries.MORE_CONCERN: "More of a concern",
    queries.NOT_RATED: "Not rated in the plan and since",
}


@dataclass(frozen=True)
class Row:
    label: str
    figure: Figure
    rate: str | None = None


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    heading: str
    rows: list[Row]
    total: Row | None = None
    rate_heading: str | None = None


@dataclass
class Report:
    scope: Scope
    period: Period
    chosen: dict[str, str | None]
    summary: Table
    tables: list[Table] = field(default_factory=list)
    waiting_times: list[queries.WaitingTime] = field(default_factory=list)


class Cube:
    """One measure's protected cube, sliced by the chosen filters."""

    def __init__(
        self,
        counts: dict[tuple[str, ...], int],
        names: list[str],
        values: dict[str, list[str]],
        threshold: int,
    ) -> None:
        self.names = names
        self.values = values
        self.threshold = threshold
        self.figures = protect(counts, [values[name] for name in names], threshold)

    def figure(self, chosen: dict[str, str | None], **fixed: str) -> Figure:
        key = tuple(fixed.get(name) or chosen.get(name) or TOTAL for name in self.names)
        # A value the cube has never seen counts no episode.
        return self.figures[key]

    def rows(
        self,
        chosen: dict[str, str | None],
        name: str,
        titles: Callable[[str], str],
    ) -> list[Row]:
        """The cut along `name`, other dimensions as chosen (the cut's own filter does not
        narrow it: it shows every value)."""
        mine = dict(chosen) | {name: None}
        return [
            Row(titles(value), self.figure(mine, **{name: value})) for value in self.values[name]
        ]


def _values(counts: dict[tuple[str, ...], int], names: list[str], fixed: dict[str, list[str]]):
    """Each dimension's values: the fixed lists, or those the counts hold, sorted."""
    found: dict[str, list[str]] = {}
    for position, name in enumerate(names):
        if name in fixed:
            found[name] = fixed[name]
        else:
            held = {key[position] for key in counts}
            found[name] = sorted(held - {NOT_KNOWN}) + ([NOT_KNOWN] if NOT_KNOWN in held else [])
    return found


def _cube(
    counts: dict[tuple[str, ...], int],
    scope: Scope,
    names: list[str],
    category_values: list[str] | None = None,
) -> Cube:
    fixed = {"sector": queries.SECTOR_VALUES, "age": queries.AGE_VALUES}
    if category_values is not None:
        fixed["category"] = category_values
    return Cube(counts, names, _values(counts, names, fixed), scope.threshold)


def _stage_titles(db_session: Session, scope: Scope, catalogue) -> dict[str, str]:
    titles: dict[str, str] = {}
    if scope.empty:
        return titles
    for workflow_id, version, state in queries.open_state_workflows(db_session, scope):
        definition = catalogue.find(workflow_id, version)
        if definition is not None and state in definition.states:
            titles.setdefault(state, definition.states[state].title)
    return titles


def _table(
    key: str,
    caption: str,
    heading: str,
    cube: Cube,
    chosen: dict[str, str | None],
    name: str,
    titles: Callable[[str], str],
    with_rates: bool = False,
) -> Table:
    rows = cube.rows(chosen, name, titles)
    total = cube.figure(chosen | {name: None})
    if with_rates:
        rows = [Row(row.label, row.figure, rate(row.figure, total)) for row in rows]
    return Table(
        key,
        caption,
        heading,
        rows,
        Row("Total", total, "100%" if with_rates and total.shown and total.value else None),
        "Share of closures" if with_rates else None,
    )


@dataclass(frozen=True)
class Cubes:
    """A scope's protected cubes for a period, and the titles of their values: what every
    filter of its report is sliced from."""

    started: Cube
    open_now: Cube
    closed: Cube
    stepped_up: Cube
    transferred: Cube
    overdue: Cube
    idle: Cube
    distance_open: Cube
    distance_closed: Cube
    stages: dict[str, str]
    borough_names: dict[str, str]


Remember = Callable[[Scope, tuple, Callable[[], Any]], Any]


def _build_now(scope: Scope, parts: tuple, build: Callable[[], Any]) -> Any:
    return build()


def protected_cubes(
    db_session: Session, scope: Scope, period: Period, catalogue, now: datetime, today: date
) -> Cubes:
    dimensions = queries.dimensions_for(scope, period)
    months = [value for value, _start in period.months()]
    still_open = Episode.closed_at.is_(None)
    distance = queries.DistanceTravelled.new()
    measures = {
        "started": queries.Measure(period.during(Episode.opened_at), queries.month_of(period)),
        "open": queries.Measure(still_open, Episode.state),
        "closed": queries.Measure(period.during(Episode.closed_at), queries.closure_reason()),
        "stepped_up": queries.Measure(queries.moved_into(queries.REFERRED, period)),
        "transferred": queries.Measure(queries.moved_into(queries.TRANSFERRED, period)),
        "overdue": queries.Measure(still_open & (Episode.next_review_on < today)),
        "idle": queries.Measure(still_open & (Episode.last_activity_at < queries.idle_since(now))),
        "distance_open": queries.Measure(still_open, distance.category, distance.joins),
        "distance_closed": queries.Measure(
            period.during(Episode.closed_at), distance.category, distance.joins
        ),
    }
    counts = (
        {name: {} for name in measures}
        if scope.empty
        else queries.count_measures(db_session, scope, dimensions, measures)
    )
    by_category = dimensions.names + ["category"]
    return Cubes(
        started=_cube(counts["started"], scope, by_category, months),
        open_now=_cube(counts["open"], scope, by_category),
        closed=_cube(counts["closed"], scope, by_category),
        stepped_up=_cube(counts["stepped_up"], scope, dimensions.names),
        transferred=_cube(counts["transferred"], scope, dimensions.names),
        overdue=_cube(counts["overdue"], scope, dimensions.names),
        idle=_cube(counts["idle"], scope, dimensions.names),
        distance_open=_cube(counts["distance_open"], scope, by_category, queries.DISTANCE_VALUES),
        distance_closed=_cube(
            counts["distance_closed"], scope, by_category, queries.DISTANCE_VALUES
        ),
        stages=_stage_titles(db_session, scope, catalogue),
        borough_names=_borough_names(db_session) if scope.by_borough else {},
    )


def build(
    db_session: Session,
    scope: Scope,
    period: Period,
    chosen: dict[str, str | None],
    catalogue,
    now: datetime,
    today: date,
    remember: Remember = _build_now,
) -> Report:
    """The report of `scope` for `period`, sliced by the `chosen` filters. `remember(scope,
    parts, build)` may keep what `build()` returns for the scope and parts (see
    webapp/reports/cache.py); by default everything is built now."""
    cubes: Cubes = remember(
        scope,
        ("cubes", period, today),
        lambda: protected_cubes(db_session, scope, period, catalogue, now, today),
    )
    started, open_now, closed = cubes.started, cubes.open_now, cubes.closed
    summary = Table(
        "summary",
        "CAFs in this report",
        "Measure",
        [
            Row("CAFs started in the period", started.figure(chosen)),
            Row("CAFs closed in the period", closed.figure(chosen)),
            Row(
                "Stepped up to children's social care in the period",
                cubes.stepped_up.figure(chosen),
            ),
            Row("Transferred to another borough in the period", cubes.transferred.figure(chosen)),
            Row("CAFs open today", open_now.figure(chosen)),
            Row("Open CAFs with a review overdue today", cubes.overdue.figure(chosen)),
            Row(
                f"Open CAFs with nothing done for {queries.IDLE_DAYS} days or more",
                cubes.idle.figure(chosen),
            ),
        ],
    )
    stages = cubes.stages
    tables = [
        _table(
            "open-by-stage",
            "CAFs open today, by stage",
            "Stage",
            open_now,
            chosen,
            "category",
            lambda state: stages.get(state, state.replace("_", " ").capitalize()),
        ),
        _table(
            "closed-by-reason",
            "CAFs closed in the period, by reason for closing",
            "Reason for closing",
            closed,
            chosen,
            "category",
            lambda reason: CLOSURE_REASONS.get(reason, reason.replace("_", " ").capitalize()),
            with_rates=True,
        ),
        _table(
            "started-by-sector",
            "CAFs started in the period, by the assessor's agency sector",
            "Agency sector",
            started,
            chosen,
            "sector",
            queries.SECTOR_TITLES.__getitem__,
        ),
        _table(
            "started-by-age",
            "CAFs started in the period, by the child's age at the end of the period",
            "Age",
            started,
            chosen,
            "age",
            queries.AGE_TITLES.__getitem__,
        ),
        _table(
            "started-by-area",
            "CAFs started in the period, by postcode district",
            "Postcode district",
            started,
            chosen,
            "area",
            _area_title,
        ),
        _table(
            "started-by-month",
            "CAFs started in the period, by month",
            "Month",
            started,
            chosen,
            "category",
            _month_title,
        ),
    ]
    tables += [
        _table(
            "distance-open",
            "CAFs open today: how their needs have changed from the plan to the latest review",
            "The needs rated",
            cubes.distance_open,
            chosen,
            "category",
            DISTANCE_TITLES.__getitem__,
        ),
        _table(
            "distance-closed",
            "CAFs closed in the period: how their needs changed from the plan to the closure",
            "The needs rated",
            cubes.distance_closed,
            chosen,
            "category",
            DISTANCE_TITLES.__getitem__,
        ),
    ]
    borough_names = cubes.borough_names
    if scope.by_borough:
        tables.append(
            _table(
                "started-by-borough",
                "CAFs started in the period, by borough",
                "Borough",
                started,
                chosen,
                "borough",
                lambda borough_id: borough_names.get(borough_id, "Not known"),
            )
        )
    waiting = []
    if not scope.counts_only and not scope.empty:
        waiting = remember(
            scope,
            ("waiting", period, today, tuple(sorted(chosen.items()))),
            lambda: _waiting_times(db_session, scope, period, chosen),
        )
    return Report(scope, period, chosen, summary, tables, waiting)


def _waiting_times(
    db_session: Session, scope: Scope, period: Period, chosen: dict[str, str | None]
) -> list[queries.WaitingTime]:
    dimensions = queries.dimensions_for(scope, period)
    return [
        queries.waiting_time(db_session, scope, dimensions, chosen, period, state, title)
        for state, title in (
            (queries.ASSESSED, "From the start of the CAF to the assessment completed"),
            (queries.REVIEWING, "From the start of the CAF to the first review"),
        )
    ]


def filter_options(
    db_session: Session, scope: Scope, remember: Remember = _build_now
) -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers (a borough's and an area's from the scope's data)."""
    areas = (
        [] if scope.empty else remember(scope, ("areas",), lambda: queries.areas(db_session, scope))
    )
    options = {
        "sector": [(value, queries.SECTOR_TITLES[value]) for value in queries.SECTOR_VALUES],
        "age": [(value, queries.AGE_TITLES[value]) for value in queries.AGE_VALUES],
        "area": [(value, _area_title(value)) for value in areas + [NOT_KNOWN]],
    }
    if scope.by_borough:
        names = _borough_names(db_session)
        options["borough"] = sorted(names.items(), key=lambda item: item[1])
    return options


def _area_title(value: str) -> str:
    return "Not known" if value == NOT_KNOWN else value


def _month_title(value: str) -> str:
    return datetime.strptime(value, "%Y-%m").strftime("%B %Y")


def _borough_names(db_session: Session) -> dict[str, str]:
    return {
        str(borough_id): name
        for borough_id, name in db_session.execute(select(Borough.id, Borough.name))
    }
