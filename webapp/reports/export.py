"""A report as rows of text, exactly as its page shows it, for CSV and spreadsheets."""

from __future__ import annotations

import csv
import io

from odswriter import ODSWriter

from webapp.govuk_dates import govuk_date
from webapp.reports.services import Report, Table

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> str:
    """The cell's text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def waiting_text(report: Report, days: float | None, measured: int) -> str:
    if days is None or measured < report.scope.threshold:
        return f"not shown (fewer than {report.scope.threshold} CAFs)"
    return f"{days:.0f} days"


def _table_rows(table: Table) -> list[list[str]]:
    heading = [table.heading, "Number"] + ([table.rate_heading] if table.rate_heading else [])
    rows = [[table.caption], heading]
    for row in table.rows + ([table.total] if table.total else []):
        cells = [row.label, row.figure.text]
        if table.rate_heading:
            cells.append(row.rate or "not shown")
        rows.append(cells)
    return rows + [[]]


def rows(report: Report, filters: list[tuple[str, str]]) -> list[list[str]]:
    found = [
        ["Report", report.scope.title],
        ["From", govuk_date(report.period.start)],
        ["To", govuk_date(report.period.end)],
    ]
    found += [[label, value] for label, value in filters]
    found += [
        [
            f"Counts from 1 to {report.scope.threshold - 1} are shown as 'fewer than "
            f"{report.scope.threshold}'; other counts that would reveal them are 'not shown'."
        ],
        [],
    ]
    for table in [report.summary, *report.tables]:
        found += _table_rows(table)
    if report.waiting_times:
        found += [
            ["Waiting times for CAFs started in the period"],
            ["Measure", "Median", "90th percentile"],
        ]
        for waiting in report.waiting_times:
            found.append(
                [
                    waiting.title,
                    waiting_text(report, waiting.median_days, waiting.measured),
                    waiting_text(report, waiting.p90_days, waiting.measured),
                ]
            )
    return found


def csv_text(table_rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows:
        writer.writerow(neutralised(cell) for cell in row)
    return buffer.getvalue()


def ods_bytes(table_rows: list[list[str]]) -> bytes:
    """The rows as an OpenDocument spreadsheet: every cell is text, neutralised as in CSV."""
    buffer = io.BytesIO()
    with ODSWriter(buffer) as sheet:
        for row in table_rows:
            sheet.writerow([neutralised(cell) for cell in row])
    return buffer.getvalue()
