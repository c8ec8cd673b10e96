"""How long the access monitoring's reads take over an audit trail of 10 million events.

    .venv/bin/python benchmarks/access_monitoring.py [--events 10000000] [--rounds 40]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_monitoring]
        [--reuse]

Builds a throw-away database (SQLite by default; a PostgreSQL database named by
--database-url is emptied and migrated): six boroughs with 700 accounts each in teams of
about 15, 10,000 children with an episode per borough (`flask caf reports generate`'s
code), then an audit trail shaped like real traffic over two years, in time order:
searches with their results (and the search hits the children's histories read), episode
and form pages opened, documents produced and downloaded, changes, sign-ins and a little
urgent access; most people work on their own borough's children, a few people and children
are much busier than the rest. The events are bulk loaded (COPY on PostgreSQL, executemany
on SQLite) with the audit tables' own indexes and triggers set aside and put back after,
then the tables are analysed. Their hashes are not a chain: nothing here verifies it.

Then it times, warm, in the same run (median and p95, milliseconds):
- the busiest child's access history page (GET, as the borough CAF contact);
- the busiest practitioner's access history page (GET, as their borough's CAF contact);
- every alert rule on one search by that practitioner (`alerts.check`, rolled back), with
  the national defaults and with every window at its longest (31 days), and each rule alone;
- the bulk-download rule on one document;
- the quarterly access review of the busiest team (GET, as its manager);
- the baseline: a bare audited page (benchmarks/bare_page.py) on the same database.
Writes benchmarks/results/access_monitoring_<database>.json. With --reuse, a database
built by an earlier run is measured again without being rebuilt (migrations that came
since, new indexes say, are applied to it first).
"""

from __future__ import annotations

import argparse
import bisect
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forms_render import BenchClient  # noqa: E402 - benchmarks/, the script's folder
from sqlalchemy import create_engine, delete, insert, select, text  # noqa: E402

from benchmarks.bare_page import create_bare_app  # noqa: E402
from benchmarks.readme_sections import replace_section  # noqa: E402
from tests.conftest import make_test_config, sign_in  # noqa: E402
from tests.factories import make_borough, make_organisation, make_user  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db as database  # noqa: E402
from webapp.access.permissions import Role  # noqa: E402
from webapp.accounts.models import User, UserRole  # noqa: E402
from webapp.audit.models import AuditEvent  # noqa: E402
from webapp.boroughs.models import Sector, Team  # noqa: E402
from webapp.children.models import Child  # noqa: E402
from webapp.db import utcnow  # noqa: E402
from webapp.episodes.models import Episode  # noqa: E402
from webapp.migrations import runner  # noqa: E402
from webapp.monitoring import access_reviews, alerts  # noqa: E402
from webapp.monitoring.alert_models import AlertSetting  # noqa: E402
from webapp.reports import synthetic  # noqa: E402

BOROUGHS = 6
ACCOUNTS_PER_BOROUGH = 700
ORGANISATIONS_PER_BOROUGH = 10
TEAM_SIZE = 15
CHILDREN_PER_BOROUGH = 10_000
YEARS = 2
CHUNK = 50_000
REASONS = (
    "I am checking whether a CAF exists before I start one",
    "I need to contact the lead professional or others working with the child",
    "Another reason: the school asked me to check",
)
# (action, share of the traffic, about an episode?)
ACTIONS = (
    ("child_index.searched", 12, False),
    ("episode.viewed", 30, True),
    ("form.viewed", 10, True),
    ("form.section_viewed", 10, True),
    ("forms.listed", 6, True),
    ("consent.viewed", 3, True),
    ("document.generated", 3, True),
    ("upload.downloaded", 2, True),
    ("form.saved", 9, True),
    ("episode.transition", 2, True),
    ("tac.member_added", 1, True),
    ("auth.signed_in", 11.98, False),
    ("break_glass.granted", 0.02, True),
)
# Every column of the event but those the database fills in (the chain, 0: nothing here
# verifies it), in the table's order, which is the order of a generated row.
COLUMNS = tuple(
    column.name for column in AuditEvent.__table__.columns if column.server_default is None
)
AUDIT_TABLES = ("audit_event", "audit_search_hit")
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- access_monitoring:start -->", "<!-- access_monitoring:end -->"
TITLES = {
    "bare_audited_page": "Bare audited page (the baseline)",
    "child_history_page": "A child's access history page (the busiest child)",
    "person_history_page": "A practitioner's access history page (the busiest person)",
    "access_review_page": "The quarterly access review page (the busiest person's team)",
    "alert_rules_on_a_search_defaults": "Every rule on a search, national defaults",
    "alert_rules_on_a_search_longest_windows": "Every rule on a search, 31-day windows",
    "alert_rule_on_a_document_defaults": "The bulk-download rule on a document, default",
    "alert_rule_on_a_document_longest_windows": "The bulk-download rule, 31-day window",
}


def timed(action, rounds: int) -> dict[str, float]:
    """Median and 95th percentile of `rounds` runs, in milliseconds, after one to warm up."""
    action()
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(statistics.quantiles(samples, n=20, method="inclusive")[18], 1),
    }


def _database(url: str | None, workdir: Path, reuse: bool) -> str:
    if not url:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    engine = create_engine(url) if url.startswith("postgresql") else database.make_engine(url)
    if url.startswith("postgresql") and not reuse:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    runner.upgrade(engine)
    engine.dispose()
    return url


# --- the people and children ------------------------------------------------------------


def build_people(db_session, children_per_borough: int) -> dict:
    """Boroughs, organisations, teams and accounts (in bulk), and the children and episodes
    of each borough. The people who sign in to measure are made as the tests make them."""
    password_hash = None
    contacts, managers = {}, {}
    for number in range(BOROUGHS):
        borough = make_borough(f"bench{number}", name=f"Benchmark Borough {number}")
        organisations = [
            make_organisation(borough, sector)
            for sector in list(Sector)[:ORGANISATIONS_PER_BOROUGH]
        ]
        while len(organisations) < ORGANISATIONS_PER_BOROUGH:
            organisations.append(make_organisation(borough, Sector.SCHOOL))
        contact = make_user(
            make_organisation(borough, Sector.LOCAL_AUTHORITY),
            Role.BOROUGH_CAF_CONTACT,
        )
        contacts[borough.id] = contact.id
        password_hash = password_hash or contact.password_hash
        teams_per_organisation = ACCOUNTS_PER_BOROUGH // ORGANISATIONS_PER_BOROUGH // TEAM_SIZE
        rows = []
        for organisation in organisations:
            teams = list(organisation.teams)
            for letter in range(1, teams_per_organisation):
                team = Team(name=f"Team {chr(65 + letter)}", organisation=organisation)
                database.session.add(team)
                teams.append(team)
            db_session.flush()
            for team in teams:
                manager = make_user(organisation, Role.MANAGER, team=team)
                managers.setdefault(borough.id, []).append((manager.id, team.id))
                for _ in range(TEAM_SIZE - 1):
                    index = len(rows)
                    rows.append(
                        {
                            "email": f"p{borough.id}-{index}@bench.example",
                            "full_name": f"Practitioner {borough.id}-{index}",
                            "borough_id": borough.id,
                            "organisation_id": organisation.id,
                            "team_id": team.id,
                            "password_hash": password_hash,
                            "dbs_check_date": utcnow().date() - timedelta(days=30),
                            "caf_trained": True,
                            "active": True,
                            "session_token": f"bench-{borough.id}-{index}",
                            "created_at": utcnow(),
                        }
                    )
        db_session.execute(insert(User), rows)
        db_session.flush()
        new_ids = db_session.scalars(
            select(User.id).where(User.email.like(f"p{borough.id}-%@bench.example"))
        ).all()
        db_session.execute(
            insert(UserRole), [{"user_id": id_, "role": Role.PRACTITIONER} for id_ in new_ids]
        )
        synthetic.generate(db_session, borough, children_per_borough, seed=2026 + number)
        db_session.commit()
    return {"contacts": contacts, "managers": managers}


# --- the audit trail ----------------------------------------------------------------------


class Traffic:
    """Events shaped like real traffic: who, when, about what."""

    def __init__(self, db_session, total: int, now: datetime, seed: int = 26) -> None:
        self.chance = random.Random(seed)
        self.total = total
        self.start = now - timedelta(days=365 * YEARS)
        self.span = (now - self.start).total_seconds()
        people = db_session.execute(select(User.id, User.borough_id).order_by(User.id)).all()
        self.people = [person_id for person_id, _ in people]
        self.borough_of = dict(people)
        # A few people are much busier than the rest (Zipf-like weights).
        order = list(range(len(self.people)))
        self.chance.shuffle(order)
        weights = [0.0] * len(self.people)
        for rank, index in enumerate(order):
            weights[index] = 1 / (rank + 20) ** 0.8
        self.person_weights = list(_accumulate(weights))
        self.episodes: dict[int, list[tuple[int, int]]] = {}
        for episode_id, child_id, borough_id in db_session.execute(
            select(Episode.id, Episode.child_id, Episode.borough_id)
        ):
            self.episodes.setdefault(borough_id, []).append((episode_id, child_id))
        self.boroughs = sorted(self.episodes)
        self.child_weights = {
            borough: list(_accumulate(1 / (rank + 5) ** 0.6 for rank in range(len(found))))
            for borough, found in self.episodes.items()
        }
        self.actions = [action for action, _share, _about in ACTIONS]
        self.action_weights = list(_accumulate(share for _action, share, _about in ACTIONS))
        self.about_episode = {action: about for action, _share, about in ACTIONS}
        self.child_events: Counter[int] = Counter()
        self.person_events: Counter[int] = Counter()

    def _pick(self, cumulative: list[float]) -> int:
        return bisect.bisect(cumulative, self.chance.random() * cumulative[-1])

    def _episode(self, borough_id: int) -> tuple[int, int]:
        if self.chance.random() > 0.95:  # now and then, another borough's child
            borough_id = self.chance.choice(self.boroughs)
        found = self.episodes[borough_id]
        return found[min(self._pick(self.child_weights[borough_id]), len(found) - 1)]

    def chunk(self, first_id: int, done: int, size: int) -> tuple[list[tuple], list[tuple]]:
        """`size` events from id `first_id`, in time order (`done` made before them), and
        the search hits."""
        position = done / self.total
        times = sorted(
            self.start
            + timedelta(seconds=self.span * (position + self.chance.random() * size / self.total))
            for _ in range(size)
        )
        events, hits = [], []
        for offset, occurred_at in enumerate(times):
            event_id = first_id + offset
            actor = self.people[min(self._pick(self.person_weights), len(self.people) - 1)]
            action = self.actions[min(self._pick(self.action_weights), len(self.actions) - 1)]
            episode_id = child_id = None
            detail = "{}"
            if action == "child_index.searched":
                found = [
                    self._episode(self.borough_of[actor])[1]
                    for _ in range(self.chance.choice((0, 1, 1, 1, 2, 3)))
                ]
                detail = json.dumps(
                    {"reason": self.chance.choice(REASONS), "results": found},
                    separators=(",", ":"),
                )
                hits += [(event_id, child, occurred_at) for child in dict.fromkeys(found)]
                self.child_events.update(found)
            elif self.about_episode[action]:
                episode_id, child_id = self._episode(self.borough_of[actor])
                self.child_events[child_id] += 1
            self.person_events[actor] += 1
            events.append(
                (
                    event_id,
                    occurred_at,
                    actor,
                    action,
                    "episode" if episode_id else "",
                    str(episode_id or ""),
                    episode_id,
                    child_id,
                    "10.0.0.1",
                    detail,
                    "0" * 64,
                    f"{event_id:064x}",
                )
            )
        return events, hits


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _set_aside(connection, dialect: str) -> list[str]:
    """Drop the audit tables' secondary indexes and triggers; the statements that put
    them back."""
    if dialect == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT name, type, sql FROM sqlite_master WHERE tbl_name IN "
            "('audit_event', 'audit_search_hit') AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL"
        ).all()
        for name, kind, _sql in found:
            connection.exec_driver_sql(f"DROP {kind.upper()} {name}")
        return [sql for _name, _kind, sql in found]
    found = connection.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
        "('audit_event', 'audit_search_hit') AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint)"
    ).all()
    for name, _sql in found:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    for table in AUDIT_TABLES:
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    return [sql for _name, sql in found] + [
        f"ALTER TABLE {table} ENABLE TRIGGER ALL" for table in AUDIT_TABLES
    ]


def _sqlite_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(value) for value in row))
        buffer.write("\n")
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def build_audit_trail(engine, db_session, total: int) -> tuple[dict, dict]:
    now = utcnow()
    traffic = Traffic(db_session, total, now)
    first = (db_session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) or 0) + 1
    db_session.commit()
    dialect = engine.dialect.name
    timings = {}
    started = time.perf_counter()
    with engine.begin() as connection:
        restore = _set_aside(connection, dialect)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, total, CHUNK):
            events, hits = traffic.chunk(first + start, start, min(CHUNK, total - start))
            if dialect == "sqlite":
                cursor.executemany(
                    f"INSERT INTO audit_event ({', '.join(COLUMNS)}) VALUES "  # noqa: S608 - constants
                    f"({', '.join('?' for _ in COLUMNS)})",
                    [(*row[:1], _sqlite_time(row[1]), *row[2:]) for row in events],
                )
                cursor.executemany(
                    "INSERT INTO audit_search_hit (event_id, child_id, occurred_at) "
                    "VALUES (?, ?, ?)",
                    [(event, child, _sqlite_time(at)) for event, child, at in hits],
                )
            else:
                _copy(cursor, "audit_event", COLUMNS, events)
                _copy(cursor, "audit_search_hit", ("event_id", "child_id", "occurred_at"), hits)
            raw.commit()
            if start // CHUNK % 20 == 0:
                print(f"  {start + len(events):,} events", flush=True)
        timings["load_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        for statement in restore:
            cursor.execute(statement)
        if dialect == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_event', 'id'), "
                "(SELECT max(id) FROM audit_event))"
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_search_hit', 'id'), "
                "(SELECT max(id) FROM audit_search_hit))"
            )
        raw.commit()
        timings["index_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        raw.commit()
        timings["analyse_seconds"] = round(time.perf_counter() - started, 1)
    finally:
        raw.close()
    busiest = {
        "child": traffic.child_events.most_common(1)[0],
        "person": max(
            (count, person)
            for person, count in traffic.person_events.items()
            if person not in _signing_in(db_session)
        )[::-1],
    }
    return busiest, timings


def _signing_in(db_session) -> set[int]:
    return set(
        db_session.scalars(
            select(UserRole.user_id).where(
                UserRole.role.in_((Role.MANAGER, Role.BOROUGH_CAF_CONTACT))
            )
        )
    )


# --- the measurements ---------------------------------------------------------------------


def measure(app, world: dict, rounds: int, workdir: Path, url: str) -> dict:
    session = database.session
    child = session.get(Child, world["child"][0])
    person = session.get(User, world["person"][0])
    contact_of = {int(key): value for key, value in world["contacts"].items()}
    team = session.get(Team, person.team_id)
    manager = session.get(
        User, next(m for m, t in world["managers"][str(person.borough_id)] if t == team.id)
    )
    quarter = access_reviews.last_ended(utcnow().date())

    def signed_in(user_id: int):
        client = app.test_client()
        sign_in(client, session.get(User, user_id))
        return client

    child_contact = signed_in(contact_of[child.borough_id])
    person_contact = signed_in(contact_of[person.borough_id])
    manager_client = signed_in(manager.id)

    def get(client, path):
        def request():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return request

    # The baseline: a bare audited page, on the same database.
    (workdir / "instance").mkdir(exist_ok=True)
    (workdir / "instance" / "audit_key").write_text(app.config["AUDIT_KEY"])
    os.environ["CAF_DATABASE_URL"] = url
    bare = create_bare_app().test_client()
    episode_id = session.scalar(select(Episode.id).where(Episode.child_id == child.id).limit(1))
    session.commit()

    measured = {
        "bare_audited_page": timed(get(bare, f"/episodes/{episode_id}"), rounds),
        "child_history_page": timed(
            get(child_contact, f"/children/{child.id}/access-history"), rounds
        ),
        "person_history_page": timed(
            get(person_contact, f"/people/{person.id}/access-history"), rounds
        ),
        "access_review_page": timed(
            get(manager_client, f"/access-reviews/teams/{team.id}/{quarter.key}"), rounds
        ),
    }
    measured.update(_alert_rules(session, person, rounds))
    return measured


def _alert_rules(session, person: User, rounds: int) -> dict:
    """Every rule on one search that matches every pattern: a shielded child of another
    borough who shares the person's surname, at an unusual hour, for "another reason"."""
    child = session.scalars(
        select(Child).where(Child.borough_id != person.borough_id).limit(1)
    ).one()
    child.shielded = True
    person.full_name = f"Pat {child.family_name}"
    session.commit()
    now = utcnow().replace(hour=23)
    search = AuditEvent(
        id=0,
        occurred_at=now,
        actor_id=person.id,
        action="child_index.searched",
        detail=json.dumps({"reason": "Another reason: bench", "results": [child.id]}),
    )
    document = AuditEvent(id=0, occurred_at=now, actor_id=person.id, action="document.generated")
    # The national defaults first (a database measured again still has the settings below).
    session.execute(delete(AlertSetting).where(AlertSetting.borough_id == person.borough_id))
    session.commit()

    def check(event, children):
        def run():
            alerts.check(session, person, event, children)
            session.rollback()

        return run

    found = {
        "alert_rules_on_a_search_defaults": timed(check(search, [child]), rounds),
        "alert_rule_on_a_document_defaults": timed(check(document, []), rounds),
    }
    for key in alerts.RULES:
        session.add(
            AlertSetting(
                borough_id=person.borough_id,
                rule=key,
                threshold=alerts.MAX_THRESHOLD,
                window_hours=alerts.MAX_WINDOW_HOURS,
                enabled=True,
                changed_by_id=person.id,
            )
        )
    session.commit()
    found["alert_rules_on_a_search_longest_windows"] = timed(check(search, [child]), rounds)
    found["alert_rule_on_a_document_longest_windows"] = timed(check(document, []), rounds)
    longest = alerts.Setting(alerts.MAX_THRESHOLD, alerts.MAX_WINDOW_HOURS)
    for key, rule in alerts.RULES.items():
        event = document if key == "bulk_downloads" else search
        access = alerts.Access(session, person, event, [child] if event is search else [])
        found[f"rule_{key}_longest_window"] = timed(
            lambda r=rule, a=access: r.count(a, longest), rounds
        )
        session.rollback()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--children", type=int, default=CHILDREN_PER_BOROUGH, help="per borough")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workdir", default=None, help="with --reuse: the earlier run's")
    parser.add_argument("--reuse", action="store_true")
    arguments = parser.parse_args()
    workdir = Path(arguments.workdir or tempfile.mkdtemp(prefix="ecaf-bench-monitoring-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = _database(arguments.database_url, workdir, arguments.reuse)
    os.environ["CAF_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(make_test_config(url))
    app.test_client_class = BenchClient
    world_file = workdir / "world.json"
    with app.app_context():
        engine = database.engine_for(app)
        if arguments.reuse:
            world = json.loads(world_file.read_text())
        else:
            started = time.perf_counter()
            people = build_people(database.session, arguments.children)
            people_seconds = round(time.perf_counter() - started, 1)
            busiest, timings = build_audit_trail(engine, database.session, arguments.events)
            world = {
                **json.loads(json.dumps(people)),
                **busiest,
                "build": {"people_seconds": people_seconds, **timings},
            }
            world_file.write_text(json.dumps(world))
        measured = measure(app, world, arguments.rounds, workdir, url)
        counts = {
            table: database.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in ("audit_event", "audit_search_hit", "child", "user_account", "episode")
        }
        engine_name = engine.dialect.name
    baseline = measured["bare_audited_page"]["median_ms"]
    results = {
        "ran_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "database": engine_name,
        "cpus": os.cpu_count(),
        "rows": counts,
        "busiest_child_events": world["child"][1],
        "busiest_person_events": world["person"][1],
        "build": world["build"],
        "rounds": arguments.rounds,
        "measured": measured,
        "ratio_to_bare_page": {
            name: round(figures["median_ms"] / baseline, 1) for name, figures in measured.items()
        },
    }
    out = ROOT / "benchmarks" / "results" / f"access_monitoring_{engine_name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"workdir: {workdir}")
    _write_readme()


def _title(name: str) -> str:
    rule = alerts.RULES.get(name.removeprefix("rule_").removesuffix("_longest_window"))
    if rule is not None:
        return f"One rule alone, 31-day window: {rule.title.lower()}"
    return TITLES.get(name, name.replace("_", " "))


def _write_readme() -> None:
    """The section of benchmarks/README.md, from each database's results file."""
    results = [
        json.loads(path.read_text())
        for path in sorted((ROOT / "benchmarks" / "results").glob("access_monitoring_*.json"))
    ]
    header = "| what | " + " | ".join(
        f"{result['database']} median | p95 | × bare" for result in results
    )
    lines = [
        START,
        "## Access monitoring over 10 million audit events (`benchmarks/access_monitoring.py`)",
        "",
        "Run: `.venv/bin/python benchmarks/access_monitoring.py --database-url "
        "postgresql+psycopg://postgres@127.0.0.1:5432/DB` (a database of its own: its public "
        "schema is dropped), or without `--database-url` for SQLite. It builds six boroughs, "
        "3,600 accounts in teams of 15, 60,000 children with an episode, and an audit trail "
        "of two years of traffic (searches with their hits, pages, documents, changes, "
        "sign-ins, a little urgent access; a few people and children far busier than the "
        "rest), bulk loaded; then times each read in-process through the test client, warm, "
        "signed in as the CAF contact or the manager. Times in milliseconds; × bare is the "
        "median against the bare audited page (`benchmarks/bare_page.py`) on the same "
        "database in the same run. The goal (issue 26): each within a second.",
        "",
        header + " |",
        "| --- |" + " ---: | ---: | ---: |" * len(results),
    ]
    names = [name for name in results[0]["measured"]] if results else []
    for name in names:
        cells = []
        for result in results:
            figures = result["measured"].get(name, {})
            cells.append(
                f"{figures.get('median_ms', '')} | {figures.get('p95_ms', '')} | "
                f"{result['ratio_to_bare_page'].get(name, '')}"
            )
        lines.append(f"| {_title(name)} | " + " | ".join(cells) + " |")
    lines.append("")
    for result in results:
        rows = result["rows"]
        build = result["build"]
        lines.append(
            f"- {result['database']}: {result['ran_at']}, {result['cpus']} CPUs shared, "
            f"{result['rounds']} rounds; {rows['audit_event']:,} audit events, "
            f"{rows['audit_search_hit']:,} search hits, {rows['child']:,} children, "
            f"{rows['user_account']:,} accounts; the busiest child has "
            f"{result['busiest_child_events']:,} events, the busiest person "
            f"{result['busiest_person_events']:,}; built in {build['people_seconds']} s "
            f"(people and children) + {build['load_seconds']} s (events) + "
            f"{build['index_seconds']} s (indexes) + {build['analyse_seconds']} s (ANALYZE)"
        )
    lines += ["", END, ""]
    replace_section(README, START, END, "\n".join(lines))


if __name__ == "__main__":
    main()
