"""Answers as people read them: "check your answers", read-only views, comparisons.

Everything typed by a user is escaped here (markupsafe) before it becomes HTML: an answer
holding HTML or script is shown as the text it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from webapp.formdefs import Field, FieldType, Section, is_visible
from webapp.govuk_dates import govuk_date

NOT_ANSWERED = "Not answered"
#: What replaces an answer the family asked not to be shared, for anyone outside the agency
#: that recorded it (see services.visible_answers).
NOT_SHARED = "Not shared at the family’s request"


@dataclass(frozen=True)
class ServiceLink:
    """How to show a directory service an answer names: its name, and its page."""

    name: str
    href: str = ""


#: Directory services by id, for answers to `service` questions (see `service_text`).
ServiceLinks = Mapping[int, ServiceLink]


@dataclass(frozen=True)
class Entry:
    """One answer, flattened: `path` is stable (ids and item numbers), `label` is human.
    `href` is set for an answer that names a directory service: its page."""

    path: str
    label: str
    text: str
    href: str = ""


@dataclass(frozen=True)
class Row:
    key: str
    html: Markup
    field_id: str
    anchor: str


def section_title(section: Section) -> str:
    """A section's name on the task list and pages. The national form's three domains of
    strengths and needs say so: its "Parents and carers" domain (how they care for the
    child) is then not read as the section of that name about who they are."""
    if any(field.type is FieldType.STRENGTHS_NEEDS for field in section.fields):
        return f"Strengths and needs: {section.title}"
    return section.title


def format_date(value: Any) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return govuk_date(day)


def service_text(value: Any, services: ServiceLinks | None) -> str:
    """A directory service's name; a service the caller did not look up is still named."""
    link = (services or {}).get(value) if isinstance(value, int) else None
    return link.name if link else f"Service {value} in the service directory"


def format_scalar(
    item: Field, value: Any, answers: Mapping[str, Any], services: ServiceLinks | None = None
) -> str:
    """A single answer as plain text ("" when unanswered). `services`: the directory
    services that answers to `service` questions name."""
    if value is None or value == "" or value == []:
        return ""
    if item.type is FieldType.DATE:
        return format_date(value)
    if item.type is FieldType.SERVICE:
        return service_text(value, services)
    if item.type in (FieldType.RADIOS, FieldType.SELECT, FieldType.YES_NO, FieldType.CHECKBOXES):
        chosen = value if isinstance(value, list) else [value]
        lines = []
        for choice in chosen:
            option = item.option(str(choice))
            label = option.label if option else str(choice)
            if option and option.specify and answers.get(option.specify.id):
                label = f"{label}: {answers[option.specify.id]}"
            lines.append(label)
        return "\n".join(lines)
    return str(value)


def text_html(text: str) -> Markup:
    """Escaped text with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def _service_href(item: Field, value: Any, services: ServiceLinks | None) -> str:
    if item.type is not FieldType.SERVICE or not isinstance(value, int):
        return ""
    link = (services or {}).get(value)
    return link.href if link else ""


def _answer_html(text: str, href: str) -> Markup:
    if href and text:
        return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)
    return text_html(text or NOT_ANSWERED)


def entries(
    fields: tuple[Field, ...],
    answers: Mapping[str, Any],
    path: str = "",
    label: str = "",
    services: ServiceLinks | None = None,
) -> list[Entry]:
    """Every visible question with its answer as text, groups and blocks flattened."""
    found: list[Entry] = []
    for item in fields:
        if not is_visible(item, answers):
            continue
        value = answers.get(item.id)
        here = f"{path}{item.id}"
        name = f"{label}{item.name}"
        if value == NOT_SHARED:
            if item.type is FieldType.STRENGTHS_NEEDS:
                found.extend(
                    Entry(f"{here}.{element.id}", f"{label}{element.label}", NOT_SHARED)
                    for element in item.elements
                )
            else:
                found.append(Entry(here, name, NOT_SHARED))
        elif item.type is FieldType.REPEATING_GROUP:
            for index, entry in enumerate(value if isinstance(value, list) else []):
                item_label = (item.item_label or "item").capitalize()
                found.extend(
                    entries(
                        item.fields,
                        {**answers, **entry},
                        f"{here}[{index + 1}].",
                        f"{item_label} {index + 1}: ",
                        services,
                    )
                    if isinstance(entry, Mapping)
                    else []
                )
            if not value:
                found.append(Entry(here, name, ""))
        elif item.type is FieldType.STRENGTHS_NEEDS:
            blocks = value if isinstance(value, Mapping) else {}
            for element in item.elements:
                answer = blocks.get(element.id) or {}
                found.append(
                    Entry(f"{here}.{element.id}", f"{label}{element.label}", strengths_text(answer))
                )
        else:
            text = format_scalar(item, value, answers, services)
            found.append(Entry(here, name, text, _service_href(item, value, services)))
    return found


def strengths_text(answer: Mapping[str, Any]) -> str:
    lines = []
    if answer.get("strengths"):
        lines.append(f"Strengths: {answer['strengths']}")
    if answer.get("needs"):
        lines.append(f"Needs: {answer['needs']}")
    if answer.get("not_discussed"):
        lines.append("Not discussed")
    return "\n".join(lines)


def summary_rows(
    section: Section, answers: Mapping[str, Any], services: ServiceLinks | None = None
) -> list[Row]:
    """The rows of a GOV.UK summary list for one section. `services`: the directory
    services its answers name, shown as links to their pages."""
    rows: list[Row] = []
    for item in section.visible_fields:
        if not is_visible(item, answers):
            continue
        value = answers.get(item.id)
        if item.type is FieldType.STRENGTHS_NEEDS:
            blocks = value if isinstance(value, Mapping) else {}
            for element in item.elements:
                text = (
                    NOT_SHARED
                    if value == NOT_SHARED
                    else strengths_text(blocks.get(element.id) or {})
                )
                rows.append(
                    Row(
                        element.label,
                        _or_not_answered(text),
                        item.id,
                        f"{item.id}-{element.id}-strengths",
                    )
                )
        elif item.type is FieldType.REPEATING_GROUP:
            rows.append(
                Row(
                    item.name,
                    _group_html(item, value, answers, services),
                    item.id,
                    f"{item.id}-0-{item.fields[0].id}" if item.fields else item.id,
                )
            )
        else:
            anchor = f"{item.id}-day" if item.type is FieldType.DATE else item.id
            rows.append(
                Row(
                    item.name,
                    _answer_html(
                        format_scalar(item, value, answers, services),
                        _service_href(item, value, services),
                    ),
                    item.id,
                    anchor,
                )
            )
    return rows


def _or_not_answered(text: str) -> Markup:
    return text_html(text or NOT_ANSWERED)


def _group_html(
    item: Field, value: Any, answers: Mapping[str, Any], services: ServiceLinks | None = None
) -> Markup:
    if value == NOT_SHARED:
        return text_html(NOT_SHARED)
    items = [
        entry for entry in (value if isinstance(value, list) else []) if isinstance(entry, Mapping)
    ]
    if not items:
        return Markup("None added")
    parts = []
    for index, entry in enumerate(items):
        lines = [
            Markup("<li>{}: {}</li>").format(inner.label, _answer_html(inner.text, inner.href))
            for inner in entries(item.fields, {**answers, **entry}, services=services)
        ]
        heading = f"{(item.item_label or 'item').capitalize()} {index + 1}"
        parts.append(
            Markup(
                '<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">{}</p>'
                '<ul class="govuk-list">{}</ul>'
            ).format(heading, Markup("").join(lines))
        )
    return Markup("").join(parts)


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    before: str
    after: str


def compare(
    sections_before: list[Section],
    before: Mapping[str, Any],
    sections_after: list[Section],
    after: Mapping[str, Any],
    services: ServiceLinks | None = None,
) -> list[Change]:
    """What changed between two versions, question by question (by stable id, so a
    question moved by a newer form version still lines up)."""
    titles: dict[str, str] = {}
    old: dict[str, Entry] = {}
    new: dict[str, Entry] = {}
    order: list[str] = []
    for sections, answers, found in ((sections_before, before, old), (sections_after, after, new)):
        for section in sections:
            for entry in entries(section.visible_fields, answers, services=services):
                found[entry.path] = entry
                if entry.path not in titles:
                    titles[entry.path] = section.title
                    order.append(entry.path)
    changes = []
    for path in order:
        was = old[path].text if path in old else ""
        now = new[path].text if path in new else ""
        if was != now:
            label = (new.get(path) or old[path]).label
            changes.append(Change(titles[path], label, was, now))
    return changes
