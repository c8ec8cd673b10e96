"""How many Word documents per second eCAF produces, against an empty template in the same run.

    .venv/bin/python benchmarks/documents_render.py [--rounds 50]

On a throw-away SQLite database with one national CAF assessment filled in (every
section), times:
- rendering an empty template (one placeholder) with docxtpl: the baseline, docxtpl's own
  cost of opening, rendering and saving a package;
- rendering the national CAF form template with the filled assessment's context;
- building that context alone (form definition and answers to sections and rows);
- the whole signed-in download request (access checks, the provenance record, its audit
  event and commit, rendering and hashing).
Reports medians, documents per second and ratios to the baseline, and writes
benchmarks/results/documents_render.json.
"""

from __future__ import annotations

import argparse
import contextvars
import io
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

from docx import Document  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from tests.assessments.answers import CAF_ASSESSMENT  # noqa: E402
from tests.assessments.helpers import make_world  # noqa: E402
from tests.conftest import CheckedClient, make_test_config, sign_in  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db as database  # noqa: E402
from webapp.assessments import pages, services  # noqa: E402
from webapp.documents import context, sources  # noqa: E402
from webapp.documents.render import render_docx  # noqa: E402
from webapp.formdefs import validate_section  # noqa: E402
from webapp.migrations import runner  # noqa: E402


class BenchClient(CheckedClient):
    """The test suite's client without its page checks."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        database.session.commit()
        return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)


def timings_ms(action, rounds: int) -> list[float]:
    action()  # warm up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def empty_template() -> bytes:
    document = Document()
    document.add_paragraph("{{ document.title }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
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
        shown = services.sections(response, form)
        answers = services.visible_answers(response, world["assessor"], form)
        document = dict.fromkeys(context.DOCUMENT_KEYS, "x")

        def build_context():
            return context.build(
                document=document,
                child={"name": "Ada Example"},
                sections=sources.form_sections(shown, answers, blank=False),
                answers=sources.form_answers(shown, answers),
                signatures=sources.signatures_for("caf_assessment"),
            )

        caf_template = (ROOT / "templates" / "national" / "caf_assessment.docx").read_bytes()
        empty = empty_template()
        filled_context = build_context()
        empty_context = {"document": {"title": "Empty"}}
        client = app.test_client()
        sign_in(client, world["assessor"])
        path = f"/episodes/{world['episode'].id}/documents/download?item=response-{response.id}"

        def download():
            reply = client.get(path)
            assert reply.status_code == 200, reply.status_code

        measured = {
            "empty_template_render": timings_ms(lambda: render_docx(empty, empty_context), rounds),
            "caf_form_render": timings_ms(
                lambda: render_docx(caf_template, filled_context), rounds
            ),
            "caf_context_build": timings_ms(build_context, rounds),
            "caf_download_request": timings_ms(download, rounds),
        }
        size = len(render_docx(caf_template, filled_context))
    medians = {name: statistics.median(values) for name, values in measured.items()}
    baseline = medians["empty_template_render"]
    results = {
        "rounds": rounds,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "caf_document_bytes": size,
        "sections": len(shown),
        "medians_ms": {name: round(value, 2) for name, value in medians.items()},
        "p90_ms": {
            name: round(statistics.quantiles(values, n=10)[-1], 2)
            for name, values in measured.items()
        },
        "documents_per_second": {name: round(1000 / value, 1) for name, value in medians.items()},
        "ratios_to_empty_template": {
            name: round(value / baseline, 2) for name, value in medians.items()
        },
    }
    out = ROOT / "benchmarks" / "results" / "documents_render.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
