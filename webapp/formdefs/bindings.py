"""Bindings: questions whose answer the service already holds, pre-filled, never retyped.

A question may name where its answer comes from (`prefill`), as data: the child's record in
the index, the signed-in practitioner's account, the episode, today's date, or a previous
form's answer on the same episode (`previous.<form id>.<field id>`). Several sources may be
listed; the first that has a value wins. The app fills bound questions when a section is
first opened; the practitioner can change them, and what is stored is what they saved.

Published files never change (they are fingerprinted and pinned by episodes), so their
bindings are kept in `formdefs/bindings.yaml`, by form id and field id, the way
`classification.yaml` keeps their data classes; a new version or an overlay says it on the
field itself (`prefill:`), and that wins over the file. `formdefs check` and the browser
form editor refuse a binding to an unknown source, to a question of the wrong type, or to
a question that does not exist.

Plain Python, like the rest of the package.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from webapp.formdefs.definition import Field, FieldType, FormDefinition, Section
from webapp.formdefs.problems import Problem, key_path
from webapp.formdefs.yamlfile import parse_by_form, read_by_form

BINDINGS_FILE = "bindings.yaml"
PREVIOUS = "previous"

_TEXT = frozenset({FieldType.TEXT, FieldType.TEXTAREA})


@dataclass(frozen=True)
class Source:
    """A value the service holds: what it is called in a binding, where it comes from (for
    the hint on the page), and the types of question it may fill."""

    name: str
    origin: str
    types: frozenset[FieldType]
    #: the family's address or contacts: never pre-filled for someone from whom a shielded
    #: record's contacts are withheld (DESIGN §3)
    contact: bool = False


def _sources(origin: str, *entries: tuple[str, frozenset[FieldType], bool]) -> dict[str, Source]:
    return {name: Source(name, origin, types, contact) for name, types, contact in entries}


CHILD_INDEX = "the child index"
YOUR_ACCOUNT = "your account"
THE_EPISODE = "the episode"

SOURCES: dict[str, Source] = {
    **_sources(
        CHILD_INDEX,
        ("child.given_names", _TEXT, False),
        ("child.family_name", _TEXT, False),
        ("child.name", _TEXT, False),
        ("child.also_known_as", _TEXT, False),
        ("child.mother_name", _TEXT, False),
        ("child.gender", frozenset({FieldType.RADIOS, FieldType.SELECT}), False),
        ("child.unborn", frozenset({FieldType.YES_NO}), False),
        ("child.date_of_birth", frozenset({FieldType.DATE}), False),
        ("child.address", _TEXT, True),
        ("child.postcode", _TEXT | {FieldType.UK_POSTCODE}, True),
        ("child.reference", _TEXT, False),
    ),
    **_sources(
        YOUR_ACCOUNT,
        ("practitioner.name", _TEXT, False),
        ("practitioner.role", _TEXT, False),
        ("practitioner.organisation", _TEXT, False),
        ("practitioner.telephone", _TEXT | {FieldType.UK_PHONE}, False),
        ("practitioner.email", _TEXT | {FieldType.EMAIL}, False),
    ),
    **_sources(
        THE_EPISODE,
        ("episode.reference", _TEXT, False),
        ("episode.lead_professional", _TEXT, False),
        ("episode.lead_professional_organisation", _TEXT, False),
        ("episode.has_lead_professional", frozenset({FieldType.YES_NO}), False),
        ("episode.review_number", frozenset({FieldType.NUMBER}), False),
        ("episode.assessment_version", frozenset({FieldType.NUMBER}), False),
    ),
    **_sources("today's date", ("today", frozenset({FieldType.DATE}), False)),
}

#: What a previous form's answer of one type may fill besides the same type.
_WIDER = {FieldType.TEXTAREA: _TEXT, FieldType.TEXT: _TEXT}

Table = Mapping[str, tuple[str, ...]]  # field id -> sources


def previous_source(name: str) -> tuple[str, str] | None:
    """(form id, field id) of `previous.<form id>.<field id>`, or None."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == PREVIOUS and parts[1] and parts[2]:
        return parts[1], parts[2]
    return None


# --- the file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bindings:
    """The bindings `formdefs/bindings.yaml` gives the published files' questions."""

    national: Mapping[str, Table] = field(default_factory=dict)
    boroughs: Mapping[str, Mapping[str, Table]] = field(default_factory=dict)
    source: str = BINDINGS_FILE

    def for_national(self, form_id: str) -> Table:
        return self.national.get(form_id, {})

    def for_borough(self, borough: str, form_id: str) -> Table:
        return self.boroughs.get(borough, {}).get(form_id, {})


def parse_bindings(data: Any, display: str) -> tuple[Bindings, list[Problem]]:
    """The bindings file's tables, and what is wrong with it (by key)."""
    national, boroughs, problems = parse_by_form(data, display, _tables)
    return Bindings(national, boroughs, display), problems


def _tables(
    data: Any, where: str, display: str, problems: list[Problem]
) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(data, dict):
        problems.append(Problem(display, where, "must be a mapping of form ids"))
        return {}
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for form_id, entries in data.items():
        here = f"{where}.{form_id}"
        if not isinstance(entries, dict):
            problems.append(Problem(display, here, "must map field ids to sources"))
            continue
        table: dict[str, tuple[str, ...]] = {}
        for field_id, given in entries.items():
            sources = [given] if isinstance(given, str) else given
            if not isinstance(sources, list) or not sources:
                message = "must be a source, or a list of sources (the first with a value wins)"
                problems.append(Problem(display, f"{here}.{field_id}", message))
                continue
            table[str(field_id)] = tuple(str(source) for source in sources)
        tables[str(form_id)] = table
    return tables


def read_bindings(root: Path) -> tuple[Bindings, list[Problem]]:
    """`root/bindings.yaml`, if the folder has one (no file: nothing bound by it)."""
    return read_by_form(root, BINDINGS_FILE, parse_bindings)


# --- applying the tables -------------------------------------------------------------------


def bind(form: FormDefinition, table: Table) -> FormDefinition:
    """`form` with the file's sources given to the questions that name none themselves."""
    if not table:
        return form
    return replace(form, sections=tuple(_bind_section(section, table) for section in form.sections))


def _bind_section(section: Section, table: Table) -> Section:
    return replace(section, fields=tuple(_bind_field(item, table) for item in section.fields))


def _bind_field(item: Field, table: Table) -> Field:
    changes: dict[str, Any] = {}
    if not item.prefill and item.id in table:
        changes["prefill"] = tuple(table[item.id])
    if item.fields:
        changes["fields"] = tuple(_bind_field(inner, table) for inner in item.fields)
    return replace(item, **changes) if changes else item


# --- checking ------------------------------------------------------------------------------


def _walk(
    fields: tuple[Field, ...], path: tuple[str | int, ...], group: Field | None
) -> Iterator[tuple[Field, tuple[str | int, ...], Field | None]]:
    for position, item in enumerate(fields):
        here = (*path, position)
        yield item, here, group
        if item.fields:
            yield from _walk(item.fields, (*here, "fields"), item)


def _fields_of(library: Any, form_id: str) -> dict[str, Field] | None:
    """Every question of every version of a national form (the newest version's wins)."""
    versions = [form for (found, _), form in sorted(library.bases.items()) if found == form_id]
    if not versions:
        return None
    return {item.id: item for form in versions for item in form.all_fields()}


def source_problems(name: str, item: Field, group: Field | None, library: Any) -> list[str]:
    """What is wrong with filling `item` (inside `group`, if any) from the source `name`."""
    previous = previous_source(name)
    if previous is None:
        source = SOURCES.get(name)
        if source is None:
            known = ", ".join(sorted(SOURCES))
            return [
                f"'{name}' is not a source: use one of {known}, or "
                "previous.<form id>.<field id> for a previous form's answer"
            ]
        if group is not None:
            return [
                f"'{item.id}' is a question of the repeating group '{group.id}': it can only "
                "be filled from a question of the group a previous form's answer fills it from"
            ]
        if item.type not in source.types:
            allowed = ", ".join(sorted(kind.value for kind in source.types))
            return [f"'{name}' can fill only a {allowed} question, and '{item.id}' is {item.type}"]
        return []
    form_id, field_id = previous
    fields = _fields_of(library, form_id)
    if fields is None:
        return [f"there is no national form '{form_id}' for '{name}'"]
    found = fields.get(field_id)
    if found is None:
        return [f"'{field_id}' is not a question of any version of {form_id}"]
    problems = []
    if found.type is not item.type and item.type not in _WIDER.get(found.type, frozenset()):
        problems.append(
            f"'{name}' is a {found.type} question and cannot fill '{item.id}', a {item.type}"
            " question"
        )
    if group is not None:
        groups = [
            source
            for source in (previous_source(given) for given in group.prefill)
            if source is not None and source[0] == form_id
        ]
        parents = [fields.get(group_id) for _, group_id in groups]
        if not any(
            parent is not None and any(inner.id == field_id for inner in parent.fields)
            for parent in parents
        ):
            problems.append(
                f"'{item.id}' is inside the repeating group '{group.id}': fill the group from a "
                f"repeating group of {form_id} that holds '{field_id}' first"
            )
    return problems


def form_binding_problems(
    form: FormDefinition,
    library: Any,
    display: str | None = None,
    *,
    table: Table | None = None,
    table_key: str = "",
    table_source: str = "",
    skip: frozenset[str] = frozenset(),
) -> list[Problem]:
    """A problem for each bad binding of `form`. A binding that came from the file
    (`table`) is reported at its key there (`table_key.<field id>` in `table_source`)."""
    where = display or form.source or form.label
    problems: list[Problem] = []
    for index, section in enumerate(form.sections):
        for item, path, group in _walk(section.fields, ("sections", index, "fields"), None):
            if not item.prefill or item.id in skip:
                continue
            from_file = table is not None and tuple(table.get(item.id, ())) == item.prefill
            for name in item.prefill:
                for message in source_problems(name, item, group, library):
                    if from_file:
                        problems.append(Problem(table_source, f"{table_key}.{item.id}", message))
                    else:
                        problems.append(Problem(where, key_path((*path, "prefill")), message))
    return problems


def stale_bindings(bindings: Bindings, library: Any) -> list[Problem]:
    """Entries of the bindings file that name a question no version of their form has."""
    problems: list[Problem] = []
    for form_id, table in bindings.national.items():
        fields = _fields_of(library, form_id)
        if fields is None:
            problems.append(
                Problem(bindings.source, f"national.{form_id}", f"there is no form '{form_id}'")
            )
            continue
        problems.extend(
            Problem(
                bindings.source,
                f"national.{form_id}.{field_id}",
                f"'{field_id}' is not a question of any version of {form_id}",
            )
            for field_id in sorted(set(table) - set(fields))
        )
    for borough, forms in bindings.boroughs.items():
        for form_id, table in forms.items():
            known = {
                item.id
                for (name, found, _), form in library.merged.items()
                if (name, found) == (borough, form_id)
                for item in form.all_fields()
            }
            problems.extend(
                Problem(
                    bindings.source,
                    f"boroughs.{borough}.{form_id}.{field_id}",
                    f"'{field_id}' is not a question of any {borough} version of {form_id}",
                )
                for field_id in sorted(set(table) - known)
            )
    return problems


def library_binding_problems(library: Any) -> list[Problem]:
    """Every bad binding of every version in `library`, and stale entries of the file."""
    bindings: Bindings = library.bindings
    problems: list[Problem] = []
    for _, form in sorted(library.bases.items()):
        problems.extend(
            form_binding_problems(
                form,
                library,
                table=bindings.for_national(form.id),
                table_key=f"national.{form.id}",
                table_source=bindings.source,
            )
        )
    for _, form in sorted(library.merged.items()):
        base = library.bases[(form.id, form.version)]
        problems.extend(overlay_binding_problems(form, base, library))
    problems.extend(stale_bindings(bindings, library))
    return sorted(set(problems), key=problems.index)


def overlay_binding_problems(
    merged: FormDefinition, base: FormDefinition, library: Any, display: str | None = None
) -> list[Problem]:
    """The bad bindings a borough's form adds to its national form's (reported once, there)."""
    national = {item.id: item.prefill for item in base.all_fields()}
    bindings: Bindings = library.bindings
    return form_binding_problems(
        merged,
        library,
        display,
        table=bindings.for_borough(merged.borough or "", merged.id),
        table_key=f"boroughs.{merged.borough}.{merged.id}",
        table_source=bindings.source,
        skip=frozenset(
            item.id for item in merged.all_fields() if national.get(item.id) == item.prefill
        ),
    )


__all__ = [
    "BINDINGS_FILE",
    "Bindings",
    "SOURCES",
    "Source",
    "bind",
    "form_binding_problems",
    "library_binding_problems",
    "overlay_binding_problems",
    "parse_bindings",
    "previous_source",
    "read_bindings",
    "source_problems",
    "stale_bindings",
]
