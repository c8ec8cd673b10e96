"""Validate the answers to a section (one page) or a whole form.

Answers are one flat mapping of field id to raw answer for the whole form (ids are unique
within a form), so a condition can depend on a field of another section. The result holds
the normalised values of the visible fields only — hidden, conditional-but-not-shown and
unknown keys are dropped, so tampered input is never stored — and GOV.UK error messages
keyed as the page's inputs are named: `field`, `group-0-sub_field`, `block-element-needs`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Any

from webapp.formdefs.definition import (
    CHOICE_TYPES,
    ErrorKey,
    Field,
    FieldType,
    FormDefinition,
    Option,
    Section,
)
from webapp.formdefs.validators import (
    SCALAR_CHECKS,
    WrongShape,
    check_date,
    check_service,
    clean_text,
    lower_first,
    message,
    required_message,
    too_long,
)

STRENGTHS_NEEDS_PARTS = ("strengths", "needs")
_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n", ""}


@dataclass(frozen=True)
class ValidationResult:
    values: dict[str, Any] = dataclass_field(default_factory=dict)
    errors: dict[str, str] = dataclass_field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def is_visible(field: Field, answers: Mapping[str, Any]) -> bool:
    """Whether a page shows `field` given the answers so far (overlay-hidden never is)."""
    if field.hidden:
        return False
    return field.visible_if is None or field.visible_if.holds(answers)


def validate_section(
    section: Section,
    answers: Mapping[str, Any],
    *,
    context: Mapping[str, Any] | None = None,
    today: date | None = None,
    service_ids: Collection[int] | None = None,
) -> ValidationResult:
    """Check one page. `context` holds the stored answers of other sections, for
    conditions that look at them; `today` is injectable for tests. `service_ids` are the
    directory services a `service` field may name (None: any, as for stored answers)."""
    return _validate_fields(
        section.fields, answers, context or {}, today or date.today(), "", service_ids
    )


def validate_form(
    form: FormDefinition, answers: Mapping[str, Any], *, today: date | None = None
) -> dict[str, ValidationResult]:
    """Check every section (e.g. before "check your answers" is confirmed)."""
    return {
        section.id: validate_section(section, answers, context=answers, today=today)
        for section in form.sections
    }


def validate_field(
    field: Field,
    raw: Any,
    *,
    answers: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> ValidationResult:
    """Check one field's answer (and its "please specify" follow-up, if in `answers`)."""
    submitted = {**(answers or {}), field.id: raw}
    return _validate_fields((field,), submitted, {}, today or date.today(), "")


def _validate_fields(
    fields: Iterable[Field],
    answers: Mapping[str, Any],
    context: Mapping[str, Any],
    today: date,
    prefix: str,
    service_ids: Collection[int] | None = None,
) -> ValidationResult:
    lookup = {**context, **answers}
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if not is_visible(field, lookup):
            continue
        raw = answers.get(field.id)
        value, field_errors = _validate_one(field, raw, lookup, today, prefix, service_ids)
        errors.update(field_errors)
        if value is not None and not field_errors:
            values[field.id] = value
        for option, follow_up in _chosen_with_follow_up(field, raw):
            text, error = SCALAR_CHECKS[follow_up.type](follow_up, answers.get(follow_up.id))
            if text is None and error is None:
                default = f"Give details of {lower_first(option.label)}"
                error = follow_up.error_message(ErrorKey.REQUIRED) or default
            if error:
                errors[prefix + follow_up.id] = error
            else:
                values[follow_up.id] = text
    return ValidationResult(values, errors)


def _chosen_with_follow_up(field: Field, raw: Any) -> list[tuple[Option, Field]]:
    """The chosen options that have a "please specify" follow-up, with that follow-up."""
    if field.type not in CHOICE_TYPES:
        return []
    chosen = raw if isinstance(raw, list | tuple) else [raw]
    chosen_values = {item.strip() for item in chosen if isinstance(item, str)}
    return [
        (option, option.specify)
        for option in field.options
        if option.specify is not None and option.value in chosen_values
    ]


def _validate_one(
    field: Field,
    raw: Any,
    lookup: Mapping[str, Any],
    today: date,
    prefix: str,
    service_ids: Collection[int] | None,
) -> tuple[Any, dict[str, str]]:
    key = prefix + field.id
    if field.type is FieldType.REPEATING_GROUP:
        return _validate_group(field, raw, lookup, today, prefix, service_ids)
    if field.type is FieldType.STRENGTHS_NEEDS:
        value, errors = _validate_strengths_needs(field, raw, prefix)
    elif field.type is FieldType.DATE:
        value, error = check_date(field, raw, today=today, answers=lookup)
        errors = {key: error} if error else {}
    elif field.type is FieldType.SERVICE:
        value, error = check_service(field, raw, service_ids=service_ids)
        errors = {key: error} if error else {}
    else:
        value, error = SCALAR_CHECKS[field.type](field, raw)
        errors = {key: error} if error else {}
    if value is None and not errors and field.required:
        errors = {key: required_message(field)}
    return value, errors


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(_is_blank(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_is_blank(item) for item in value)
    return False


def _validate_group(
    field: Field,
    raw: Any,
    lookup: Mapping[str, Any],
    today: date,
    prefix: str,
    service_ids: Collection[int] | None,
) -> tuple[list[dict[str, Any]] | None, dict[str, str]]:
    """An "add another" list: blank items are dropped, then each item is checked."""
    key = prefix + field.id
    if raw is None or raw == "":
        raw = []
    if not isinstance(raw, list | tuple):
        return None, {key: message(field, ErrorKey.INVALID, f"{field.name} could not be read")}
    items: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors[f"{key}-{index}"] = message(
                field, ErrorKey.INVALID, f"{field.name} could not be read"
            )
            continue
        if _is_blank(item):
            continue
        result = _validate_fields(field.fields, item, lookup, today, f"{key}-{index}-", service_ids)
        errors.update(result.errors)
        items.append(result.values)
    count = len(items)
    if count == 0 and field.required:
        errors[key] = required_message(field)
    elif count < field.min_items:
        default = (
            required_message(field)
            if field.min_items == 1
            else f"Add at least {field.min_items} entries to {lower_first(field.name)}"
        )
        errors[key] = message(field, ErrorKey.TOO_FEW, default)
    elif field.max_items is not None and count > field.max_items:
        default = f"You can add up to {field.max_items} entries to {lower_first(field.name)}"
        errors[key] = message(field, ErrorKey.TOO_MANY, default)
    return (items or None), errors


def _validate_strengths_needs(
    field: Field, raw: Any, prefix: str
) -> tuple[dict[str, dict[str, Any]] | None, dict[str, str]]:
    """Per element: strengths and needs (text) and whether it was left undiscussed."""
    key = prefix + field.id
    if raw is None or raw == "":
        return None, {}
    invalid = message(field, ErrorKey.INVALID, f"{field.name} could not be read")
    if not isinstance(raw, Mapping):
        return None, {key: invalid}
    values: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for element in field.elements:
        answer = raw.get(element.id)
        if answer is None:
            continue
        if not isinstance(answer, Mapping):
            errors[f"{key}-{element.id}"] = invalid
            continue
        recorded: dict[str, Any] = {}
        for part in STRENGTHS_NEEDS_PARTS:
            part_key = f"{key}-{element.id}-{part}"
            try:
                text = clean_text(answer.get(part))
            except WrongShape:
                errors[part_key] = invalid
                continue
            if text is None:
                continue
            subject = f"{part.capitalize()} for {lower_first(element.label)}"
            error = too_long(field, text, subject)
            if error:
                errors[part_key] = error
            else:
                recorded[part] = text
        not_discussed = _flag(answer.get("not_discussed"))
        if not_discussed is None:
            errors[f"{key}-{element.id}-not_discussed"] = invalid
        elif not_discussed:
            recorded["not_discussed"] = True
        if recorded:
            values[element.id] = recorded
    return (values or None), errors


def _flag(raw: Any) -> bool | None:
    """A checkbox's answer as True/False, or None if it is not a yes/no kind of value."""
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    return None
