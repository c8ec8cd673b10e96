"""What a practitioner would type into any form page, worked out from the form's definition:
every question answered with a value its type accepts, so a borough's own questions are
answered too without a table of answers per borough."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from webapp.formdefs import FormDefinition, Section
from webapp.formdefs.definition import DateRule, Field, FieldType

PAST = date(2015, 5, 17)
SOON = date.today() + timedelta(days=14)

_TYPED = {
    FieldType.EMAIL: "person@example.org",
    FieldType.UK_PHONE: "020 7946 0000",
    FieldType.UK_POSTCODE: "SE15 4AB",
    FieldType.NHS_NUMBER: "943 476 5919",
}


def _date(item: Field) -> date:
    if item.date_rule is DateRule.FUTURE:
        return SOON
    if item.date_rule in (DateRule.PAST, DateRule.BIRTH_OR_DUE):
        return PAST
    return date.today()


def _choice(item: Field) -> str:
    if item.type is FieldType.YES_NO:
        return "no"  # "yes" often opens further questions (an unborn baby, details...)
    return item.options[0].value


def _text(item: Field) -> str:
    text = f"Example answer to {item.short_label or item.label}"
    limit = item.max_length or 500
    return text[: min(limit, 120)]


def _fill(fields: tuple[Field, ...], prefix: str, data: dict[str, Any]) -> None:
    for item in fields:
        if item.hidden:
            continue
        key = prefix + item.id
        if item.type is FieldType.REPEATING_GROUP:
            data[f"{key}-items"] = "1"
            _fill(item.fields, f"{key}-0-", data)
        elif item.type is FieldType.STRENGTHS_NEEDS:
            for element in item.elements:
                data[f"{key}-{element.id}-strengths"] = "Example strength"
                data[f"{key}-{element.id}-needs"] = "Example need"
        elif item.type is FieldType.DATE:
            value = _date(item)
            data.update(
                {f"{key}-day": str(value.day), f"{key}-month": str(value.month)}
                | {f"{key}-year": str(value.year)}
            )
        elif item.type is FieldType.CHECKBOXES:
            data[key] = [item.options[0].value]
        elif item.type in (FieldType.RADIOS, FieldType.SELECT, FieldType.YES_NO):
            data[key] = _choice(item)
        elif item.type is FieldType.NUMBER:
            data[key] = "1"
        elif item.type is FieldType.SERVICE:
            continue  # a service from the directory: optional wherever it is asked
        elif item.type in _TYPED:
            data[key] = _TYPED[item.type]
        else:
            data[key] = _text(item)
        for follow_up in item.specify_fields():
            data[prefix + follow_up.id] = _text(follow_up)


def section_data(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _fill(section.visible_fields, "", data)
    return data


def form_data(form: FormDefinition, sections: list[Section]) -> dict[str, dict[str, Any]]:
    return {section.id: section_data(section) for section in sections}
