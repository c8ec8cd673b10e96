"""What a document template is given: plain data built from a form definition and answers.

Plain Python (no Flask, no database), so the same context serves the web download, the
template check and the tests. The default templates lay out `sections` whatever fields
they hold, so a borough that adds fields sees them in its documents; a borough's own
template can also name answers directly (`{{ answers.nhs_number }}`).

Everything here is text: docxtpl escapes it when rendering (autoescape on), so an answer
holding markup is printed as the characters it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.assessments.display import NOT_SHARED, ServiceLinks, format_scalar, strengths_text
from webapp.formdefs import CHOICE_TYPES, Field, FieldType, Section, is_visible
from webapp.sharing.sensitive import SENSITIVE_WITHHELD

#: What stands in for an answer left out of a document made for another agency.
WITHHELD = (NOT_SHARED, SENSITIVE_WITHHELD)

#: An unanswered question: a line to write on by hand.
BLANK_LINE = "_" * 36
#: How many empty rows a repeating group gets when there is nothing in it.
BLANK_ROWS = 2
#: The top-level names every template may use (the template check refuses others).
CONTEXT_NAMES = ("document", "child", "sections", "answers", "signatures")
#: The attributes of `document` and `child` a template may use.
DOCUMENT_KEYS = (
    "id",
    "title",
    "type",
    "reference",
    "form_id",
    "form_title",
    "form_version",
    "overlay_version",
    "version_label",
    "borough",
    "generated_at",
    "generated_by",
    "generated_by_organisation",
    "prepared_for",
    "for_sharing",
    "blank",
    "status",
    "notice",
)
CHILD_KEYS = ("name", "date_of_birth", "reference")
SIGNATURE_KEYS = ("role", "name", "date")


@dataclass
class Block:
    """Part of a section: questions with answers, or a table (a repeating group or a
    strengths-and-needs block)."""

    kind: str  # "questions" or "table"
    label: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    entries: list[list[str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "rows": self.rows,
            "columns": self.columns,
            "entries": self.entries,
        }


def _blank_for(item: Field) -> str:
    if item.type in CHOICE_TYPES:
        # A printed form offers the choices to tick.
        return "   ".join(f"☐ {option.label}" for option in item.choices)
    if item.type is FieldType.DATE:
        return "____ / ____ / ________"
    if item.type is FieldType.TEXTAREA:
        return "\n".join([BLANK_LINE] * 3)
    return BLANK_LINE


def _question(item: Field, text: str, blank: bool) -> dict[str, Any]:
    return {"label": item.name, "answer": text or _blank_for(item), "blank": not text}


def _cell(
    item: Field, value: Any, answers: Mapping[str, Any], services: ServiceLinks | None
) -> str:
    if value in WITHHELD:
        return value
    return format_scalar(item, value, answers, services)


def _group_table(
    item: Field,
    value: Any,
    answers: Mapping[str, Any],
    services: ServiceLinks | None = None,
) -> Block:
    columns = [inner.name for inner in item.fields if not inner.hidden]
    block = Block("table", label=item.label, columns=columns)
    if value in WITHHELD:
        block.entries = [[value] + [""] * (len(columns) - 1)]
        return block
    items = (
        [entry for entry in value if isinstance(entry, Mapping)] if isinstance(value, list) else []
    )
    for entry in items:
        merged = {**answers, **entry}
        block.entries.append(
            [
                (_cell(inner, entry.get(inner.id), merged, services) or BLANK_LINE[:16])
                if is_visible(inner, merged)
                else ""
                for inner in item.fields
                if not inner.hidden
            ]
        )
    if not items:
        block.entries = [[BLANK_LINE[:16] for _ in columns] for _ in range(BLANK_ROWS)]
    return block


#: A repeating group with more columns than this prints as a block of questions for each of
#: its items: a wider table on a portrait A4 page breaks its words mid-word.
WIDEST_TABLE = 5


def _group_blocks(
    item: Field, value: Any, answers: Mapping[str, Any], services: ServiceLinks | None
) -> list[Block]:
    table = _group_table(item, value, answers, services)
    if len(table.columns) <= WIDEST_TABLE or value in WITHHELD:
        return [table]
    name = item.item_label or "item"
    return [
        Block(
            "questions",
            label=f"{item.label}: {name[:1].upper()}{name[1:]} {number}",
            rows=[
                {"label": column, "answer": cell, "blank": cell in ("", BLANK_LINE[:16])}
                for column, cell in zip(table.columns, entry, strict=True)
            ],
        )
        for number, entry in enumerate(table.entries, 1)
    ]


def _strengths_table(item: Field, value: Any) -> Block:
    block = Block("table", label=item.label, columns=["Element", "Strengths", "Needs"])
    answers = value if isinstance(value, Mapping) else {}
    for element in item.elements:
        if value in WITHHELD:
            block.entries.append([element.label, value, ""])
            continue
        answer = answers.get(element.id) or {}
        if answer.get("not_discussed"):
            block.entries.append([element.label, "Not discussed", ""])
            continue
        block.entries.append(
            [
                element.label,
                answer.get("strengths") or BLANK_LINE[:24],
                answer.get("needs") or BLANK_LINE[:24],
            ]
        )
    return block


def section_context(
    section: Section,
    answers: Mapping[str, Any],
    blank: bool,
    services: ServiceLinks | None = None,
) -> dict[str, Any]:
    """One section as blocks. Questions hidden by a condition are left out of a filled-in
    document; a blank form prints them all, to be completed by hand. `services` names the
    directory services that answers point at."""
    blocks: list[Block] = []
    for item in section.visible_fields:
        if not blank and not is_visible(item, answers):
            continue
        value = answers.get(item.id)
        if item.type is FieldType.REPEATING_GROUP:
            blocks.extend(_group_blocks(item, value, answers, services))
        elif item.type is FieldType.STRENGTHS_NEEDS:
            blocks.append(_strengths_table(item, value))
        else:
            if not blocks or blocks[-1].kind != "questions":
                blocks.append(Block("questions"))
            text = value if value in WITHHELD else format_scalar(item, value, answers, services)
            blocks[-1].rows.append(_question(item, text, blank))
    return {
        "title": section.title,
        "description": section.description or "",
        "blocks": [block.as_dict() for block in blocks],
    }


def answers_text(
    sections: list[Section], answers: Mapping[str, Any], services: ServiceLinks | None = None
) -> dict[str, str]:
    """Every top-level answer as text by field id, for templates that name fields."""
    found: dict[str, str] = {}
    for section in sections:
        for item in section.visible_fields:
            value = answers.get(item.id)
            if value in WITHHELD:
                found[item.id] = value
            elif item.type is FieldType.STRENGTHS_NEEDS:
                blocks = value if isinstance(value, Mapping) else {}
                found[item.id] = "\n".join(
                    f"{element.label}: {strengths_text(blocks.get(element.id) or {})}"
                    for element in item.elements
                    if blocks.get(element.id)
                )
            elif item.type is FieldType.REPEATING_GROUP:
                found[item.id] = str(len(value)) if isinstance(value, list) else "0"
            else:
                found[item.id] = format_scalar(item, value, answers, services)
            for follow_up in item.specify_fields():
                found.setdefault(follow_up.id, str(answers.get(follow_up.id) or ""))
    return found


def field_ids(sections: list[Section]) -> set[str]:
    """The names `answers.<id>` may use in a template of this form."""
    ids: set[str] = set()
    for section in sections:
        for item in section.fields:
            ids.add(item.id)
            ids.update(follow_up.id for follow_up in item.specify_fields())
    return ids


#: A date to write by hand, in no-break spaces: the line never wraps in its column.
DATE_LINE = "____\u00a0/\u00a0____\u00a0/\u00a0________"


def signature_blocks(roles: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """(role, printed name, date) for each signature; unknown names and dates are lines."""
    return [
        {"role": role, "name": name or BLANK_LINE[:20], "date": date or DATE_LINE}
        for role, name, date in roles
    ]


def build(
    *,
    document: Mapping[str, Any],
    child: Mapping[str, Any],
    sections: list[dict[str, Any]],
    answers: Mapping[str, str],
    signatures: list[dict[str, str]],
) -> dict[str, Any]:
    missing = set(DOCUMENT_KEYS) - set(document)
    if missing:
        raise ValueError(f"document context lacks {sorted(missing)}")
    return {
        "document": dict(document),
        "child": {key: child.get(key, "") for key in CHILD_KEYS},
        "sections": sections,
        "answers": dict(answers),
        "signatures": signatures,
    }
