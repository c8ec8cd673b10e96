"""WTForms fields for GOV.UK patterns that govuk-frontend-wtf gets wrong or lacks.

The date field reads the three GOV.UK date inputs (day, month, year, all named after the
field), never raises on a missing part (the upstream widget turns that into a 500), uses
GOV.UK wording, and links the error summary to the first part that is wrong."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, RadioField, SelectField, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

NOT_IN_LIST = "Select an option from the list"


class GovukRadioField(RadioField):
    """A radio field whose tampered values get GOV.UK wording, not WTForms'."""

    def pre_validate(self, form):
        if self.data is not None and not any(
            self.data == value for value, *_ in self.iter_choices()
        ):
            raise ValidationError(NOT_IN_LIST)


class GovukSelectField(SelectField):
    def pre_validate(self, form):
        if self.validate_choice and not any(
            self.data == value for value, *_ in self.iter_choices()
        ):
            raise ValidationError(NOT_IN_LIST)


class GovukCheckboxesField(SelectMultipleField):
    def pre_validate(self, form):
        if self.data and self.validate_choice:
            allowed = {value for value, *_ in self.iter_choices()}
            if any(value not in allowed for value in self.data):
                raise ValidationError(NOT_IN_LIST)


PARTS = ("day", "month", "year")


class GovukDateInput(GovDateInput):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        wrong = set(field.wrong_parts) if field.errors else set()
        for item, part in zip(params["items"], PARTS, strict=True):
            item["name"] = f"{field.name}-{part}"  # the GOV.UK convention: date-day, ...
            item["classes"] = item.get("classes", "").replace("govuk-input--error", "").strip()
            if part in wrong:
                item["classes"] += " govuk-input--error"
        return params


class GovukDateField(Field):
    """A date from three inputs. `label_for_errors` is the phrase used in messages, e.g.
    "the date consent was given" gives "Enter the date consent was given"."""

    widget = GovukDateInput()

    def __init__(
        self, label=None, validators=None, *, required=True, label_for_errors=None, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.label_for_errors = label_for_errors or (label or "the date").lower()
        self.wrong_parts: tuple[str, ...] = ()
        self._parse_error: str | None = None

    @property
    def error_anchor(self) -> str:
        first = self.wrong_parts[0] if self.wrong_parts else "day"
        return f"{self.id}-{first}"

    def _value(self):
        return ""

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Read `<name>-day`, `<name>-month` and `<name>-year`, as GOV.UK date inputs send."""
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.process_data(data)
        if formdata is not None:
            self.process_formdata([formdata.get(f"{self.name}-{part}", "") for part in PARTS])

    def process_formdata(self, valuelist):
        parts = [(value or "").strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, value in zip(PARTS, parts, strict=True) if not value]
        subject = self.label_for_errors[0].upper() + self.label_for_errors[1:]
        if missing:
            self.wrong_parts = tuple(missing)
            self._parse_error = f"{subject} must include a {' and '.join(missing)}"
            return
        try:
            day, month, year = (int(value) for value in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.wrong_parts = PARTS
            self._parse_error = f"{subject} must be a real date"

    def pre_validate(self, form):
        if self._parse_error:
            raise StopValidation(self._parse_error)
        if self.data is None and self.required:
            self.wrong_parts = PARTS
            raise StopValidation(f"Enter {self.label_for_errors}")

    def process_data(self, value):
        self.data = value
        if value is not None:
            self.raw_data = [str(value.day), str(value.month), str(value.year)]
