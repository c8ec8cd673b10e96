"""Borough overlays: changes to a published national form, made by id, never by position.

An overlay may add, relabel, add hints and options, require, hide optional fields and
reorder. It may never remove or weaken a `core` field, because the core is what lets a
CAF move between boroughs. Each refusal names the overlay file and the operation's key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from webapp.formdefs.checks import check_form, core_weakenings, named_key
from webapp.formdefs.convert import (
    field_from_dict,
    field_properties,
    option_from_dict,
    section_from_dict,
)
from webapp.formdefs.definition import (
    DataClass,
    Field,
    FieldType,
    FormDefinition,
    Section,
    walk_fields,
)
from webapp.formdefs.problems import DefinitionError, Problem


@dataclass(frozen=True)
class Operation:
    kind: str  # one of schema.OPERATIONS
    args: Any  # the operation's YAML value, already checked against the schema
    index: int

    @property
    def key(self) -> str:
        return f"operations[{self.index}].{self.kind}"


@dataclass(frozen=True)
class Overlay:
    borough: str
    version: int
    form_id: str
    base_version: int
    operations: tuple[Operation, ...]
    description: str | None = None
    source: str = "<overlay>"
    #: published before a core question's wording was fixed, and kept as it was published
    #: because episodes are pinned to it (see WORDING_CHANGED_BEFORE_THE_RULE)
    wording_as_published: bool = False


#: The SHA-256 of each published overlay file that changed a core question's words before
#: the national wording was fixed. Episodes are pinned to them, so they stay loadable as
#: they were published; no other overlay, in a file or published through the web, may change
#: a core question's label or short label. This list never grows.
WORDING_CHANGED_BEFORE_THE_RULE = frozenset(
    {
        # boroughs/riverside/caf_assessment.v1.yaml: given_names as "First name(s)"
        "dd92f1ccfa4121b3dae07eb07af47f62bc5df2a682ce99952d2e74c16340735c",
    }
)


def overlay_from_dict(data: Mapping[str, Any], source: str = "<overlay>") -> Overlay:
    operations = tuple(
        Operation(kind, args, index)
        for index, item in enumerate(data["operations"])
        for kind, args in item.items()
    )
    return Overlay(
        borough=data["borough"],
        version=data["version"],
        form_id=data["extends"]["form"],
        base_version=data["extends"]["version"],
        operations=operations,
        description=data.get("description"),
        source=source,
    )


class Refused(Exception):
    """An operation that the rules forbid; `suffix` extends the operation's key."""

    def __init__(self, message: str, suffix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.suffix = suffix


def apply_overlay(base: FormDefinition, overlay: Overlay) -> FormDefinition:
    """The borough's effective form. Raises DefinitionError listing every refused operation."""
    if (overlay.form_id, overlay.base_version) != (base.id, base.version):
        raise DefinitionError(
            [Problem(overlay.source, "extends", f"this overlay does not extend {base.label}")]
        )
    form = replace(
        base, borough=overlay.borough, overlay_version=overlay.version, source=overlay.source
    )
    problems: list[Problem] = []
    for operation in overlay.operations:
        try:
            candidate = OPERATIONS[operation.kind](form, operation.args)
        except Refused as refusal:
            key = operation.key + refusal.suffix
            problems.append(Problem(overlay.source, key, refusal.message))
            continue
        messages = [
            f"{item.message} (merged form: {named_key(candidate, item.key)})"
            for item in check_form(candidate)
        ]
        messages += core_weakenings(base, candidate, wording_fixed=not overlay.wording_as_published)
        if messages:
            problems.extend(Problem(overlay.source, operation.key, text) for text in messages)
            continue
        form = candidate
    if problems:
        raise DefinitionError(problems)
    return form


# --- finding and rebuilding ------------------------------------------------------------


def _field(form: FormDefinition, field_id: str, suffix: str = "") -> Field:
    field = form.find_field(field_id)
    if field is None:
        raise Refused(f"'{field_id}' is not a field of {form.label}", suffix)
    return field


def _replace_field(
    form: FormDefinition, field_id: str, change: Callable[[Field], Field]
) -> FormDefinition:
    def visit(field: Field) -> Field:
        if field.id == field_id:
            field = change(field)
        options = tuple(
            replace(option, specify=visit(option.specify)) if option.specify else option
            for option in field.options
        )
        return replace(field, options=options, fields=tuple(visit(item) for item in field.fields))

    sections = tuple(
        replace(section, fields=tuple(visit(item) for item in section.fields))
        for section in form.sections
    )
    return replace(form, sections=sections)


FieldList = tuple[Field, ...]


def _edit_list(
    form: FormDefinition, edit: Callable[[str, FieldList], FieldList | None]
) -> FormDefinition:
    """Rebuild the form, letting `edit(container_id, fields)` rewrite each list of fields
    (a section's, or a repeating group's); it returns None to leave a list unchanged."""

    def visit(container_id: str, fields: FieldList) -> FieldList:
        rebuilt = tuple(
            replace(item, fields=visit(item.id, item.fields)) if item.fields else item
            for item in fields
        )
        edited = edit(container_id, rebuilt)
        return rebuilt if edited is None else edited

    sections = tuple(
        replace(section, fields=visit(section.id, section.fields)) for section in form.sections
    )
    return replace(form, sections=sections)


def _containers(form: FormDefinition) -> dict[str, FieldList]:
    lists = {section.id: section.fields for section in form.sections}
    for field in form.all_fields():
        if field.type is FieldType.REPEATING_GROUP:
            lists[field.id] = field.fields
    return lists


def _refuse_core(field: Field, action: str, suffix: str = "") -> None:
    if field.core:
        raise Refused(f"'{field.id}' is a core national field and cannot be {action}", suffix)


def _refuse_added_core(fields: FieldList, suffix: str) -> None:
    for field in walk_fields(fields):
        if field.core:
            raise Refused(
                f"'{field.id}': only the national form decides which fields are core", suffix
            )


# --- operations --------------------------------------------------------------------------


def add_section(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    section = section_from_dict(args["section"])
    _refuse_added_core(section.fields, ".section")
    sections = list(form.sections)
    index = _position(args, [item.id for item in sections], f"a section of {form.label}")
    sections.insert(index, section)
    return replace(form, sections=tuple(sections))


def add_field(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    field = field_from_dict(args["field"])
    _refuse_added_core((field,), ".field")
    places = [name for name in ("into", "before", "after") if name in args]
    if len(places) != 1:
        raise Refused(
            "say where the field goes with exactly one of: into (a section or repeating "
            "group), before or after (a field)"
        )
    place = places[0]
    anchor = args[place]
    containers = _containers(form)
    if place == "into":
        if anchor not in containers:
            raise Refused(
                f"'{anchor}' is not a section or repeating group of {form.label}", ".into"
            )
        return _edit_list(form, lambda cid, fields: (*fields, field) if cid == anchor else None)
    if not any(anchor in (item.id for item in fields) for fields in containers.values()):
        raise Refused(f"'{anchor}' is not a field of {form.label}", f".{place}")

    def insert(_: str, fields: FieldList) -> FieldList | None:
        ids = [item.id for item in fields]
        if anchor not in ids:
            return None
        index = ids.index(anchor) + (0 if place == "before" else 1)
        return (*fields[:index], field, *fields[index:])

    return _edit_list(form, insert)


def relabel(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    """New words for the form's title, a section or a question. A question's short label
    (what error messages, check your answers and documents call it) goes with its label
    unless the overlay gives one: otherwise the old words would stay behind."""
    target = args["id"]
    field = form.find_field(target)
    if target == form.id or form.find_section(target) is not None or field is None:
        return _set_text(form, target, section_key="title", field_key="label", text=args["label"])
    words = {"label": args["label"], "short_label": args.get("short_label")}
    return _replace_field(form, target, lambda item: replace(item, **words))


def hint(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    return _set_text(
        form, args["id"], section_key="description", field_key="hint", text=args["hint"]
    )


def _set_text(
    form: FormDefinition, target: str, *, section_key: str, field_key: str, text: str
) -> FormDefinition:
    """`section_key` names what the text replaces on a section and on the form itself (a
    form is named by its id: its title and description); `field_key` on a question."""
    if target == form.id:
        return replace(form, **{section_key: text})
    if form.find_section(target) is not None:
        sections = tuple(
            replace(section, **{section_key: text}) if section.id == target else section
            for section in form.sections
        )
        return replace(form, sections=sections)
    if form.find_field(target) is None:
        raise Refused(f"'{target}' is not the form, a section or a question of {form.label}", ".id")
    return _replace_field(form, target, lambda field: replace(field, **{field_key: text}))


def add_options(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    field = _field(form, args["field"], ".field")
    if field.type is FieldType.YES_NO:
        raise Refused(f"'{field.id}' is a yes_no field; its options are fixed", ".field")
    new_options = tuple(option_from_dict(item) for item in args["options"])
    _refuse_added_core(tuple(o.specify for o in new_options if o.specify), ".options")
    options = list(field.options)
    index = _position(args, [option.value for option in options], f"an option of '{field.id}'")
    options[index:index] = new_options
    return _replace_field(form, field.id, lambda item: replace(item, options=tuple(options)))


def require(form: FormDefinition, field_id: str) -> FormDefinition:
    _field(form, field_id)
    return _replace_field(form, field_id, lambda field: replace(field, required=True))


def hide(form: FormDefinition, field_id: str) -> FormDefinition:
    field = _field(form, field_id)
    _refuse_core(field, "hidden")
    if field.required:
        raise Refused(f"'{field_id}' is required; only optional fields can be hidden")
    return _replace_field(form, field_id, lambda item: replace(item, hidden=True))


def remove(form: FormDefinition, field_id: str) -> FormDefinition:
    field = _field(form, field_id)
    for item in walk_fields((field,)):
        _refuse_core(item, "removed")
    if not any(field_id in (item.id for item in fields) for fields in _containers(form).values()):
        raise Refused(f"'{field_id}' is a 'please specify' follow-up; remove its option instead")
    return _edit_list(
        form,
        lambda _, fields: tuple(item for item in fields if item.id != field_id),
    )


def reorder_fields(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    container = args["section"]
    containers = _containers(form)
    if container not in containers:
        raise Refused(
            f"'{container}' is not a section or repeating group of {form.label}", ".section"
        )
    current = containers[container]
    order = _check_order([item.id for item in current], args["order"], f"'{container}'", ".order")
    by_id = {item.id: item for item in current}
    reordered = tuple(by_id[item] for item in order)
    return _edit_list(form, lambda cid, fields: reordered if cid == container else None)


def reorder_sections(form: FormDefinition, order: list[str]) -> FormDefinition:
    ids = [section.id for section in form.sections]
    _check_order(ids, order, form.label, "")
    by_id: dict[str, Section] = {section.id: section for section in form.sections}
    return replace(form, sections=tuple(by_id[item] for item in order))


def _check_order(current: list[str], order: list[str], where: str, suffix: str) -> list[str]:
    """A new order must list every item exactly once: reordering never removes anything."""
    repeated = sorted({item for item in order if order.count(item) > 1})
    if repeated:
        raise Refused(f"{_quoted(repeated)} listed more than once", suffix)
    unknown = [item for item in order if item not in current]
    if unknown:
        raise Refused(f"{_quoted(unknown)} not in {where}", suffix)
    missing = [item for item in current if item not in order]
    if missing:
        raise Refused(
            f"the new order leaves out {_quoted(missing)}; list every item of {where}", suffix
        )
    return order


def _quoted(ids: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in ids)


def modify(form: FormDefinition, args: Mapping[str, Any]) -> FormDefinition:
    field = _field(form, args["field"], ".field")
    changes = {key: value for key, value in args.items() if key != "field"}
    if "core" in changes and changes["core"] != field.core:
        raise Refused("only the national form decides which fields are core", ".core")
    if changes.get("data_class") == DataClass.BASIC.value and (
        field.data_class is DataClass.SENSITIVE
    ):
        raise Refused(
            f"'{field.id}' is sensitive personal data and cannot be made basic: only "
            "explicit consent covers it (DCSF 2010, paragraph 17)",
            ".data_class",
        )
    if field.core:
        _refuse_weakening(field, changes)
    properties = field_properties(changes)
    return _replace_field(form, field.id, lambda item: replace(item, **properties))


#: What a modify operation may change on a core field (within the limits below).
#: Its label and short label are checked by checks.core_weakenings, as every operation's are.
_CORE_CHANGEABLE = {"label", "short_label", "hint", "errors", "required", "max_length"}
_CORE_CHANGEABLE |= {"options", "shareable_restriction", "core", "data_class", "prefill"}


def _refuse_weakening(field: Field, changes: Mapping[str, Any]) -> None:
    name = f"'{field.id}' is a core national field"
    if changes.get("required") is False and field.required:
        raise Refused(f"{name} and cannot be made optional", ".required")
    if changes.get("hidden"):
        raise Refused(f"{name} and cannot be hidden", ".hidden")
    if "type" in changes and changes["type"] != field.type.value:
        raise Refused(f"{name}: its type cannot be changed", ".type")
    if "visible_if" in changes:
        raise Refused(f"{name} and cannot be made conditional", ".visible_if")
    limit = field.length_limit
    if "max_length" in changes and limit is not None and changes["max_length"] < limit:
        raise Refused(
            f"{name}: its maximum length cannot be reduced below {limit} characters",
            ".max_length",
        )
    if "options" in changes:
        new_labels = {item["value"]: item["label"] for item in changes["options"]}
        for option in field.options:
            if option.value not in new_labels:
                raise Refused(f"{name}: option '{option.value}' cannot be dropped", ".options")
            if new_labels[option.value] != option.label:
                raise Refused(f"{name}: option '{option.value}' cannot be renamed", ".options")
    for key in changes:
        if key not in _CORE_CHANGEABLE and key != "hidden" and key != "type":
            raise Refused(f"{name}: its {key} cannot be changed", f".{key}")


OPERATIONS: dict[str, Callable[[FormDefinition, Any], FormDefinition]] = {
    "add_section": add_section,
    "add_field": add_field,
    "relabel": relabel,
    "hint": hint,
    "add_options": add_options,
    "require": require,
    "hide": hide,
    "remove": remove,
    "reorder_fields": reorder_fields,
    "reorder_sections": reorder_sections,
    "modify": modify,
}


def _position(args: Mapping[str, Any], keys: list[str], what: str) -> int:
    """Where an added item goes among those with these `keys`: before or after the one
    `args` names, or at the end; `what` says what the named one should have been."""
    if "before" in args and "after" in args:
        raise Refused("give either before or after, not both")
    anchor = args.get("before") or args.get("after")
    if anchor is None:
        return len(keys)
    if anchor not in keys:
        raise Refused(f"'{anchor}' is not {what}", ".before" if "before" in args else ".after")
    return keys.index(anchor) + (0 if "before" in args else 1)
