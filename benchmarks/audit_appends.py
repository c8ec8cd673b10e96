"""Audit appends per second on PostgreSQL, at 1, 10 and 40 concurrent writers.

    .venv/bin/python benchmarks/audit_appends.py
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit
        [--seconds 8] [--rounds 2] [--writers 1 10 40] [--label after]

Empties and migrates the PostgreSQL database named, adds three boroughs with twenty users
each, then starts the writers: separate processes, each with its own app and connection,
each appending one event per transaction (`audit.record`, then commit) as fast as it can for
the same number of seconds. Two kinds of run alternate, in the same run, for each number of
writers:
- "one chain": every event in the same chain (no acting user: the national chain), so every
  append locks the same head row, as every append did before the trail had a chain per
  borough;
- "three boroughs": each writer acts for a user of one of the three boroughs in turn, so
  its events go to that borough's chain.
Reports the median appends per second over the rounds and the ratio of the two, and writes
benchmarks/results/audit_appends_<label>.json and its section of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme_sections import replace_section  # noqa: E402 - benchmarks/, the script's folder
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from tests.conftest import make_test_config  # noqa: E402
from tests.factories import make_borough, make_organisation, make_user  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db as database  # noqa: E402
from webapp.audit import services as audit  # noqa: E402
from webapp.audit.models import AuditEvent  # noqa: E402
from webapp.migrations import runner  # noqa: E402

BOROUGHS = ("riverside", "hillford", "marshgate")
USERS_PER_BOROUGH = 20
ONE_CHAIN = "one chain"
THREE_BOROUGHS = "three boroughs"
START = "<!-- audit_appends: start -->"
END = "<!-- audit_appends: end -->"


def _prepare(url: str) -> list[list[int]]:
    """The database emptied and migrated, with three boroughs' users: their ids by borough."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    runner.upgrade(engine)
    engine.dispose()
    app = create_app(make_test_config(url))
    with app.app_context():
        users = []
        for code in BOROUGHS:
            organisation = make_organisation(make_borough(code))
            users.append([make_user(organisation) for _ in range(USERS_PER_BOROUGH)])
        database.session.commit()
        ids = [[user.id for user in borough] for borough in users]
        database.engine_for(app).dispose()
    return ids


def _writer(url, actor_ids, seconds, ready, go, counts) -> None:
    """Append events, each in its own transaction, from `go` for `seconds`; put the count."""
    app = create_app(make_test_config(url))
    with app.app_context():
        session = database.session

        def append(number: int) -> None:
            actor_id = actor_ids[number % len(actor_ids)] if actor_ids else None
            audit.record(
                session,
                "benchmark.appended",
                actor_id=actor_id,
                object_type="benchmark",
                object_id=number,
                client_address="192.0.2.1",
                number=number,
            )
            session.commit()

        for number in range(5):  # warm up: connect, compile the statements
            append(number)
        ready.wait()
        go.wait()
        appended = 0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            append(appended)
            appended += 1
        counts.put(appended)
        database.engine_for(app).dispose()


def _run(url, mode, writers, users, seconds) -> float:
    """Appends per second of `writers` processes for `seconds`."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(writers + 1)
    go = context.Event()
    counts = context.Queue()
    processes = []
    for number in range(writers):
        actor_ids = [] if mode == ONE_CHAIN else users[number % len(users)]
        process = context.Process(target=_writer, args=(url, actor_ids, seconds, ready, go, counts))
        process.start()
        processes.append(process)
    ready.wait()
    go.set()
    total = sum(counts.get() for _ in processes)
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a writer failed (exit code {process.exitcode})")
    return total / seconds


def _events_verified(url: str) -> tuple[int, int]:
    """How many events the run left, and how many problems `verify` finds in them."""
    from webapp.audit.verification import verify_chain

    app = create_app(make_test_config(url))
    with app.app_context():
        events = database.session.scalar(select(func.count()).select_from(AuditEvent))
        verification = verify_chain(
            database.session,
            audit.audit_key(),
            Path(app.config["AUDIT_ANCHOR_PATH"]),
        )
        database.engine_for(app).dispose()
    return events, verification.problem_count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--label", default="after")
    arguments = parser.parse_args()
    if not arguments.database_url.startswith("postgresql"):
        raise SystemExit("the appends are measured on PostgreSQL: give --database-url")
    workdir = Path(tempfile.mkdtemp(prefix="ecaf-bench-"))
    os.environ["CAF_INSTANCE_PATH"] = str(workdir / "instance")  # one audit key for all
    users = _prepare(arguments.database_url)

    rates: dict[str, dict[int, list[float]]] = {
        mode: {writers: [] for writers in arguments.writers} for mode in (ONE_CHAIN, THREE_BOROUGHS)
    }
    for _ in range(arguments.rounds):
        for writers in arguments.writers:
            for mode in (ONE_CHAIN, THREE_BOROUGHS):
                rate = _run(arguments.database_url, mode, writers, users, arguments.seconds)
                rates[mode][writers].append(rate)
                print(f"{mode}, {writers} writers: {rate:.0f} appends/s", flush=True)
    events, problems = _events_verified(arguments.database_url)

    measured = {
        str(writers): {mode: round(statistics.median(rates[mode][writers])) for mode in rates}
        for writers in arguments.writers
    }
    results = {
        "ran_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "label": arguments.label,
        "python": platform.python_version(),
        "database": "postgresql",
        "cpus": os.cpu_count(),
        "seconds_per_run": arguments.seconds,
        "rounds": arguments.rounds,
        "appends_per_second": measured,
        "rounds_appends_per_second": {
            mode: {str(writers): [round(r) for r in runs] for writers, runs in by.items()}
            for mode, by in rates.items()
        },
        "events_written": events,
        "verify_problems": problems,
    }
    out = ROOT / "benchmarks" / "results" / f"audit_appends_{arguments.label}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    _write_readme()


def _write_readme() -> None:
    """The section of benchmarks/README.md, from every label's results file."""
    rows = []
    paths = (ROOT / "benchmarks" / "results").glob("audit_appends_*.json")
    for path in sorted(paths, key=lambda path: (path.stem != "audit_appends_before", path)):
        result = json.loads(path.read_text())
        for writers, by_mode in result["appends_per_second"].items():
            one, three = by_mode[ONE_CHAIN], by_mode[THREE_BOROUGHS]
            rows.append(f"| {result['label']} | {writers} | {one} | {three} | {three / one:.2f}× |")
    about = (
        "Appends per second on PostgreSQL, one event per transaction, each writer a process "
        'with its own connection, median of the rounds. "one chain": every event in one '
        'chain, the same head row locked by every append; "three boroughs": the writers act '
        'for users of three boroughs. The code column says which code ran: "before", the '
        "trail as one chain (every append in the country locked the one head row, so both "
        'kinds of run were one chain); "after", one chain per borough (migration 0027a): an '
        "event goes to the chain of the acting user's borough, each chain with its own head "
        "row, events of no borough to the national chain. Ratio: three boroughs over one "
        "chain, in the same run."
    )
    run = (
        "Run: `.venv/bin/python benchmarks/audit_appends.py --database-url "
        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit --label after` (the "
        'database is emptied). The "before" rows come from the same script run on the code '
        "of the commit before the chain per borough."
    )
    section = "\n".join(
        [
            START,
            "## Audit appends (`benchmarks/audit_appends.py`)",
            "",
            textwrap.fill(about, 92),
            "",
            textwrap.fill(run, 92),
            "",
            "| code | writers | one chain | three boroughs | ratio |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            END,
            "",
        ]
    )
    replace_section(ROOT / "benchmarks" / "README.md", START, END, section)


if __name__ == "__main__":
    main()
