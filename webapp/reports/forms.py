"""The period and filters of a report, sent in the page's address (GET)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from webapp.govuk_fields import date_input, select, submit_button, text_input

ANY = ""
LONGEST_DAYS = 3 * 366


def default_start(today: date) -> date:
    """The first day of the month eleven months ago: the last twelve months."""
    month_index = today.year * 12 + today.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1)


def end_of_month(day: date) -> date:
    month_index = day.year * 12 + day.month  # the next month's
    return date(month_index // 12, month_index % 12 + 1, 1) - timedelta(days=1)


class ReportForm(FlaskForm):
    """No CSRF token: the form changes nothing, and a report has its own address."""

    class Meta:
        csrf = False

    since = date_input(
        "From", "the date the report starts", "For example, 1 4 2026", required=False
    )
    until = date_input("To", "the date the report ends", "For example, 31 3 2027", required=False)
    borough = select("Borough", choices=[(ANY, "Every borough")], default=ANY)
    sector = select("Agency sector", choices=[(ANY, "Every sector")], default=ANY)
    age = select("Age", choices=[(ANY, "Every age")], default=ANY)
    area = select("Postcode district", choices=[(ANY, "Every area")], default=ANY)

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def offer(self, options: dict[str, list[tuple[str, str]]]) -> None:
        for name in ("borough", "sector", "age", "area"):
            field = getattr(self, name, None)
            if field is not None:
                field.choices = [field.choices[0]] + list(options.get(name, []))

    def validate_since(self, field):
        if field.data and field.data > self.today:
            field.wrong_parts = ("day", "month", "year")
            raise ValidationError("The date the report starts must be today or in the past")

    def validate_until(self, field):
        since = self.since.data or default_start(self.today)
        until = field.data or self.today
        if until < since:
            field.wrong_parts = ("day", "month", "year")
            raise ValidationError(
                "The date the report ends must be the same as or after the date it starts"
            )
        if end_of_month(until) - since.replace(day=1) > timedelta(days=LONGEST_DAYS):
            field.wrong_parts = ("day", "month", "year")
            raise ValidationError("The report must cover 3 years or less")

    def period(self) -> tuple[date, date]:
        """The whole calendar months the dates fall in: a report never counts part of a
        month, so that two reports a day apart cannot be subtracted to isolate the CAFs
        of one day."""
        since = self.since.data or default_start(self.today)
        return since.replace(day=1), end_of_month(self.until.data or self.today)

    def chosen(self) -> dict[str, str | None]:
        return {
            name: (getattr(self, name).data or None) if getattr(self, name, None) else None
            for name in ("borough", "sector", "age", "area")
        }


THRESHOLD_MIN = 5
THRESHOLD_MAX = 50
THRESHOLD_MESSAGE = (
    f"Enter a whole number from {THRESHOLD_MIN} to {THRESHOLD_MAX}, like {THRESHOLD_MIN}"
)


class ThresholdForm(FlaskForm):
    """A borough's suppression threshold: never below the national default of 5."""

    threshold = text_input(
        "Smallest count shown",
        required=THRESHOLD_MESSAGE,
        max_length=3,
        strip=True,
        hint=f"Counts below it are shown as “fewer than …”. From {THRESHOLD_MIN} to "
        f"{THRESHOLD_MAX}.",
    )
    submit = submit_button("Save the threshold")

    def validate_threshold(self, field):
        text = field.data or ""
        if not text.isdigit() or not THRESHOLD_MIN <= int(text) <= THRESHOLD_MAX:
            raise ValidationError(THRESHOLD_MESSAGE)
