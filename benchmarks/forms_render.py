"""How long the form pages take to build and render, against a plain page in the same run.

    .venv/bin/python benchmarks/forms_render.py [--rounds 200]

Times, on a throw-away SQLite database with one filled-in national CAF assessment:
- the largest section page (most inputs) and the full "check your answers" page, each as a
  whole signed-in GET (access checks, database reads, audit write, build and render) and
  as the build-and-render step alone (no database);
- the sign-in page, a plain page, as the baseline.
Reports medians and ratios to the baseline, and writes benchmarks/results/forms_render.json.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from tests.assessments.answers import CAF_ASSESSMENT  # noqa: E402
from tests.assessments.helpers import make_world  # noqa: E402
from tests.conftest import CheckedClient, make_test_config, sign_in  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db as database  # noqa: E402
from webapp.assessments import display, pages, services  # noqa: E402
from webapp.assessments.forms import SectionForm  # noqa: E402
from webapp.formdefs import FieldType, validate_section  # noqa: E402
from webapp.migrations import runner  # noqa: E402


class BenchClient(CheckedClient):
    """The test suite's client without its page checks (parsing every page would be timed)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        database.session.commit()
        return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)


def input_count(section) -> int:
    total = 0
    for field in section.visible_fields:
        if field.type is FieldType.STRENGTHS_NEEDS:
            total += 3 * len(field.elements)
        elif field.type is FieldType.REPEATING_GROUP:
            total += len(field.fields)
        else:
            total += max(1, len(field.choices)) + sum(1 for _ in field.specify_fields())
    return total


def median_ms(action, rounds: int) -> float:
    action()  # warm up: compile templates, fill caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    workdir = Path(tempfile.mkdtemp(prefix="ecaf-bench-"))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    engine = database.make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    os.environ["CAF_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(make_test_config(url))
    app.test_client_class = BenchClient
    with app.app_context():
        world = make_world("eastmoor")
        response = services.start_response(
            database.session, world["episode"], "assessment", world["assessor"]
        )
        for section in services.sections(response):
            if section.id not in CAF_ASSESSMENT:
                continue  # the consent section: the episode's consent record answers it
            raw = pages.parse_section(section, MultiDict(CAF_ASSESSMENT[section.id]))
            values = validate_section(section, raw, context=response.answers()).values
            services.save_section(
                database.session,
                response,
                section.id,
                values,
                expected_version=0,
                complete=True,
                actor=world["assessor"],
            )
        database.session.commit()
        form = services.definition(response)
        largest = max(services.sections(response), key=input_count)
        episode_id, response_id = world["episode"].id, response.id
        client = app.test_client()
        sign_in(client, world["assessor"])
        base = f"/episodes/{episode_id}/forms/{response_id}"

        def get(path):
            def action():
                reply = client.get(path)
                assert reply.status_code == 200, (path, reply.status_code)

            return action

        answers = response.answers()
        row = response.section_rows()[largest.id]

        def render_section():
            with app.test_request_context(f"{base}/sections/{largest.id}"):
                raw = pages.raw_from_stored(largest.visible_fields, row.values)
                nodes = pages.build_nodes(largest, raw, {}, {})
                render_template(
                    "assessments/section.html",
                    episode=world["episode"],
                    response=response,
                    response_title="CAF assessment, version 1",
                    section=largest,
                    nodes=nodes,
                    error_list=[],
                    section_form=SectionForm(formdata=None),
                    pages=pages,
                )

        def render_check():
            with app.test_request_context(f"{base}/check"):
                render_template(
                    "assessments/check.html",
                    episode=world["episode"],
                    response=response,
                    response_title="CAF assessment, version 1",
                    definition=form,
                    summaries=[
                        (section, display.summary_rows(section, answers))
                        for section in services.sections(response, form)
                    ],
                    incomplete=[],
                    editable=True,
                    kind=services.kind(response),
                    confirm=None,
                    may_complete_assessment=True,
                )

        def render_sign_in():
            with app.test_request_context("/sign-in"):
                from webapp.accounts.forms import SignInForm

                render_template(
                    "accounts/sign_in.html",
                    form=SignInForm(formdata=None),
                    carried=[],
                    timed_out=False,
                )

        plain = client.__class__(app)  # signed out: the sign-in page
        measured = {
            "sign_in_page_request": median_ms(lambda: plain.get("/sign-in"), rounds),
            "largest_section_request": median_ms(get(f"{base}/sections/{largest.id}"), rounds),
            "check_answers_request": median_ms(get(f"{base}/check"), rounds),
            "sign_in_page_render": median_ms(render_sign_in, rounds),
            "largest_section_build_and_render": median_ms(render_section, rounds),
            "check_answers_build_and_render": median_ms(render_check, rounds),
        }
    results = {
        "rounds": rounds,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "largest_section": largest.id,
        "largest_section_inputs": input_count(largest),
        "medians_ms": {name: round(value, 3) for name, value in measured.items()},
        "ratios_to_sign_in": {
            "largest_section_request": round(
                measured["largest_section_request"] / measured["sign_in_page_request"], 2
            ),
            "check_answers_request": round(
                measured["check_answers_request"] / measured["sign_in_page_request"], 2
            ),
            "largest_section_build_and_render": round(
                measured["largest_section_build_and_render"] / measured["sign_in_page_render"], 2
            ),
            "check_answers_build_and_render": round(
                measured["check_answers_build_and_render"] / measured["sign_in_page_render"], 2
            ),
        },
    }
    out = ROOT / "benchmarks" / "results" / "forms_render.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
