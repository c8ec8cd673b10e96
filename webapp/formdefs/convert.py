"""Build definitions from plain dicts (parsed YAML, or JSON kept in a database) and back.

`form_to_dict` is the inverse of `form_from_dict`, so an effective form can be stored as
JSON beside an episode, or shown to an administrator as YAML, and rebuilt unchanged.
The input is assumed to have passed the JSON Schema (`schema.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapp.formdefs.definition import (
    Condition,
    DataClass,
    DateRule,
    Element,
    ErrorKey,
    Field,
    FieldType,
    FormDefinition,
    Option,
    Section,
)


def condition_from_dict(data: Mapping[str, Any]) -> Condition:
    values = tuple(data["any_of"]) if "any_of" in data else (data.get("equals", ""),)
    return Condition(field=data["field"], values=values)


def option_from_dict(data: Mapping[str, Any]) -> Option:
    specify = data.get("specify")
    return Option(
        value=data["value"],
        label=data["label"],
        hint=data.get("hint"),
        group=data.get("group"),
        specify=field_from_dict(specify) if specify else None,
    )


def field_from_dict(data: Mapping[str, Any]) -> Field:
    return Field(id=data["id"], **field_properties(data))


def field_properties(data: Mapping[str, Any]) -> dict[str, Any]:
    """Field attributes from the YAML keys present in `data` (all but `id`), so that an
    overlay's `modify` can apply just the keys it names."""
    properties: dict[str, Any] = {}
    simple = (
        "label",
        "short_label",
        "hint",
        "required",
        "core",
        "hidden",
        "max_length",
        "shareable_restriction",
        "rating_scale",
        "min_items",
        "max_items",
        "item_label",
        "add_another_label",
    )
    for key in simple:
        if key in data:
            properties[key] = data[key]
    if "type" in data:
        properties["type"] = FieldType(data["type"])
    if "options" in data:
        properties["options"] = tuple(option_from_dict(option) for option in data["options"])
    if "visible_if" in data:
        properties["visible_if"] = condition_from_dict(data["visible_if"])
    if "unborn_if" in data:
        properties["unborn_if"] = condition_from_dict(data["unborn_if"])
    if "errors" in data:
        properties["errors"] = tuple((ErrorKey(key), text) for key, text in data["errors"].items())
    if "date_rule" in data:
        properties["date_rule"] = DateRule(data["date_rule"])
    if "data_class" in data:
        properties["data_class"] = DataClass(data["data_class"])
    if "prefill" in data:
        given = data["prefill"]
        properties["prefill"] = (given,) if isinstance(given, str) else tuple(given)
    if "min" in data:
        properties["minimum"] = data["min"]
    if "max" in data:
        properties["maximum"] = data["max"]
    if "fields" in data:
        properties["fields"] = tuple(field_from_dict(item) for item in data["fields"])
    if "elements" in data:
        properties["elements"] = tuple(
            Element(item["id"], item["label"], item.get("hint"), item.get("group"))
            for item in data["elements"]
        )
    return properties


def section_from_dict(data: Mapping[str, Any]) -> Section:
    return Section(
        id=data["id"],
        title=data["title"],
        description=data.get("description"),
        fields=tuple(field_from_dict(item) for item in data["fields"]),
    )


def form_from_dict(data: Mapping[str, Any], source: str | None = None) -> FormDefinition:
    return FormDefinition(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data.get("description"),
        sections=tuple(section_from_dict(item) for item in data["sections"]),
        borough=data.get("borough"),
        overlay_version=data.get("overlay_version"),
        source=source,
    )


# --- back to plain data ---------------------------------------------------------------


def _is_default(value: Any) -> bool:
    # `0 == False`, so compare by identity and type rather than with `in`.
    return value is None or value is False or (isinstance(value, list | tuple | dict) and not value)


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if not _is_default(value)}


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    if len(condition.values) == 1:
        return {"field": condition.field, "equals": condition.values[0]}
    return {"field": condition.field, "any_of": list(condition.values)}


def option_to_dict(option: Option) -> dict[str, Any]:
    return _drop_empty(
        {
            "value": option.value,
            "label": option.label,
            "hint": option.hint,
            "group": option.group,
            "specify": field_to_dict(option.specify) if option.specify else None,
        }
    )


def field_to_dict(field: Field) -> dict[str, Any]:
    data = {
        "id": field.id,
        "type": field.type.value,
        "label": field.label,
        "short_label": field.short_label,
        "hint": field.hint,
        "required": field.required,
        "core": field.core,
        "hidden": field.hidden,
        "options": [option_to_dict(option) for option in field.options],
        "visible_if": condition_to_dict(field.visible_if) if field.visible_if else None,
        "max_length": field.max_length,
        "errors": {key.value: text for key, text in field.errors},
        "shareable_restriction": field.shareable_restriction,
        "rating_scale": field.rating_scale,
        "data_class": field.data_class.value if field.data_class else None,
        "prefill": (list(field.prefill) or None),
        "date_rule": None if field.date_rule is DateRule.ANY else field.date_rule.value,
        "unborn_if": condition_to_dict(field.unborn_if) if field.unborn_if else None,
        "min": field.minimum,
        "max": field.maximum,
        "fields": [field_to_dict(item) for item in field.fields],
        "min_items": field.min_items or None,
        "max_items": field.max_items,
        "item_label": field.item_label,
        "add_another_label": field.add_another_label,
        "elements": [
            _drop_empty(
                {"id": item.id, "label": item.label, "hint": item.hint, "group": item.group}
            )
            for item in field.elements
        ],
    }
    return _drop_empty(data)


def section_to_dict(section: Section) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": section.id,
            "title": section.title,
            "description": section.description,
            "fields": [field_to_dict(item) for item in section.fields],
        }
    )


def form_to_dict(form: FormDefinition) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": form.id,
            "version": form.version,
            "borough": form.borough,
            "overlay_version": form.overlay_version,
            "title": form.title,
            "description": form.description,
            "sections": [section_to_dict(item) for item in form.sections],
        }
    )
