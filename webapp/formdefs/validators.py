"""Checks for single answers, with GOV.UK Design System error wording.

Each check takes what the browser (or a stored answer) gives — text, a list of option
values, a dict of date parts — and returns `(value, error)`: the normalised value, or
None when nothing was answered, and one error message or None. Text is kept as text:
HTML in an answer is never interpreted here, and the app escapes it when showing it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from webapp.formdefs.definition import DateRule, ErrorKey, Field, FieldType

Outcome = tuple[Any, str | None]

PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
POSTCODE_MESSAGE = "Enter a real postcode"
NHS_NUMBER_MESSAGE = "Enter a valid NHS number"
NOT_IN_LIST_MESSAGE = "Select an option from the list"
SERVICE_MESSAGE = "Select a service from the list"
DUE_WINDOW_MONTHS = 10

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UK_PHONE = re.compile(r"^0[0-9]{9,10}$")
_INTERNATIONAL_PHONE = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,15}$")
_DECIMAL = re.compile(r"^-?[0-9]*\.[0-9]+$")


class WrongShape(Exception):
    """The answer is not even the right kind of value (tampered or broken input)."""


def lower_first(text: str) -> str:
    """'Date of birth' -> 'date of birth', but 'NHS number' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def message(field: Field, key: ErrorKey, default: str) -> str:
    return field.error_message(key) or default


def required_message(field: Field) -> str:
    """'Enter ...' for things typed, 'Select ...' for things chosen, unless reworded."""
    own = field.error_message(ErrorKey.REQUIRED)
    if own:
        return own
    name = lower_first(field.name)
    if field.type is FieldType.YES_NO:
        return "Select yes or no"
    if field.type in (FieldType.RADIOS, FieldType.SELECT, FieldType.CHECKBOXES, FieldType.SERVICE):
        return f"Select {name}"
    if field.type is FieldType.REPEATING_GROUP:
        return f"Add at least one {field.item_label or 'item'}"
    if field.type is FieldType.STRENGTHS_NEEDS:
        return f"Record strengths or needs for at least one area of {name}"
    return f"Enter {name}"


def clean_text(raw: Any, *, multiline: bool = True) -> str | None:
    """Trimmed text with control characters removed (they break storage), or None."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise WrongShape
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL_CHARACTERS.sub("", text).strip()
    return text or None


def too_long(field: Field, text: str, subject: str | None = None) -> str | None:
    limit = field.length_limit
    if limit is not None and len(text) > limit:
        default = f"{subject or field.name} must be {limit} characters or fewer"
        return message(field, ErrorKey.TOO_LONG, default)
    return None


def check_text(field: Field, raw: Any, **_: Any) -> Outcome:
    try:
        text = clean_text(raw, multiline=field.type is not FieldType.TEXT)
    except WrongShape:
        return None, message(field, ErrorKey.INVALID, f"{field.name} must be text")
    if text is None:
        return None, None
    return text, too_long(field, text)


def _formatted(field: Field, raw: Any, default: str) -> tuple[str | None, str | None]:
    try:
        text = clean_text(raw, multiline=False)
    except WrongShape:
        return None, message(field, ErrorKey.INVALID, default)
    if text is not None and len(text) > 320:  # no real address, number or code is longer
        return None, message(field, ErrorKey.INVALID, default)
    return text, None


def check_email(field: Field, raw: Any, **_: Any) -> Outcome:
    text, error = _formatted(field, raw, EMAIL_MESSAGE)
    if text is None or error:
        return None, error
    if len(text) > 254 or not _EMAIL.match(text):
        return None, message(field, ErrorKey.INVALID, EMAIL_MESSAGE)
    return text, None


def check_uk_phone(field: Field, raw: Any, **_: Any) -> Outcome:
    text, error = _formatted(field, raw, PHONE_MESSAGE)
    if text is None or error:
        return None, error
    compact = _PHONE_PUNCTUATION.sub("", text)
    for international in ("+44", "0044"):
        if compact.startswith(international):
            rest = compact[len(international) :]
            compact = rest if rest.startswith("0") else "0" + rest
    if not (_UK_PHONE.match(compact) or _INTERNATIONAL_PHONE.match(compact)):
        return None, message(field, ErrorKey.INVALID, PHONE_MESSAGE)
    return " ".join(text.split()), None


def check_uk_postcode(field: Field, raw: Any, **_: Any) -> Outcome:
    text, error = _formatted(field, raw, POSTCODE_MESSAGE)
    if text is None or error:
        return None, error
    match = _POSTCODE.match("".join(text.upper().split()))
    if match is None:
        return None, message(field, ErrorKey.INVALID, POSTCODE_MESSAGE)
    return f"{match.group(1)} {match.group(2)}", None


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def check_nhs_number(field: Field, raw: Any, **_: Any) -> Outcome:
    text, error = _formatted(field, raw, NHS_NUMBER_MESSAGE)
    if text is None or error:
        return None, error
    digits = re.sub(r"[\s-]", "", text)
    if not nhs_number_is_valid(digits):
        return None, message(field, ErrorKey.INVALID, NHS_NUMBER_MESSAGE)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}", None


def check_number(field: Field, raw: Any, **_: Any) -> Outcome:
    invalid = message(field, ErrorKey.INVALID, f"{field.name} must be a number")
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    else:
        try:
            text = clean_text(raw, multiline=False)
        except WrongShape:
            return None, invalid
        if text is None:
            return None, None
        text = text.replace(",", "").replace(" ", "")
        if _DECIMAL.match(text):
            return None, message(field, ErrorKey.INVALID, f"{field.name} must be a whole number")
        if not _WHOLE_NUMBER.match(text):
            return None, invalid
        number = int(text)
    if field.minimum is not None and number < field.minimum:
        default = f"{field.name} must be {field.minimum} or more"
        return None, message(field, ErrorKey.TOO_SMALL, default)
    if field.maximum is not None and number > field.maximum:
        default = f"{field.name} must be {field.maximum} or less"
        return None, message(field, ErrorKey.TOO_LARGE, default)
    return number, None


def check_choice(field: Field, raw: Any, **_: Any) -> Outcome:
    """Radios, select and yes/no: one value, which must be one of the options."""
    try:
        value = clean_text(raw, multiline=False)
    except WrongShape:
        return None, message(field, ErrorKey.NOT_IN_LIST, NOT_IN_LIST_MESSAGE)
    if value is None:
        return None, None
    if field.option(value) is None:
        return None, message(field, ErrorKey.NOT_IN_LIST, NOT_IN_LIST_MESSAGE)
    return value, None


def check_checkboxes(field: Field, raw: Any, **_: Any) -> Outcome:
    """Any number of values, each an option; kept in the order the options are listed."""
    items = [raw] if isinstance(raw, str) else raw
    if items is None:
        return None, None
    if not isinstance(items, list | tuple):
        return None, message(field, ErrorKey.NOT_IN_LIST, NOT_IN_LIST_MESSAGE)
    chosen: set[str] = set()
    for item in items:
        try:
            value = clean_text(item, multiline=False)
        except WrongShape:
            return None, message(field, ErrorKey.NOT_IN_LIST, NOT_IN_LIST_MESSAGE)
        if value is None:
            continue
        if field.option(value) is None:
            return None, message(field, ErrorKey.NOT_IN_LIST, NOT_IN_LIST_MESSAGE)
        chosen.add(value)
    values = [option.value for option in field.choices if option.value in chosen]
    return values or None, None


def check_service(field: Field, raw: Any, *, service_ids: Any = None, **_: Any) -> Outcome:
    """A service from the directory, by id. `service_ids` holds the ids the page may offer
    (the borough's services in the directory); None checks the shape only, as for stored
    answers, whose service may since have left the directory."""
    refused = message(field, ErrorKey.NOT_IN_LIST, SERVICE_MESSAGE)
    if isinstance(raw, bool):
        return None, refused
    if isinstance(raw, int):
        service_id = raw
    else:
        try:
            text = clean_text(raw, multiline=False)
        except WrongShape:
            return None, refused
        if text is None:
            return None, None
        if not re.fullmatch(r"[0-9]{1,9}", text):
            return None, refused
        service_id = int(text)
    if service_id < 1 or (service_ids is not None and service_id not in service_ids):
        return None, refused
    return service_id, None


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(field: Field, raw: Any) -> Outcome:
    """A date from GOV.UK date input parts ({"day", "month", "year"}) or ISO text."""
    real = message(field, ErrorKey.REAL_DATE, f"{field.name} must be a real date")
    if isinstance(raw, date):
        return raw, None
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, str):
        match = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", raw)
        if match is None:
            return None, real
        parts = {"year": match.group(1), "month": match.group(2), "day": match.group(3)}
    elif isinstance(raw, Mapping):
        parts = {}
        for name in ("day", "month", "year"):
            try:
                parts[name] = clean_text(raw.get(name), multiline=False) or ""
            except WrongShape:
                return None, real
    else:
        return None, real
    missing = [name for name in ("day", "month", "year") if not parts[name]]
    if len(missing) == 3:
        return None, None
    if missing:
        return None, f"{field.name} must include a {' and '.join(missing)}"
    if not all(parts[name].isdigit() for name in parts) or len(parts["year"]) != 4:
        return None, real
    try:
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None, real
    if value.year < 1900:
        return None, real
    return value, None


def check_date(field: Field, raw: Any, *, today: date, answers: Mapping[str, Any]) -> Outcome:
    """A real date that fits the field's rule; stored as ISO text (YYYY-MM-DD)."""
    value, error = parse_date(field, raw)
    if value is None or error:
        return None, error
    rule = field.date_rule
    if rule is DateRule.PAST and value > today:
        return None, message(field, ErrorKey.PAST, f"{field.name} must be today or in the past")
    if rule is DateRule.FUTURE and value < today:
        default = f"{field.name} must be today or in the future"
        return None, message(field, ErrorKey.FUTURE, default)
    if rule is DateRule.BIRTH_OR_DUE:
        error = _birth_or_due_error(field, value, today, answers)
        if error:
            return None, error
    return value.isoformat(), None


def _birth_or_due_error(
    field: Field, value: date, today: date, answers: Mapping[str, Any]
) -> str | None:
    latest_due = add_months(today, DUE_WINDOW_MONTHS)
    unborn = field.unborn_if.holds(answers) if field.unborn_if else None
    window = f"within the next {DUE_WINDOW_MONTHS} months"
    if unborn is True:
        if value < today:
            default = "Expected date of delivery must be today or in the future"
            return message(field, ErrorKey.FUTURE, default)
        if value > latest_due:
            default = f"Expected date of delivery must be {window}"
            return message(field, ErrorKey.DUE_WINDOW, default)
    elif unborn is False:
        if value > today:
            return message(field, ErrorKey.PAST, f"{field.name} must be in the past")
    elif value > latest_due:
        default = f"{field.name} must be in the past, or {window} for an expected date of delivery"
        return message(field, ErrorKey.DUE_WINDOW, default)
    return None


Check = Callable[..., Outcome]

SCALAR_CHECKS: dict[FieldType, Check] = {
    FieldType.TEXT: check_text,
    FieldType.TEXTAREA: check_text,
    FieldType.NUMBER: check_number,
    FieldType.DATE: check_date,
    FieldType.RADIOS: check_choice,
    FieldType.SELECT: check_choice,
    FieldType.YES_NO: check_choice,
    FieldType.CHECKBOXES: check_checkboxes,
    FieldType.EMAIL: check_email,
    FieldType.UK_PHONE: check_uk_phone,
    FieldType.UK_POSTCODE: check_uk_postcode,
    FieldType.NHS_NUMBER: check_nhs_number,
    FieldType.SERVICE: check_service,
}
