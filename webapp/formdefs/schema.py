"""JSON Schemas for base forms and borough overlays, and readable messages for their errors.

The schema checks shape (keys, types, known field types and operations). Rules that need
the whole form, such as unique ids or conditions that point at real options, live in
`checks.py`; rules about core fields live in `overlay.py`.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from webapp.formdefs.definition import DataClass, DateRule, ErrorKey, FieldType
from webapp.formdefs.problems import Problem, key_path

IDENTIFIER = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64}
OPTION_VALUE = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]*$", "maxLength": 64}
TEXT = {"type": "string", "minLength": 1}
COUNT = {"type": "integer", "minimum": 0}
POSITION = {"before": IDENTIFIER, "after": IDENTIFIER}

CONDITION = {
    "type": "object",
    "properties": {
        "field": IDENTIFIER,
        "equals": OPTION_VALUE,
        "any_of": {"type": "array", "items": OPTION_VALUE, "minItems": 1},
    },
    "required": ["field"],
    "additionalProperties": False,
}

OPTION = {
    "type": "object",
    "properties": {
        "value": OPTION_VALUE,
        "label": TEXT,
        "hint": TEXT,
        "group": TEXT,
        "specify": {"$ref": "#/$defs/field"},
    },
    "required": ["value", "label"],
    "additionalProperties": False,
}

ELEMENT = {
    "type": "object",
    "properties": {"id": IDENTIFIER, "label": TEXT, "hint": TEXT, "group": TEXT},
    "required": ["id", "label"],
    "additionalProperties": False,
}

#: Field properties other than `id`; `modify` may set any of them.
FIELD_PROPERTIES: dict[str, Any] = {
    "type": {"enum": [field_type.value for field_type in FieldType]},
    "label": TEXT,
    "short_label": TEXT,
    "hint": TEXT,
    "required": {"type": "boolean"},
    "core": {"type": "boolean"},
    "hidden": {"type": "boolean"},
    "options": {"type": "array", "items": OPTION, "minItems": 1},
    "visible_if": CONDITION,
    "max_length": {"type": "integer", "minimum": 1},
    "errors": {
        "type": "object",
        "propertyNames": {"enum": [key.value for key in ErrorKey]},
        "additionalProperties": TEXT,
    },
    "shareable_restriction": {"type": "boolean"},
    "rating_scale": {"type": "boolean"},
    "data_class": {"enum": [data_class.value for data_class in DataClass]},
    "prefill": {"anyOf": [TEXT, {"type": "array", "items": TEXT, "minItems": 1, "maxItems": 5}]},
    "date_rule": {"enum": [rule.value for rule in DateRule]},
    "unborn_if": CONDITION,
    "min": {"type": "integer"},
    "max": {"type": "integer"},
    "fields": {"type": "array", "items": {"$ref": "#/$defs/field"}, "minItems": 1},
    "min_items": COUNT,
    "max_items": {"type": "integer", "minimum": 1},
    "item_label": TEXT,
    "add_another_label": TEXT,
    "elements": {"type": "array", "items": ELEMENT, "minItems": 1},
}

FIELD = {
    "type": "object",
    "properties": {"id": IDENTIFIER, **FIELD_PROPERTIES},
    "required": ["id", "type", "label"],
    "additionalProperties": False,
}

SECTION = {
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "title": TEXT,
        "description": TEXT,
        "fields": {"type": "array", "items": FIELD, "minItems": 1},
    },
    "required": ["id", "title", "fields"],
    "additionalProperties": False,
}

DEFS = {"field": FIELD, "section": SECTION}

BASE_FORM_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "eCAF national form definition",
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "version": {"type": "integer", "minimum": 1},
        "title": TEXT,
        "description": TEXT,
        "sections": {"type": "array", "items": SECTION, "minItems": 1},
    },
    "required": ["id", "version", "title", "sections"],
    "additionalProperties": False,
    "$defs": DEFS,
}


def _operation(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


OPERATIONS: dict[str, Any] = {
    "add_section": _operation({"section": SECTION, **POSITION}, ["section"]),
    "add_field": _operation({"field": FIELD, "into": IDENTIFIER, **POSITION}, ["field"]),
    "relabel": _operation({"id": IDENTIFIER, "label": TEXT, "short_label": TEXT}, ["id", "label"]),
    "hint": _operation({"id": IDENTIFIER, "hint": TEXT}, ["id", "hint"]),
    "add_options": _operation(
        {
            "field": IDENTIFIER,
            "options": {"type": "array", "items": OPTION, "minItems": 1},
            "before": OPTION_VALUE,
            "after": OPTION_VALUE,
        },
        ["field", "options"],
    ),
    "require": IDENTIFIER,
    "hide": IDENTIFIER,
    "remove": IDENTIFIER,
    "reorder_fields": _operation(
        {"section": IDENTIFIER, "order": {"type": "array", "items": IDENTIFIER, "minItems": 1}},
        ["section", "order"],
    ),
    "reorder_sections": {"type": "array", "items": IDENTIFIER, "minItems": 1},
    "modify": _operation({"field": IDENTIFIER, **FIELD_PROPERTIES}, ["field"]),
}

OVERLAY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "eCAF borough overlay",
    "type": "object",
    "properties": {
        "borough": IDENTIFIER,
        "version": {"type": "integer", "minimum": 1},
        "description": TEXT,
        "extends": {
            "type": "object",
            "properties": {"form": IDENTIFIER, "version": {"type": "integer", "minimum": 1}},
            "required": ["form", "version"],
            "additionalProperties": False,
        },
        "operations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": OPERATIONS,
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
            },
        },
    },
    "required": ["borough", "version", "extends", "operations"],
    "additionalProperties": False,
    "$defs": DEFS,
}

_BASE_VALIDATOR = Draft202012Validator(BASE_FORM_SCHEMA)
_OVERLAY_VALIDATOR = Draft202012Validator(OVERLAY_SCHEMA)


def base_form_problems(data: Any, path: str) -> list[Problem]:
    return _problems(_BASE_VALIDATOR, data, path)


def overlay_problems(data: Any, path: str) -> list[Problem]:
    return _problems(_OVERLAY_VALIDATOR, data, path)


def _problems(validator: Draft202012Validator, data: Any, path: str) -> list[Problem]:
    problems: set[Problem] = set()
    for error in validator.iter_errors(data):
        problems.update(_describe(error, path))
    return sorted(problems, key=lambda problem: (problem.key, problem.message))


def _describe(error: ValidationError, path: str) -> list[Problem]:
    """Turn one jsonschema error into messages an administrator can act on."""
    where = list(error.absolute_path)
    instance = error.instance
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return [
            Problem(path, key_path([*where, key]), f"unknown key '{key}'")
            for key in instance
            if key not in allowed
        ]
    if kind == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return [Problem(path, key_path([*where, name]), "this key is required") for name in missing]
    return [Problem(path, key_path(where), _message(error))]


def _message(error: ValidationError) -> str:
    instance = error.instance
    kind = error.validator
    if kind == "type":
        expected = error.validator_value
        return f"must be {_TYPE_NAMES.get(expected, expected)}, not {instance!r}"
    if kind == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        if error.absolute_path and error.absolute_path[-1] == "type":
            return f"'{instance}' is not a field type; use one of: {allowed}"
        return f"{instance!r} is not one of: {allowed}"
    if kind == "pattern":
        return (
            f"{instance!r} must use only lower-case letters, digits and underscores"
            " (ids start with a letter)"
        )
    if kind == "minItems":
        return "must not be empty"
    if kind == "minLength":
        return "must not be blank"
    if kind == "maxLength":
        return f"must be {error.validator_value} characters or fewer"
    if kind == "minimum":
        return f"must be {error.validator_value} or more"
    if kind in {"minProperties", "maxProperties"}:
        return "each operation must have exactly one key, one of: " + ", ".join(OPERATIONS)
    if kind == "propertyNames":
        return f"unknown error message key; use one of: {', '.join(key.value for key in ErrorKey)}"
    return error.message


_TYPE_NAMES = {
    "string": "text (put it in quotes)",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
}
