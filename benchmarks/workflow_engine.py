"""How much the workflow engine costs a page, against a plain page request, in one run.

    .venv/bin/python benchmarks/workflow_engine.py [--episodes 3000] [--repeat 200]

Builds a throw-away SQLite database in a temporary folder, migrates it, loads the demo
data (`caf seed-demo`) and gives each demo child an episode in a realistic spread of
states with consent records, then measures, each as a median over many runs:

- loading the workflow folder (YAML, schema, semantic checks, override merge);
- an episode's available actions as the episode page computes them: `facts_for` (its
  consent and form queries on the real database) plus the engine's answer;
- the engine's answer alone, from ready facts;
- the baseline: a plain page request (GET /sign-in through the Flask test client);
- for context, whole pages: an episode page, and the home page's worklists for a borough
  CAF contact who sees every episode of the borough.

Writes benchmarks/results/workflow_engine.json and its section of benchmarks/README.md
(between its own markers, leaving any other section alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.readme_sections import replace_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "workflow_engine.json"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- workflow_engine:start -->", "<!-- workflow_engine:end -->"

# A spread of states like a live borough's: most episodes are being delivered or reviewed.
STATES = (
    ("identified", 5),
    ("assessing", 15),
    ("assessed", 8),
    ("delivering", 35),
    ("reviewing", 12),
    ("closure_requested", 5),
    ("closed", 15),
    ("referred_to_social_care", 3),
    ("consent_withdrawn", 2),
)


def measure(action: Callable[[], object], repeat: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 4),
        "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 4),
        "runs": repeat,
    }


def build_app(folder: Path):
    os.environ["CAF_INSTANCE_PATH"] = str(folder / "instance")
    from webapp import create_app
    from webapp import db as database
    from webapp.migrations import runner

    app = create_app(
        {
            "SECRET_KEY": "benchmark",
            "DATABASE_URL": f"sqlite:///{folder / 'benchmark.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    runner.upgrade(database.engine_for(app))
    return app


def add_episodes(db_session, count: int, rng: random.Random) -> None:
    """One episode per demo child (up to `count`), in its borough's workflow."""
    from sqlalchemy import select

    from webapp.access.permissions import Role
    from webapp.accounts.models import User
    from webapp.boroughs.models import Borough
    from webapp.children.models import Child
    from webapp.consent.models import Consent, ConsentDecision, ConsentGiver, ConsentMethod
    from webapp.episodes import workflow
    from webapp.episodes.models import Episode

    catalogue = workflow.catalogue()
    practitioners: dict[int, list[User]] = {}
    for user in db_session.scalars(select(User)):
        if user.has_role(Role.PRACTITIONER) and user.dbs_check_date:
            practitioners.setdefault(user.borough_id, []).append(user)
    boroughs = {borough.id: borough for borough in db_session.scalars(select(Borough))}
    states = [state for state, weight in STATES for _ in range(weight)]
    today = date.today()
    children = db_session.scalars(select(Child).order_by(Child.id).limit(count))
    for number, child in enumerate(children, start=1):
        definition = catalogue.for_borough(boroughs[child.borough_id].code)
        state = rng.choice(states)
        if state == "assessed" and "quality_checked" in definition.states and rng.random() < 0.5:
            state = "quality_checked"
        staff = practitioners[child.borough_id]
        assessor = rng.choice(staff)
        lead = rng.choice(staff) if state not in {"identified", "assessing"} else None
        opened = datetime.now() - timedelta(days=rng.randint(1, 700))
        episode = Episode(
            reference=f"BENCH-{number:06d}",
            child=child,
            borough_id=child.borough_id,
            state=state,
            workflow_id=definition.id,
            workflow_version=definition.version,
            assessor=assessor,
            lead_professional=lead,
            opened_at=opened,
            last_activity_at=opened + timedelta(days=rng.randint(0, 60)),
            closed_at=datetime.now() if definition.states[state].terminal else None,
            next_review_on=today + timedelta(days=rng.randint(-30, 90))
            if state in {"delivering", "reviewing"}
            else None,
            closure_requested_by_id=lead.id if lead and state == "closure_requested" else None,
        )
        db_session.add(episode)
        if state != "identified":
            db_session.add(
                Consent(
                    episode=episode,
                    decision=ConsentDecision.GIVEN,
                    given_by=ConsentGiver.PARENT_CARER,
                    given_by_name="Pat Example",
                    relationship_to_child="Mother",
                    has_parental_responsibility=True,
                    to_assess=True,
                    to_record=True,
                    to_share=state not in {"assessing"},
                    method=ConsentMethod.WRITTEN,
                    given_on=opened.date(),
                    recorded_by_id=assessor.id,
                )
            )
    db_session.commit()


def run(episodes: int, repeat: int) -> dict:
    from sqlalchemy import func, select

    from webapp import db
    from webapp.accounts.models import User
    from webapp.demo import seed
    from webapp.episodes import workflow
    from webapp.episodes.models import Episode
    from webapp.workflow import Engine, load_catalogue

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="ecaf-benchmark-") as temporary:
        app = build_app(Path(temporary))
        with app.app_context():
            seed.seed(db.session, children=episodes)
            db.session.commit()
            add_episodes(db.session, episodes, rng)
            episode_count = db.session.scalar(select(func.count(Episode.id)))
            sample = list(
                db.session.scalars(
                    select(Episode.id)
                    .where(Episode.assessor_id.is_not(None), Episode.closed_at.is_(None))
                    .order_by(Episode.id)
                    .limit(50)
                )
            )
            users = {
                episode_id: db.session.get(Episode, episode_id).assessor_id for episode_id in sample
            }
            contact = db.session.scalars(
                select(User).where(User.email == "caf-contact@riverside.example")
            ).one()
            contact_email = contact.email
            riverside_count = db.session.scalar(
                select(func.count(Episode.id)).where(Episode.borough_id == contact.borough_id)
            )

            folder = Path(app.config["WORKFLOWS_PATH"])
            results = {"load_workflow_folder": measure(lambda: load_catalogue(folder), 30, 2)}

            cycle = iter(range(10**9))

            def available_actions() -> None:
                # As the episode page does: a fresh episode, its facts, the engine's answer.
                episode_id = sample[next(cycle) % len(sample)]
                db.session.expire_all()
                episode = db.session.get(Episode, episode_id)
                user = db.session.get(User, users[episode_id])
                workflow.available_actions(db.session, episode, user)

            results["available_actions_with_facts"] = measure(available_actions, repeat)

            episode = db.session.get(Episode, sample[0])
            user = db.session.get(User, users[sample[0]])
            facts = workflow.facts_for(db.session, episode)
            actor = workflow.actor_for(user, episode)
            engine = workflow.engine_for(episode)
            results["engine_available_only"] = measure(
                lambda: engine.available(episode.state, facts, actor), repeat
            )
            definition = workflow.definition_for(episode)
            results["engine_construction"] = measure(lambda: Engine(definition), repeat)
            db.session.commit()

        client = app.test_client()
        base = "https://localhost"
        results["baseline_sign_in_page"] = measure(
            lambda: client.get("/sign-in", base_url=base), repeat
        )
        signed_in = app.test_client()
        signed_in.post(
            "/sign-in",
            data={"email": "practitioner@riverside.example", "password": seed.DEMO_PASSWORD},
            base_url=base,
        )
        with app.app_context():
            practitioner = db.session.scalars(
                select(User).where(User.email == "practitioner@riverside.example")
            ).one()
            own = db.session.scalars(
                select(Episode.id)
                .where(Episode.assessor_id == practitioner.id, Episode.closed_at.is_(None))
                .limit(1)
            ).one()
        results["episode_page"] = measure(
            lambda: signed_in.get(f"/episodes/{own}", base_url=base), max(repeat // 4, 20)
        )
        contact_client = app.test_client()
        contact_client.post(
            "/sign-in",
            data={"email": contact_email, "password": seed.DEMO_PASSWORD},
            base_url=base,
        )
        assert contact_client.get("/", base_url=base).status_code == 200
        results["home_page_worklists_caf_contact"] = measure(
            lambda: contact_client.get("/", base_url=base), max(repeat // 4, 20)
        )
        from webapp import db as database

        database.engine_for(app).dispose()

    baseline = results["baseline_sign_in_page"]["median_ms"]
    for figures in results.values():
        figures["ratio_to_baseline"] = round(figures["median_ms"] / baseline, 3)
    return {
        "benchmark": "workflow_engine",
        "run_at": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "data": {
            "episodes": episode_count,
            "riverside_episodes": riverside_count,
            "database": "SQLite (embedded default), demo data plus generated episodes",
        },
        "results": results,
    }


LABELS = {
    "load_workflow_folder": "Load the workflow folder (national + Riverside override)",
    "available_actions_with_facts": "Available actions for one episode, with `facts_for`",
    "engine_available_only": "Engine's `available()` alone, from ready facts",
    "engine_construction": "Build an `Engine` for a definition (cached per app)",
    "baseline_sign_in_page": "**Baseline**: GET /sign-in through the test client",
    "episode_page": "Whole episode page (signed in)",
    "home_page_worklists_caf_contact": "Home page worklists, borough CAF contact",
}


def readme_section(report: dict) -> str:
    rows = "\n".join(
        f"| {LABELS[key]} | {figures['median_ms']:.3f} | {figures['p90_ms']:.3f} | "
        f"{figures['ratio_to_baseline']:.3f} |"
        for key, figures in report["results"].items()
    )
    data, machine = report["data"], report["machine"]
    results = report["results"]
    per_request = results["available_actions_with_facts"]["ratio_to_baseline"]
    return f"""{START}
## Workflow engine (`benchmarks/workflow_engine.py`)

Run: `.venv/bin/python benchmarks/workflow_engine.py` (under a minute).

Last run {report["run_at"]}: Python {machine["python"]}, SQLite {machine["sqlite"]},
{machine["cpus"]} CPUs, {data["episodes"]} episodes on the demo data
({data["riverside_episodes"]} in Riverside, which runs its own workflow). Medians and
90th percentiles in milliseconds; the ratio is the median against the baseline, a plain
page request measured in the same run.

| what | median ms | p90 ms | × baseline |
| --- | ---: | ---: | ---: |
{rows}

The workflow folder is loaded once at start-up, never per request. Per request, the
episode page pays for `facts_for` (its consent and form queries) and the engine's answer:
{per_request:.2f}× a plain page request, most of it the database queries; the engine's
own part is a small fraction of that. The engine is not what makes pages slow. Figures
are in `benchmarks/results/workflow_engine.json`.
{END}
"""


def write_readme(report: dict) -> None:
    replace_section(README, START, END, readme_section(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    report = run(arguments.episodes, arguments.repeat)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    write_readme(report)
    for key, figures in report["results"].items():
        print(
            f"{key:36} median {figures['median_ms']:9.3f} ms  "
            f"{figures['ratio_to_baseline']:7.2f}x baseline"
        )
    print(f"Wrote {RESULTS.relative_to(ROOT)} and {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
