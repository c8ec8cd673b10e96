"""Write a subject access bundle as a zip, in memory: a readable HTML file per part, the part
for review kept apart, a README, and the whole bundle as JSON."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from webapp.govuk_dates import govuk_date_time
from webapp.subject_access.bundle import Bundle, Part

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "subject_access" / "bundle"


def _label(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["label"] = _label
    environment.filters["govuk_date_time"] = govuk_date_time
    return environment


def files(bundle: Bundle) -> list[tuple[str, Part]]:
    """(file name, part) for each part, in order; the part for review last."""
    parts = [*bundle.parts, bundle.for_review]
    return [
        (f"{number:02d}-{part.key.replace('_', '-')}.html", part)
        for number, part in enumerate(parts, start=1)
    ]


def as_json(bundle: Bundle) -> dict[str, Any]:
    return {
        "produced": {
            "at": bundle.produced_at.strftime("%Y-%m-%d %H:%M"),
            "by": bundle.produced_by.full_name,
            "organisation": bundle.produced_by.organisation.name,
            "request": bundle.request_details,
        },
        "child_reference": bundle.child.unique_reference,
        **{part.key: part.records for part in bundle.parts},
        bundle.for_review.key: bundle.for_review.records,
    }


def write(bundle: Bundle) -> bytes:
    environment = _environment()
    context = {"bundle": bundle, "files": files(bundle)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", environment.get_template("readme.txt").render(context))
        for name, part in context["files"]:
            page = environment.get_template("part.html").render(
                part=part, for_review=part is bundle.for_review, **context
            )
            archive.writestr(name, page)
        archive.writestr(
            "bundle.json", json.dumps(as_json(bundle), indent=2, ensure_ascii=False, default=str)
        )
    return buffer.getvalue()


def file_name(bundle: Bundle) -> str:
    return (
        f"subject-access-{bundle.child.unique_reference}-"
        f"{bundle.produced_at.strftime('%Y%m%d-%H%M')}.zip"
    )
