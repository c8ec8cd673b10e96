"""JSON Schemas for workflow definition files, checked with `jsonschema`.

The schema catches the shape of the file (missing titles, misspelt keys, a number where
a list belongs); names that must refer to something (states, conditions, roles) are left
to the semantic validator, which can say what they should have referred to. `roles` is
deliberately not required here, so that a transition without roles gets the validator's
own "deny by default" message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from webapp.workflow.problems import Problem, join_key

NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
TEXT = {"type": "string", "minLength": 1}
NAMES = {"type": "array", "items": NAME, "uniqueItems": True}
#: A choice's value as a condition compares it (YAML reads an unquoted yes as true).
CHOICE = {"type": ["string", "boolean"], "minLength": 1}
COUNT = {"type": "integer", "minimum": 0}


def by_name(
    values: dict[str, Any], *, description: str | None = None, min_properties: int | None = None
) -> dict[str, Any]:
    """A mapping from names to `values`."""
    mapping: dict[str, Any] = {} if description is None else {"description": description}
    mapping.update(type="object", propertyNames=NAME)
    if min_properties is not None:
        mapping["minProperties"] = min_properties
    return {**mapping, "additionalProperties": values}


def titled(*required: str, **properties: Any) -> dict[str, Any]:
    """An object with a title, an optional description and these other properties."""
    return {
        "type": "object",
        "required": ["title", *required],
        "additionalProperties": False,
        "properties": {"title": TEXT, "description": {"type": "string"}, **properties},
    }


#: The structured conditions (webapp/workflow/expressions.py); nesting goes through
#: `expression`, which has no refusal of its own.
OPERATORS: dict[str, Any] = {
    "answer": {"$ref": "#/$defs/answer"},
    "count": {"$ref": "#/$defs/count"},
    "days_since": {"$ref": "#/$defs/days_since"},
    "all": {"type": "array", "items": {"$ref": "#/$defs/expression"}, "minItems": 1},
    "any": {"type": "array", "items": {"$ref": "#/$defs/expression"}, "minItems": 1},
    "not": {"$ref": "#/$defs/expression"},
}

DEFS: dict[str, Any] = {
    "state": titled(
        terminal={"type": "boolean"},
        view=NAMES,
        edit=by_name(NAMES),
    ),
    "source": {
        "description": (
            'give a state, a list of states, "*" (every open state) or {all_open_except: [states]}'
        ),
        "oneOf": [
            NAME,
            {"const": "*"},
            {"type": "array", "items": NAME, "minItems": 1, "uniqueItems": True},
            {
                "type": "object",
                "required": ["all_open_except"],
                "additionalProperties": False,
                "properties": {"all_open_except": NAMES},
            },
        ],
    },
    "condition_use": {
        "description": (
            "give a condition name, {condition: name, refusal: text}, or a structured "
            "condition with its refusal"
        ),
        "if": {"type": "string"},
        "then": NAME,
        "else": {
            "type": "object",
            "if": {"required": ["condition"]},
            "then": {
                "required": ["condition"],
                "additionalProperties": False,
                "properties": {"condition": NAME, "refusal": TEXT},
            },
            "else": {
                "required": ["refusal"],
                "additionalProperties": False,
                "minProperties": 2,
                "maxProperties": 2,
                "x-message": (
                    "give one of answer, count, days_since, all, any or not, with a refusal "
                    "(what the user is told to do when it does not hold)"
                ),
                "properties": {**OPERATORS, "refusal": TEXT},
            },
        },
    },
    "expression": {
        "description": "give a condition name or one of answer, count, days_since, all, any, not",
        "if": {"type": "string"},
        "then": NAME,
        "else": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
            "x-message": "give exactly one of answer, count, days_since, all, any or not",
            "properties": OPERATORS,
        },
    },
    "answer": {
        "type": "object",
        "required": ["form", "field"],
        "additionalProperties": False,
        "properties": {
            "form": NAME,
            "field": NAME,
            "equals": CHOICE,
            "one_of": {"type": "array", "items": CHOICE, "minItems": 1, "uniqueItems": True},
            "answered": {"type": "boolean"},
        },
    },
    "count": {
        "type": "object",
        "required": ["of", "at_least"],
        "additionalProperties": False,
        "properties": {"of": NAME, "at_least": COUNT},
    },
    "days_since": {
        "type": "object",
        "required": ["at_least"],
        "additionalProperties": False,
        "properties": {"state": NAME, "form": NAME, "field": NAME, "at_least": COUNT},
    },
    "transition": {
        "type": "object",
        "required": ["trigger", "title", "source", "dest"],
        "additionalProperties": False,
        "properties": {
            "trigger": NAME,
            "title": TEXT,
            "source": {"$ref": "#/$defs/source"},
            "dest": NAME,
            "roles": NAMES,
            "conditions": {"type": "array", "items": {"$ref": "#/$defs/condition_use"}},
            "effects": NAMES,
            "form": NAME,
            "requires_comment": {"type": "boolean"},
            "comment_label": TEXT,
            "comment_error": TEXT,
            "confirmation": TEXT,
            "refusal": TEXT,
            "core": {"type": "boolean"},
            "after_days": {
                "description": (
                    "give a number of days, or {option: name} for one of the workflow's options"
                ),
                "oneOf": [
                    {"type": "integer", "minimum": 1},
                    {
                        "type": "object",
                        "required": ["option"],
                        "additionalProperties": False,
                        "properties": {"option": NAME},
                    },
                ],
            },
            "move_effects": by_name(
                NAME,
                description="give {effect: trigger}: the later step that runs the effect",
                min_properties=1,
            ),
            "when": by_name(
                {"oneOf": [NAME, {**NAMES, "minItems": 1}]},
                description="give {choice: option} or {choice: [options]}",
                min_properties=1,
            ),
        },
    },
    "choice_option": titled(
        roles=by_name(NAMES),
        refusal=by_name(TEXT),
        worklist_roles=by_name(NAMES),
    ),
    "choice": titled(
        "default",
        "options",
        default=NAME,
        options=by_name({"$ref": "#/$defs/choice_option"}, min_properties=2),
    ),
    "worklist": titled(
        "states",
        "roles",
        states={
            "description": 'give a list of states, or "*" for every open state',
            "oneOf": [{"const": "*"}, NAMES],
        },
        roles=NAMES,
        filter=NAME,
    ),
    "options": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "review_interval_days": {"type": "integer", "minimum": 1},
            "idle_reminder_days": {"type": "integer", "minimum": 1},
        },
    },
}

HEADER: dict[str, Any] = {
    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"},
    "version": {"type": "integer", "minimum": 1},
    "title": TEXT,
    "description": {"type": "string"},
    "states": by_name({"$ref": "#/$defs/state"}),
    "transitions": {"type": "array", "items": {"$ref": "#/$defs/transition"}},
    "worklists": by_name({"$ref": "#/$defs/worklist"}),
    "options": {"$ref": "#/$defs/options"},
    "choices": by_name({"$ref": "#/$defs/choice"}),
}

# In an override a state names only what it changes (a new state still needs a title, which
# the merge checks), and may accept national wildcard steps (`wildcard_steps`).
OVERRIDE_DEFS: dict[str, Any] = {
    **DEFS,
    "state": {
        **{key: value for key, value in DEFS["state"].items() if key != "required"},
        "properties": {**DEFS["state"]["properties"], "wildcard_steps": NAMES},
    },
}

NATIONAL_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "eCAF workflow definition",
    "type": "object",
    "required": ["id", "version", "title", "initial", "states", "transitions"],
    "additionalProperties": False,
    "properties": {**HEADER, "initial": NAME},
    "$defs": DEFS,
}

OVERRIDE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "eCAF borough workflow override",
    "type": "object",
    "required": ["id", "version", "title", "borough", "extends"],
    "additionalProperties": False,
    "properties": {
        **HEADER,
        "borough": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
        "extends": {
            "type": "object",
            "required": ["id", "version"],
            "additionalProperties": False,
            "properties": {"id": HEADER["id"], "version": HEADER["version"]},
        },
        "remove_transitions": NAMES,
        "choice_defaults": by_name(
            NAME, description="give {choice: option}: the national choice's new default"
        ),
    },
    "$defs": OVERRIDE_DEFS,
}

_NATIONAL = Draft202012Validator(NATIONAL_SCHEMA)
_OVERRIDE = Draft202012Validator(OVERRIDE_SCHEMA)


def is_override(document: object) -> bool:
    return isinstance(document, dict) and "extends" in document


def schema_problems(file: str, document: object) -> list[Problem]:
    """Check one parsed file against the schema that fits it (national or override)."""
    validator = _OVERRIDE if is_override(document) else _NATIONAL
    errors = sorted(validator.iter_errors(document), key=lambda error: str(list(error.path)))
    leaves = list(_leaves(errors))
    # A structured condition without its refusal is told that, not also how many keys it has.
    missing = {tuple(error.path) for error in leaves if error.validator == "required"}
    return [
        Problem(file, join_key(*error.path, *_unexpected_key(error)), _message(error))
        for error in leaves
        if not (error.validator == "minProperties" and tuple(error.path) in missing)
    ]


def _unexpected_key(error: ValidationError) -> tuple[str, ...]:
    """Name the misspelt or misnamed key itself, not only the object that holds it."""
    if "propertyNames" in error.schema_path:
        return (str(error.instance),)
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return ()
    allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    unexpected = sorted(key for key in error.instance if key not in allowed)
    return (str(unexpected[0]),) if unexpected else ()


def _leaves(errors: list[ValidationError]) -> Iterator[ValidationError]:
    """For "one of" failures, report the most specific reason rather than the whole list."""
    for error in errors:
        if error.validator == "oneOf" and error.context:
            deepest = max(error.context, key=lambda sub: len(sub.path))
            if len(deepest.path) > 0:
                # the error lies inside an object form: report it with its full path
                yield from _leaves([_rebase(error, deepest)])
                continue
        yield error


def _rebase(parent: ValidationError, child: ValidationError) -> ValidationError:
    child.path.extendleft(reversed(parent.path))
    return child


def _message(error: ValidationError) -> str:
    described = isinstance(error.schema, dict) and "x-message" in error.schema
    if described and error.validator in ("minProperties", "maxProperties"):
        return str(error.schema["x-message"])
    if error.validator == "minimum":
        return f"{error.instance!r} is below the minimum of {error.validator_value}"
    if error.validator == "required":
        return f"is missing a required key: {error.message.split(' ')[0]}"
    if error.validator == "additionalProperties":
        return "is not a key allowed here: check its spelling"
    if error.validator == "oneOf":
        hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        return f"{error.instance!r} is not valid here" + (f": {hint}" if hint else "")
    if error.validator == "pattern":
        hyphen = "" if error.validator_value == NAME["pattern"] else ", hyphens"
        return (
            f"{error.instance!r} is not a valid name: start with a lower-case letter and use "
            f"only lower-case letters, digits{hyphen} and underscores"
        )
    return str(error.message)
