"""An overlay draft as data: its YAML document, the operations that change it, the checks
the command line makes, and a comparison of two effective forms.

Plain Python (no Flask, no database): the web editor, its tests and the command line give
the same messages, which name the operation or field and say how to fix it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from webapp.formdefs import FormDefinition, FormLibrary, Problem, overlay_from_dict
from webapp.formdefs.bindings import overlay_binding_problems
from webapp.formdefs.classification import operation_key, unclassified_problems
from webapp.formdefs.definition import Field, walk_fields
from webapp.formdefs.overlay import Overlay, apply_overlay
from webapp.formdefs.problems import DefinitionError, UnknownFormError
from webapp.formdefs.schema import overlay_problems
from webapp.formdefs.yamlfile import parse_yaml_text

DISPLAY = "your draft"


@dataclass
class Checked:
    """A draft checked against its national form: the effective form, or the problems."""

    data: dict[str, Any] | None
    base: FormDefinition | None = None
    form: FormDefinition | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and self.form is not None

    @property
    def operations(self) -> list[dict[str, Any]]:
        return list((self.data or {}).get("operations") or [])


def new_document(
    borough: str, form_id: str, version: int, base_version: int, operations: list | None = None
) -> dict[str, Any]:
    return {
        "borough": borough,
        "version": version,
        "extends": {"form": form_id, "version": base_version},
        "operations": list(operations or []),
    }


def to_yaml(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)


def check_text(
    library: FormLibrary, text: str, *, borough: str, form_id: str, version: int
) -> Checked:
    """Check YAML typed by an administrator: it must be this borough's overlay of this form,
    with this draft's version number, and apply cleanly."""
    data, problems = parse_yaml_text(text, DISPLAY)
    if problems:
        return Checked(None, problems=problems)
    if not isinstance(data, dict):
        return Checked(None, problems=[Problem(DISPLAY, "", "must be a mapping: borough, ...")])
    fixed = {"borough": borough, "version": version}
    wrong = [
        Problem(DISPLAY, key, f"must be {value!r}: a draft cannot change it")
        for key, value in fixed.items()
        if data.get(key) != value
    ]
    extends = data.get("extends")
    if not isinstance(extends, dict) or extends.get("form") != form_id:
        wrong.append(Problem(DISPLAY, "extends.form", f"must be {form_id!r}"))
    if wrong:
        return Checked(data, problems=wrong)
    return check(library, data)


def check(library: FormLibrary, data: dict[str, Any]) -> Checked:
    """The effective form the draft makes, or what is wrong with it."""
    try:
        base = library.get_base(data["extends"]["form"], data["extends"]["version"])
    except (UnknownFormError, KeyError, TypeError) as error:
        message = str(error) if isinstance(error, UnknownFormError) else "must say which form"
        return Checked(data, problems=[Problem(DISPLAY, "extends", message)])
    if not data.get("operations"):
        return Checked(data, base, base)  # no changes yet: the national form as it is
    problems = overlay_problems(data, DISPLAY)
    if problems:
        return Checked(data, base, problems=problems)
    overlay = overlay_from_dict(data, DISPLAY)
    try:
        form = library.classify_overlay(apply_overlay(base, overlay))
    except DefinitionError as error:
        return Checked(data, base, problems=list(error.problems))
    # Every question the borough adds says whether its answer is basic or sensitive
    # personal data (DCSF 2010, paragraphs 15 and 17): a draft that leaves one out is not
    # saved or published.
    unclassified = unclassified_problems(
        form,
        DISPLAY,
        skip=frozenset(item.id for item in base.all_fields()),
        key_of=lambda field_id: operation_key(overlay.operations, field_id),
    )
    if unclassified:
        return Checked(data, base, problems=unclassified)
    # A question pre-filled from a source must be able to hold what the source gives.
    unbound = overlay_binding_problems(form, base, library, DISPLAY)
    if unbound:
        return Checked(data, base, problems=unbound)
    return Checked(data, base, form)


def with_operation(data: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, Any]:
    changed = dict(data)
    changed["operations"] = [*list(data.get("operations") or []), dict(operation)]
    return changed


def without_operation(data: Mapping[str, Any], index: int) -> dict[str, Any]:
    operations = list(data.get("operations") or [])
    if not 0 <= index < len(operations):
        raise IndexError(index)
    changed = dict(data)
    changed["operations"] = operations[:index] + operations[index + 1 :]
    return changed


def describe(operation: Mapping[str, Any], *forms: FormDefinition | None) -> str:
    """One operation in words, for the list of changes in a draft: questions and sections
    by their words in the first of `forms` that has them (the national form, then the
    draft's own, for what the draft adds), never by id."""

    def words(item_id: str) -> str:
        for form in forms:
            if form is None:
                continue
            if item_id == form.id:
                return f"the form “{form.title}”"
            found = form.find_field(item_id) or form.find_section(item_id)
            if found is not None:
                return f"“{found.name if isinstance(found, Field) else found.title}”"
        return f"‘{item_id}’"

    (kind, args), *_ = operation.items()
    if kind == "add_field":
        place = next(
            (
                f"{key.replace('into', 'at the end of')} {words(args[key])}"
                for key in ("into", "after", "before")
                if key in args
            ),
            "",
        )
        return f"Add the question “{args['field'].get('label', args['field'].get('id'))}” {place}"
    if kind == "add_section":
        return f"Add the section “{args['section'].get('title', args['section'].get('id'))}”"
    if kind == "relabel":
        return f"New words for {words(args['id'])}: “{args['label']}”"
    if kind == "hint":
        return f"New hint for {words(args['id'])}"
    if kind == "add_options":
        labels = ", ".join(option.get("label", "") for option in args["options"])
        return f"Add options to {words(args['field'])}: {labels}"
    if kind == "require":
        return f"Make {words(args)} required"
    if kind in ("hide", "remove"):
        return f"Hide {words(args)}"
    if kind == "reorder_fields":
        return f"Reorder the questions of {words(args['section'])}"
    if kind == "reorder_sections":
        return "Reorder the sections"
    if kind == "modify":
        return f"Change {words(args['field'])}"
    return kind


# --- comparing two effective forms ---------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    kind: str  # added, hidden, shown, relabelled, hint, required, options, moved, section
    where: str  # the section title
    field_id: str
    text: str


def _fields_by_id(form: FormDefinition) -> dict[str, tuple[str, Field]]:
    found: dict[str, tuple[str, Field]] = {}
    for section in form.sections:
        for item in walk_fields(section.fields):
            found[item.id] = (section.title, item)
    return found


def compare(before: FormDefinition, after: FormDefinition) -> list[Difference]:
    """What practitioners will see change, question by question (by stable id)."""
    differences: list[Difference] = []
    old_sections = {section.id: section for section in before.sections}
    for section in after.sections:
        if section.id not in old_sections:
            differences.append(Difference("section", section.title, section.id, "New section"))
        elif old_sections[section.id].title != section.title:
            differences.append(
                Difference(
                    "relabelled",
                    section.title,
                    section.id,
                    f"Section renamed from “{old_sections[section.id].title}”",
                )
            )
    old = _fields_by_id(before)
    new = _fields_by_id(after)
    for field_id, (where, item) in new.items():
        if field_id not in old:
            differences.append(Difference("added", where, field_id, f"New question “{item.label}”"))
            continue
        _, was = old[field_id]
        if item.hidden and not was.hidden:
            differences.append(Difference("hidden", where, field_id, f"“{was.label}” hidden"))
        if was.hidden and not item.hidden:
            differences.append(Difference("shown", where, field_id, f"“{item.label}” shown again"))
        if item.label != was.label:
            differences.append(
                Difference("relabelled", where, field_id, f"“{was.label}” is now “{item.label}”")
            )
        if item.hint != was.hint:
            differences.append(Difference("hint", where, field_id, f"New hint for “{item.label}”"))
        if item.required and not was.required:
            differences.append(
                Difference("required", where, field_id, f"“{item.label}” is now required")
            )
        added = [option.label for option in item.options if was.option(option.value) is None]
        if added:
            differences.append(
                Difference(
                    "options",
                    where,
                    field_id,
                    f"New options for “{item.label}”: {', '.join(added)}",
                )
            )
    for field_id, (where, was) in old.items():
        if field_id not in new:
            differences.append(Difference("hidden", where, field_id, f"“{was.label}” removed"))
    differences += _moves(before, after)
    return differences


def _moves(before: FormDefinition, after: FormDefinition) -> list[Difference]:
    moved: list[Difference] = []
    old_order = {section.id: [item.id for item in section.fields] for section in before.sections}
    for section in after.sections:
        if section.id not in old_order:
            continue
        common_old = [
            item for item in old_order[section.id] if item in {f.id for f in section.fields}
        ]
        common_new = [item.id for item in section.fields if item.id in set(old_order[section.id])]
        if common_old != common_new:
            moved.append(Difference("moved", section.title, section.id, "Questions in a new order"))
    if [
        section.id for section in before.sections if section.id in {s.id for s in after.sections}
    ] != [
        section.id for section in after.sections if section.id in {s.id for s in before.sections}
    ]:
        moved.append(Difference("moved", "", "", "Sections in a new order"))
    return moved


def rebase_report(
    library: FormLibrary, overlay: Overlay, new_base_version: int
) -> tuple[list[Difference], list[Problem]]:
    """What changed in the national form between the overlay's base and `new_base_version`,
    and which of the overlay's operations would no longer apply there (field by field)."""
    old_base = library.get_base(overlay.form_id, overlay.base_version)
    new_base = library.get_base(overlay.form_id, new_base_version)
    changes = compare(old_base, new_base)
    moved = Overlay(
        overlay.borough,
        overlay.version,
        overlay.form_id,
        new_base_version,
        overlay.operations,
        overlay.description,
        overlay.source,
    )
    try:
        apply_overlay(new_base, moved)
    except DefinitionError as error:
        return changes, list(error.problems)
    return changes, []
