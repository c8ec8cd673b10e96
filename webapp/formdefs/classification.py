"""Basic and sensitive personal data: which class each question's answer is in.

DCSF 2010 (sharing information with children's centre staff) separates basic personal
information - "name, address, post code and date of birth" (paragraph 15) - from anything
more, which "is likely to be 'sensitive personal data'" and needs explicit, informed
consent (paragraph 17); implied consent "is generally not sufficient as a basis for
sharing sensitive personal data". So every question carries a class, `basic` or
`sensitive`:

- a definition or overlay says it with the field key `data_class`;
- the published national and borough files cannot change (they are fingerprinted), so
  their questions are classified in `formdefs/classification.yaml`, keyed by form id and
  field id (stable across versions) - national forms under `national`, the fields a
  borough's overlays add under `boroughs.<borough>`;
- a "please specify" follow-up takes the class of its choice, and a question inside a
  repeating group may take the group's class; every other question needs its own.

`formdefs check` (and publishing a borough's form in the browser) refuses a question left
unclassified. Where one gets through all the same (a version published before this rule),
it is treated as sensitive: the safe side.

Plain Python, like the rest of the package.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from webapp.formdefs.definition import (
    DataClass,
    Field,
    FieldType,
    FormDefinition,
    Section,
)
from webapp.formdefs.problems import Problem, key_path
from webapp.formdefs.yamlfile import parse_by_form, read_by_form

CLASSIFICATION_FILE = "classification.yaml"

Table = Mapping[str, DataClass]  # field id -> class


@dataclass(frozen=True)
class Classification:
    """The classes `formdefs/classification.yaml` gives: national forms' fields by form id,
    and the fields boroughs' overlays add, by borough and form id."""

    national: Mapping[str, Table] = field(default_factory=dict)
    boroughs: Mapping[str, Mapping[str, Table]] = field(default_factory=dict)
    source: str = CLASSIFICATION_FILE

    def for_national(self, form_id: str) -> Table:
        return self.national.get(form_id, {})

    def for_borough(self, borough: str, form_id: str) -> Table:
        return self.boroughs.get(borough, {}).get(form_id, {})


def parse_classification(data: Any, display: str) -> tuple[Classification, list[Problem]]:
    """The classification file's tables, and what is wrong with it (by key)."""
    national, boroughs, problems = parse_by_form(data, display, _forms)
    return Classification(national, boroughs, display), problems


def _forms(
    data: Any, where: str, display: str, problems: list[Problem]
) -> dict[str, dict[str, DataClass]]:
    if not isinstance(data, dict):
        problems.append(Problem(display, where, "must be a mapping of form ids"))
        return {}
    tables: dict[str, dict[str, DataClass]] = {}
    for form_id, classes in data.items():
        here = f"{where}.{form_id}"
        table: dict[str, DataClass] = {}
        if not isinstance(classes, dict):
            problems.append(Problem(display, here, "must have the lists basic and sensitive"))
            continue
        for name, ids in classes.items():
            try:
                data_class = DataClass(name)
            except ValueError:
                problems.append(Problem(display, f"{here}.{name}", "use basic or sensitive"))
                continue
            if not isinstance(ids, list):
                problems.append(Problem(display, f"{here}.{name}", "must be a list of field ids"))
                continue
            for field_id in ids:
                if str(field_id) in table:
                    problems.append(
                        Problem(display, f"{here}.{name}", f"'{field_id}' is listed twice")
                    )
                table[str(field_id)] = data_class
        tables[str(form_id)] = table
    return tables


def read_classification(root: Path) -> tuple[Classification, list[Problem]]:
    """`root/classification.yaml`, if the folder has one (no file: nothing classified)."""
    return read_by_form(root, CLASSIFICATION_FILE, parse_classification)


# --- applying the tables -------------------------------------------------------------------


def classify(form: FormDefinition, table: Table) -> FormDefinition:
    """`form` with every question it leaves unclassified that `table` names given that
    class (a class set in the definition or an overlay wins)."""
    if not table:
        return form
    return replace(
        form, sections=tuple(_classify_section(section, table) for section in form.sections)
    )


def _classify_section(section: Section, table: Table) -> Section:
    return replace(section, fields=tuple(_classify_field(item, table) for item in section.fields))


def _classify_field(item: Field, table: Table) -> Field:
    changes: dict[str, Any] = {}
    if item.data_class is None and item.id in table:
        changes["data_class"] = table[item.id]
    if item.fields:
        changes["fields"] = tuple(_classify_field(inner, table) for inner in item.fields)
    if any(option.specify is not None for option in item.options):
        changes["options"] = tuple(
            replace(option, specify=_classify_field(option.specify, table))
            if option.specify is not None
            else option
            for option in item.options
        )
    return replace(item, **changes) if changes else item


# --- reading the classes -------------------------------------------------------------------


def _classes(
    fields: tuple[Field, ...], inherited: DataClass | None, path: tuple[str | int, ...]
) -> Iterator[tuple[Field, DataClass | None, tuple[str | int, ...], bool]]:
    """(field, its class or None, its path, whether it must have one) for every field."""
    for position, item in enumerate(fields):
        here = (*path, position)
        own = item.data_class or inherited
        needs = item.type is not FieldType.REPEATING_GROUP
        yield item, own, here, needs and own is None
        for number, option in enumerate(item.options):
            if option.specify is not None:
                follow_up = option.specify
                yield (
                    follow_up,
                    follow_up.data_class or own,
                    (*here, "options", number, "specify"),
                    False,  # inherits its choice's class, checked there
                )
        if item.fields:
            yield from _classes(item.fields, own, (*here, "fields"))


def _walk(form: FormDefinition) -> Iterator[tuple[Field, DataClass | None, str, bool]]:
    for index, section in enumerate(form.sections):
        for item, data_class, path, missing in _classes(
            section.fields, None, ("sections", index, "fields")
        ):
            yield item, data_class, key_path(path), missing


def sensitive_ids(form: FormDefinition) -> frozenset[str]:
    """The ids of every answer that is sensitive personal data, or not classified (treated
    as sensitive). A repeating group without a class of its own is judged question by
    question, so its basic questions (a parent's name) stay in a copy for an agency."""
    found = set()
    for item, data_class, _, _ in _walk(form):
        if item.type is FieldType.REPEATING_GROUP and data_class is None:
            continue
        if data_class is not DataClass.BASIC:
            found.add(item.id)
    return frozenset(found)


def unclassified_problems(
    form: FormDefinition,
    display: str | None = None,
    *,
    skip: frozenset[str] = frozenset(),
    key_of: Any = None,
) -> list[Problem]:
    """A problem for each question of `form` with no class, naming the file and the field.
    `skip`: ids reported elsewhere (a borough form's national questions); `key_of(id)`: the
    key to name instead of the question's place in the form (an overlay's operation)."""
    where = display or form.source or form.label
    if form.borough:
        remedy = (
            "add data_class: basic or sensitive to the field in the overlay, or list it under "
            f"boroughs.{form.borough}.{form.id} in formdefs/{CLASSIFICATION_FILE}"
        )
    else:
        remedy = (
            "add data_class: basic or sensitive to the field, or list it under "
            f"national.{form.id} in formdefs/{CLASSIFICATION_FILE}"
        )
    return [
        Problem(
            where,
            (key_of(item.id) if key_of else None) or f"{path}.data_class",
            f"'{item.id}' is not classified as basic or sensitive personal data: {remedy}",
        )
        for item, _, path, missing in _walk(form)
        if missing and item.id not in skip
    ]


def operation_key(operations: Any, field_id: str) -> str | None:
    """The key (`operations[2].add_field`) of the overlay operation that adds `field_id`."""
    for operation in operations:
        if operation.kind in ("add_field", "add_section") and _names(operation.args, field_id):
            return f"{operation.key}.data_class"
    return None


def _names(data: Any, field_id: str) -> bool:
    if isinstance(data, Mapping):
        if data.get("id") == field_id and "type" in data:
            return True
        return any(_names(value, field_id) for value in data.values())
    if isinstance(data, list):
        return any(_names(value, field_id) for value in data)
    return False


def stale_entries(classification: Classification, library: Any) -> list[Problem]:
    """Entries of the classification file that name no field of any version of their form,
    so that a typing error does not leave the real field unclassified unnoticed."""
    problems: list[Problem] = []
    national_ids: dict[str, set[str]] = {}
    for (form_id, _), form in library.bases.items():
        national_ids.setdefault(form_id, set()).update(item.id for item in form.all_fields())
    for form_id, table in classification.national.items():
        known = national_ids.get(form_id)
        if known is None:
            message = f"there is no national form '{form_id}'"
            problems.append(Problem(classification.source, f"national.{form_id}", message))
            continue
        problems.extend(
            Problem(
                classification.source,
                f"national.{form_id}",
                f"'{field_id}' is not a field of any version of {form_id}",
            )
            for field_id in sorted(set(table) - known)
        )
    borough_ids: dict[tuple[str, str], set[str]] = {}
    for (borough, form_id, _), form in library.merged.items():
        borough_ids.setdefault((borough, form_id), set()).update(
            item.id for item in form.all_fields()
        )
    for borough, forms in classification.boroughs.items():
        for form_id, table in forms.items():
            known = borough_ids.get((borough, form_id), set())
            problems.extend(
                Problem(
                    classification.source,
                    f"boroughs.{borough}.{form_id}",
                    f"'{field_id}' is not a field of any {borough} version of {form_id}",
                )
                for field_id in sorted(set(table) - known)
            )
    return problems


def library_problems(library: Any) -> list[Problem]:
    """Every unclassified question of every version in `library`, and stale entries."""
    problems: list[Problem] = []
    for _, form in sorted(library.bases.items()):
        problems.extend(unclassified_problems(form))
    for key, form in sorted(library.merged.items()):
        base = library.bases[(form.id, form.version)]
        overlay = library.overlays[key]
        problems.extend(
            unclassified_problems(
                form,
                skip=frozenset(item.id for item in base.all_fields()),
                key_of=lambda field_id, overlay=overlay: operation_key(
                    overlay.operations, field_id
                ),
            )
        )
    problems.extend(stale_entries(library.classification, library))
    return problems


__all__ = [
    "CLASSIFICATION_FILE",
    "Classification",
    "classify",
    "library_problems",
    "operation_key",
    "parse_classification",
    "read_classification",
    "sensitive_ids",
    "unclassified_problems",
]
