"""WTForms fields for GOV.UK patterns that govuk-frontend-wtf gets wrong or lacks, and the
builders every form uses for its text, select, radio and submit fields.

The date field reads the three GOV.UK date inputs (day, month, year, all named after the
field), never raises on a missing part (the upstream widget turns that into a 500), uses
GOV.UK wording, and links the error summary to the first part that is wrong.

The builders give each field its GOV.UK widget and its messages in one place, so that a
form says only what is particular to a question: its label, hint, limit and wording."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import (
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from webapp.form_filters import strip_text

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


def too_long(subject: str, max_length: int) -> Length:
    """The GOV.UK message for text over its limit: "<subject> must be N characters or fewer"."""
    return Length(max=max_length, message=f"{subject} must be {max_length} characters or fewer")


def _answer_validators(required: str | Any | None, skip_blank: bool) -> list[Any]:
    """What a blank answer meets first: a message asking for it (a string is InputRequired's
    message; a validator is used as it is), or Optional, which lets a blank answer through
    without the later checks, unless skip_blank is off (an inline check wants blanks too)."""
    if isinstance(required, str):
        return [InputRequired(message=required)]
    if required is not None:
        return [required]
    return [Optional()] if skip_blank else []


def _text_options(
    label: str,
    *,
    required: str | Any | None = None,
    max_length: int | None = None,
    subject: str | None = None,
    hint: str | None = None,
    strip: bool = False,
    skip_blank: bool = True,
    validators: Sequence[Any] = (),
    **options: Any,
) -> dict[str, Any]:
    """The options of a text question. `required` is the message for a blank answer (none:
    the question is optional); `subject` names the answer in the too-long message when the
    label does not ("Role must be 160 characters or fewer"); `strip` trims the answer;
    `validators` run after the length; anything else goes to the field as it is."""
    checks = _answer_validators(required, skip_blank)
    if max_length is not None:
        checks.append(too_long(subject or label, max_length))
    checks.extend(validators)
    if hint is not None:
        # Only a real hint: the radio and date macros would show an empty one.
        options["description"] = hint
    if strip:
        options["filters"] = [strip_text]
    return {"validators": checks, **options}


def text_input(
    label: str, *, field_class: type[StringField] = StringField, **question: Any
) -> StringField:
    """A one-line text question; `question` takes the options of `_text_options`."""
    return field_class(label, widget=GovTextInput(), **_text_options(label, **question))


class EveryErrorTextArea(GovTextArea):
    """A text area that shows every message beside it, one a line, and in the error summary
    (`every_error`), where a field usually shows its first: a YAML draft's problems."""

    every_error = True

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        if field.errors:
            params["errorMessage"] = {"html": Markup("<br>").join(field.errors)}
        return params


def date_input(label: str, subject: str, hint: str, *, required: bool = True) -> GovukDateField:
    """A date question; `subject` names it in messages ("Enter the date of the review")."""
    return GovukDateField(label, required=required, label_for_errors=subject, description=hint)


def text_area(label: str, *, every_error: bool = False, **question: Any) -> TextAreaField:
    """A text area question; `question` takes the options of `_text_options`."""
    widget = EveryErrorTextArea() if every_error else GovTextArea()
    return TextAreaField(label, widget=widget, **_text_options(label, **question))


EMAIL_MAX = 254


def email_input(
    label: str, *, required: str | Any | None = None, hint: str | None = None
) -> StringField:
    """An email address question: trimmed, at most 254 characters, and in the usual format."""
    return text_input(
        label,
        field_class=EmailField,
        required=required,
        max_length=EMAIL_MAX,
        subject="Email address",
        hint=hint,
        strip=True,
        validators=[
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            )
        ],
    )


def _choice_options(required: str | None, hint: str | None, options: dict[str, Any]):
    if required is not None:
        options["validators"] = [InputRequired(message=required), *options.get("validators", ())]
    if hint is not None:
        options["description"] = hint
    return options


def select(
    label: str, *, required: str | None = None, hint: str | None = None, **options: Any
) -> GovukSelectField:
    """A select question; `required` is the message when nothing is chosen."""
    return GovukSelectField(label, widget=GovSelect(), **_choice_options(required, hint, options))


def radios(
    label: str,
    choices: Any,
    *,
    required: str | None = None,
    hint: str | None = None,
    **options: Any,
) -> GovukRadioField:
    """A radio question; `required` is the message when nothing is chosen."""
    return GovukRadioField(
        label,
        widget=GovRadioInput(),
        choices=choices,
        **_choice_options(required, hint, options),
    )


def checkboxes(
    label: str,
    choices: Any = None,
    *,
    required: str | None = None,
    hint: str | None = None,
    **options: Any,
) -> GovukCheckboxesField:
    """A checkboxes question; `required` is the message when none is ticked (without it,
    ticking none is an answer)."""
    if required is None:
        options.setdefault("validators", [Optional()])
    if choices is not None:
        options["choices"] = choices
    return GovukCheckboxesField(
        label, widget=GovCheckboxesInput(), **_choice_options(required, hint, options)
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


def show_errors(form: Any, errors: Mapping[str, str]) -> None:
    """Put each message a service gave on the question it names, for the error summary and
    the field; a message that names no question goes to the form's own errors."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [message]
        else:
            form.form_errors.append(message)


def submit_button(label: str) -> SubmitField:
    """The form's button."""
    return SubmitField(label, widget=GovSubmitInput())
