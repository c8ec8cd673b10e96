"""How long the reports page takes for a borough with 50,000 episodes.

    .venv/bin/python benchmarks/reports_page.py [--episodes 50000] [--rounds 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports]

Builds a throw-away database (SQLite by default; a PostgreSQL database named by
--database-url is emptied and migrated), adds the synthetic episodes with the same code as
`flask caf reports generate`, signs in as the borough's CAF contact and times, in the same
run: the whole signed-in GET /reports (queries, suppression, audit, render) built afresh
and with the figures kept by an earlier request (webapp/reports/cache.py), the report's
building alone (queries and suppression), the suppression alone, and GET /sign-in as a
plain page. Writes benchmarks/results/reports_page.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forms_render import BenchClient  # noqa: E402 - benchmarks/, the script's folder
from sqlalchemy import create_engine, text  # noqa: E402

from tests.conftest import make_test_config, sign_in  # noqa: E402
from tests.factories import make_borough, make_organisation, make_user  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db as database  # noqa: E402
from webapp.access.permissions import Role  # noqa: E402
from webapp.boroughs.models import Sector  # noqa: E402
from webapp.db import utcnow  # noqa: E402
from webapp.episodes import workflow  # noqa: E402
from webapp.migrations import runner  # noqa: E402
from webapp.reports import services, synthetic  # noqa: E402
from webapp.reports.forms import default_start  # noqa: E402
from webapp.reports.queries import Period  # noqa: E402
from webapp.reports.scope import scope_for  # noqa: E402


def timed(action, rounds: int) -> dict[str, float]:
    action()  # warm up: compile templates, fill caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[min(len(times) - 1, int(len(times) * 0.9))], 1),
    }


def _database(url: str | None, workdir: Path) -> str:
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        engine = database.make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecaf-bench-"))
    url = _database(arguments.database_url, workdir)
    os.environ["CAF_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(make_test_config(url))
    app.test_client_class = BenchClient
    with app.app_context():
        borough = make_borough("riverside", name="London Borough of Riverside")
        for sector in (Sector.SCHOOL, Sector.HEALTH, Sector.EARLY_YEARS, Sector.YOUTH):
            organisation = make_organisation(borough, sector)
            for _ in range(5):
                make_user(organisation, two_factor=False)
        contact = make_user(
            make_organisation(borough, Sector.LOCAL_AUTHORITY), Role.BOROUGH_CAF_CONTACT
        )
        database.session.commit()
        started = time.perf_counter()
        synthetic.generate(database.session, borough, arguments.episodes)
        database.session.commit()
        generated_s = time.perf_counter() - started
        if database.engine_for(app).dialect.name == "postgresql":
            # PostgreSQL plans from table statistics, which autovacuum gathers some time
            # after a bulk load: gathered now, as a running service would have them.
            database.session.execute(text("ANALYZE"))
            database.session.commit()

        client = app.test_client()
        sign_in(client, contact)
        plain = app.test_client()
        today = date.today()

        def page():
            response = client.get("/reports")
            assert response.status_code == 200, response.status_code

        def build():
            with app.test_request_context():
                scope = scope_for(database.session, database.session.merge(contact))
                return services.build(
                    database.session,
                    scope,
                    Period(default_start(today), today),
                    {},
                    workflow.catalogue(),
                    utcnow(),
                    today,
                )

        figures = app.extensions["reports_cache"]
        figures.seconds = 0  # every request builds the report
        cold = timed(page, arguments.rounds)
        figures.seconds = 120  # the figures kept by the first request (the default)
        kept = timed(page, arguments.rounds)
        figures.seconds = 0
        measured = {
            "reports_page_request": cold,
            "reports_page_request_figures_kept": kept,
            "report_build_alone": timed(build, arguments.rounds),
            "sign_in_page_request": timed(lambda: plain.get("/sign-in"), arguments.rounds),
        }
        engine_name = database.engine_for(app).dialect.name
    results = {
        "ran_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "database": engine_name,
        "cpus": os.cpu_count(),
        "episodes": arguments.episodes,
        "rounds": arguments.rounds,
        "generated_seconds": round(generated_s, 1),
        "measured": measured,
    }
    out = ROOT / "benchmarks" / "results" / f"reports_page_{engine_name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
