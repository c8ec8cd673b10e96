"""Dates and times as GOV.UK writes them: "5 March 2024", "5 March 2024 at 14:30".

One function for each, used by the pages (the `govuk_date` and `govuk_date_time` filters)
and by the code that words documents, so that every place says a date the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from flask import Flask


def govuk_date(value: date) -> str:
    """ "5 March 2024": the day without a leading zero, the month in full."""
    return f"{value.day} {value.strftime('%B %Y')}"


def govuk_date_time(value: datetime) -> str:
    """ "5 March 2024 at 14:30", on the 24-hour clock."""
    return f"{govuk_date(value)} at {value.strftime('%H:%M')}"


UK = ZoneInfo("Europe/London")


def uk_time(value: datetime) -> datetime:
    """A time kept in UTC (without a zone, as the database keeps it) on the UK's clocks:
    GMT in winter, BST in summer."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UK)


def init_app(app: Flask) -> None:
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_date_time)
