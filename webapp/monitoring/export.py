"""A child's access history as a CSV file, for an investigation."""

from __future__ import annotations

import csv
import io

from webapp.imports.reading import FORMULA_STARTS
from webapp.monitoring.history import Entry

COLUMNS = (
    "When (UTC)",
    "Who",
    "Organisation",
    "Kind of access",
    "What",
    "Episode",
    "Reason given",
    "Children found",
    "Client address",
    "Audit event",
)


def _cell(value: object) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(entries: list[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for entry in entries:
        actor = entry.actor
        writer.writerow(
            _cell(value)
            for value in (
                entry.event.occurred_at.isoformat(sep=" ", timespec="seconds"),
                actor.full_name if actor else "The system",
                actor.organisation.name if actor else "",
                entry.kind.title,
                entry.description,
                entry.episode_reference or "",
                entry.reason,
                entry.results if entry.results is not None else "",
                entry.event.client_address,
                entry.event.id,
            )
        )
    return buffer.getvalue()
