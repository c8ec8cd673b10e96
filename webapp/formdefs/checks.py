"""Semantic checks that need the whole form: unique ids, conditions that point at real
fields and options, and properties that only make sense for some field types.

The same checks run on national forms and on every step of an overlay, so a borough
cannot introduce a broken condition or a duplicate id either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from webapp.formdefs.definition import (
    CHOICE_TYPES,
    FREE_TEXT_TYPES,
    Condition,
    DateRule,
    Field,
    FieldType,
    FormDefinition,
    Option,
    Section,
)
from webapp.formdefs.problems import key_path

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem inside a form; `key` is its path in the form's YAML layout."""

    key: str
    message: str


def check_form(form: FormDefinition) -> list[Finding]:
    findings = list(_duplicate_ids(form))
    top_level = {field.id: field for section in form.sections for field in section.fields}
    tables = {
        column.id: field
        for field in form.all_fields()
        if field.type is FieldType.REPEATING_GROUP
        for column in field.fields
    }
    for index, section in enumerate(form.sections):
        for position, field in enumerate(section.fields):
            path: Path = ("sections", index, "fields", position)
            findings.extend(_check_field(field, path, top_level, tables))
    findings.extend(_condition_cycles(form))
    return findings


def named_key(form: FormDefinition, key: str) -> str:
    """A finding's positional key (`sections[4].fields[5].visible_if`) with the ids of what
    it points at instead (`identifying_details.given_names.visible_if`): what an overlay's
    author can find, since the merged form's positions are in no file."""
    names: list[str] = []
    current: FormDefinition | Section | Field | Option | None = form
    for part in key.split("."):
        match = re.fullmatch(r"(sections|fields|options|elements)\[(\d+)\]", part)
        items = getattr(current, match.group(1), ()) if match else ()
        if match and int(match.group(2)) < len(items):
            current = items[int(match.group(2))]
            names.append(getattr(current, "id", None) or getattr(current, "value", part))
        elif part == "specify" and isinstance(current, Option):
            current = current.specify
        else:
            current = None
            names.append(part)
    return ".".join(names)


def _duplicate_ids(form: FormDefinition) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for path, identifier in _ids(form):
        key = key_path(path)
        if identifier in seen:
            yield Finding(key, f"duplicate id '{identifier}' (already used at {seen[identifier]})")
        else:
            seen[identifier] = key


def _ids(form: FormDefinition) -> Iterator[tuple[Path, str]]:
    for index, section in enumerate(form.sections):
        yield ("sections", index, "id"), section.id
        for position, field in enumerate(section.fields):
            yield from _field_ids(field, ("sections", index, "fields", position))


def _field_ids(field: Field, path: Path) -> Iterator[tuple[Path, str]]:
    yield (*path, "id"), field.id
    for number, option in enumerate(field.options):
        if option.specify is not None:
            yield from _field_ids(option.specify, (*path, "options", number, "specify"))
    for position, sub_field in enumerate(field.fields):
        yield from _field_ids(sub_field, (*path, "fields", position))


def _check_field(
    field: Field, path: Path, scope: dict[str, Field], tables: dict[str, Field]
) -> Iterator[Finding]:
    """`scope`: the questions a condition here may use; `tables`: each question asked in a
    repeating group (a table), by id, and the group."""
    key = key_path(path)
    yield from (Finding(f"{key}.{name}", message) for name, message in _type_rules(field))
    if field.hidden and field.required:
        yield Finding(key, f"'{field.id}' is hidden, so it cannot be required")
    for name in ("visible_if", "unborn_if"):
        condition = getattr(field, name)
        if condition is not None:
            for message in _condition_problems(field, condition, scope, tables):
                yield Finding(f"{key}.{name}", message)
    for number, option in enumerate(field.options):
        if option.specify is not None:
            specify_path = (*path, "options", number, "specify")
            if option.specify.type not in (FieldType.TEXT, FieldType.TEXTAREA):
                yield Finding(key_path((*specify_path, "type")), "must be text or textarea")
            yield from _check_field(option.specify, specify_path, scope, tables)
    if field.type is FieldType.REPEATING_GROUP:
        inner_scope = {**scope, **{sub_field.id: sub_field for sub_field in field.fields}}
        for position, sub_field in enumerate(field.fields):
            sub_path = (*path, "fields", position)
            if sub_field.type in (FieldType.REPEATING_GROUP, FieldType.STRENGTHS_NEEDS):
                yield Finding(
                    key_path((*sub_path, "type")),
                    f"a repeating group cannot contain a {sub_field.type} field",
                )
            yield from _check_field(sub_field, sub_path, inner_scope, tables)


def _type_rules(field: Field) -> Iterator[tuple[str, str]]:
    """(key, message) for properties that do not fit the field's type."""
    kind = field.type
    if kind in CHOICE_TYPES - {FieldType.YES_NO} and not field.options:
        yield "options", f"a {kind} field needs a list of options"
    if kind is FieldType.YES_NO and field.options:
        yield "options", "yes_no fields have the options 'yes' and 'no' built in; use radios"
    if kind not in CHOICE_TYPES and field.options:
        yield "options", "only radios, checkboxes, select and yes_no fields have options"
    values = [option.value for option in field.options]
    for value in sorted({value for value in values if values.count(value) > 1}):
        yield "options", f"option value '{value}' is used more than once"
    if kind is FieldType.REPEATING_GROUP and not field.fields:
        yield "fields", "a repeating group needs a list of fields"
    if kind is not FieldType.REPEATING_GROUP:
        for name in ("fields", "min_items", "max_items", "item_label", "add_another_label"):
            if getattr(field, name):
                yield name, "only repeating_group fields have this key"
    if field.max_items is not None and field.min_items > field.max_items:
        yield "min_items", "must not be more than max_items"
    if kind is FieldType.STRENGTHS_NEEDS and not field.elements:
        yield "elements", "a strengths_needs block needs a list of elements"
    if kind is not FieldType.STRENGTHS_NEEDS and field.elements:
        yield "elements", "only strengths_needs fields have elements"
    element_ids = [element.id for element in field.elements]
    for element_id in sorted({item for item in element_ids if element_ids.count(item) > 1}):
        yield "elements", f"element id '{element_id}' is used more than once"
    if field.max_length is not None and kind not in FREE_TEXT_TYPES:
        yield "max_length", "only text, textarea and strengths_needs fields have a maximum length"
    if kind is not FieldType.DATE and field.date_rule is not DateRule.ANY:
        yield "date_rule", "only date fields have a date rule"
    if field.unborn_if is not None and field.date_rule is not DateRule.BIRTH_OR_DUE:
        yield "unborn_if", "only a date field with date_rule birth_or_due can have unborn_if"
    if kind is not FieldType.NUMBER and (field.minimum is not None or field.maximum is not None):
        yield "min", "only number fields have min and max"
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        yield "min", "must not be more than max"
    if field.rating_scale:
        if kind is not FieldType.RADIOS:
            yield "rating_scale", "only radios fields can be a rating scale"
        elif len(field.options) < 2 or any(option.specify for option in field.options):
            yield "rating_scale", "a rating scale needs 2 or more options, none 'please specify'"


def _condition_problems(
    field: Field, condition: Condition, scope: dict[str, Field], tables: dict[str, Field]
) -> Iterator[str]:
    if condition.field == field.id:
        yield f"'{field.id}' cannot depend on its own answer"
        return
    target = scope.get(condition.field)
    if target is None and condition.field in tables:
        table = tables[condition.field]
        yield (
            f"'{condition.field}' is a question inside the table '{table.id}' ({table.name}),"
            " which has a row for each item: only a question of the same table can depend"
            " on it"
        )
        return
    if target is None:
        yield (
            f"'{condition.field}' is not a field of this form"
            " (conditions can use top-level fields, or fields of the same repeating group)"
        )
        return
    if target.type not in CHOICE_TYPES:
        yield f"'{condition.field}' is a {target.type} field; conditions need a choice field"
        return
    for value in condition.values:
        if target.option(value) is None:
            allowed = ", ".join(option.value for option in target.choices)
            yield f"'{value}' is not an option of '{condition.field}' (options: {allowed})"


def _condition_cycles(form: FormDefinition) -> Iterator[Finding]:
    depends_on = {
        field.id: field.visible_if.field for field in form.all_fields() if field.visible_if
    }
    reported: set[str] = set()
    for start in depends_on:
        chain = [start]
        current = depends_on.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = depends_on.get(current)
        if current is not None and current not in reported:
            cycle = chain[chain.index(current) :]
            reported.update(cycle)
            yield Finding(
                "visible_if",
                "these fields' visible_if conditions depend on each other in a loop: "
                + " -> ".join([*cycle, current]),
            )


#: What a refusal to change a core question's words tells the borough it may do instead.
CORE_WORDING_KEPT = (
    "its wording cannot be changed, so that it asks the same in every borough; a borough "
    "may add a hint to it instead"
)


def core_weakenings(
    base: FormDefinition, merged: FormDefinition, *, wording_fixed: bool = True
) -> list[str]:
    """How `merged` weakens the core fields of `base`, whatever operation did it.

    The overlay operations refuse each weakening with a specific message first; this is
    the safety net that keeps the rule true for any combination of operations. A core
    question's words (label and short label) are part of what it means, so changing them
    is a weakening too, except in an overlay published before that was a rule
    (`wording_fixed` False: see overlay.WORDING_CHANGED_BEFORE_THE_RULE)."""
    found: list[str] = []
    for field in base.all_fields():
        if not field.core:
            continue
        kept = merged.find_field(field.id)
        name = f"'{field.id}' is a core national field"
        if kept is None:
            found.append(f"{name} and cannot be removed")
            continue
        if kept.hidden:
            found.append(f"{name} and cannot be hidden")
        if field.required and not kept.required:
            found.append(f"{name} and cannot be made optional")
        if kept.type is not field.type:
            found.append(f"{name}: its type cannot be changed")
        if kept.visible_if != field.visible_if:
            found.append(f"{name}: its condition cannot be changed")
        limit, new_limit = field.length_limit, kept.length_limit
        if limit is not None and (new_limit is None or new_limit < limit):
            found.append(f"{name}: its maximum length cannot be reduced below {limit} characters")
        if wording_fixed and (kept.label, kept.short_label) != (field.label, field.short_label):
            found.append(f"{name}: {CORE_WORDING_KEPT}")
        kept_labels = {option.value: option.label for option in kept.options}
        for option in field.options:
            if kept_labels.get(option.value) != option.label:
                found.append(f"{name}: option '{option.value}' cannot be dropped or renamed")
    return found
