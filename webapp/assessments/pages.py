"""A section page built from its definition: what the browser sends back, and what to show.

Inputs are named as `validate_section` names its errors, so an error lands on its input:
`field`, `field-day` (dates), `group-0-sub_field` (repeating groups) and
`block-element-strengths` (strengths and needs). No Flask here: the view passes the form
data in, the template draws the nodes out.

Conditional questions (`visible_if`) are shown in three ways:
- under the option that reveals them (the GOV.UK conditional reveal) when they depend on
  one option of a radios or yes/no question just above them on the same page;
- otherwise, when the question they depend on is on the same page, always present, with a
  note of when to answer, and hidden by forms.mjs until the answer applies;
- when it is on another page, decided on the server from the answers saved there.
Whichever way, validation decides from the submitted answers, so what is not shown is
never stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.formdefs import CHOICE_TYPES, Field, FieldType, Option, Section, is_visible

#: A repeating group never shows more item slots than this, whatever the form data says.
ITEM_CEILING = 100
ADD = "add"
REMOVE = "remove"
SINGLE_CHOICE = (FieldType.RADIOS, FieldType.YES_NO)
DATE_PARTS = ("day", "month", "year")


@dataclass
class Node:
    """One question on the page, ready for the template."""

    field: Field
    key: str  # the input name, and the key of its error
    value: Any  # the answer as the inputs show it (raw, as typed)
    error: str | None = None
    #: option value -> the questions revealed under that option
    reveals: dict[str, list[Node]] = field(default_factory=dict)
    #: (the controlling input's name, the values that show this question), for forms.mjs
    shown_when: tuple[str, tuple[str, ...]] | None = None
    items: list[list[Node]] = field(default_factory=list)  # repeating groups
    element_errors: dict[str, str] = field(default_factory=dict)  # strengths and needs
    #: the answer is not shared at the family's request and this user may not see it
    withheld: bool = False
    #: withheld because the child's record is shielded (an address or contact)
    shielded: bool = False
    #: the family asked for this answer not to be shared (the checkbox is ticked)
    not_shared: bool = False
    #: inside a repeating group (its checkbox is drawn once, under the group)
    in_group: bool = False
    #: draw the "the family asked for this not to be shared" checkbox
    offer_restriction: bool = False
    #: for a repeating group: the checkboxes for its questions (see not_shared_items)
    restriction_options: list[dict[str, Any]] = field(default_factory=list)
    #: for a `service` question: the directory services it may name (see build_nodes)
    service_options: tuple[Option, ...] = ()
    #: where a pre-filled answer came from ("the child index"), for the hint
    prefilled_from: str = ""

    @property
    def anchor(self) -> str:
        return anchor_for(self.field, self.key, self.value)


# --- reading what the browser sent ---------------------------------------------------------


def parse_section(section: Section, formdata: Any) -> dict[str, Any]:
    """The raw answers of a page from request.form (a MultiDict): the shapes
    validate_section expects, whatever the browser (or an attacker) sent."""
    return _parse_fields(section.visible_fields, formdata, "")


def _parse_fields(fields: tuple[Field, ...], formdata: Any, prefix: str) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for item in fields:
        if item.hidden:
            continue
        raw[item.id] = _parse_one(item, formdata, prefix + item.id)
        for follow_up in item.specify_fields():
            raw[follow_up.id] = formdata.get(prefix + follow_up.id)
    return raw


def _parse_one(item: Field, formdata: Any, key: str) -> Any:
    if item.type is FieldType.CHECKBOXES:
        return formdata.getlist(key)
    if item.type is FieldType.DATE:
        return {part: formdata.get(f"{key}-{part}", "") for part in DATE_PARTS}
    if item.type is FieldType.REPEATING_GROUP:
        count = submitted_item_count(formdata, key)
        return [_parse_fields(item.fields, formdata, f"{key}-{index}-") for index in range(count)]
    if item.type is FieldType.STRENGTHS_NEEDS:
        return {
            element.id: {
                "strengths": formdata.get(f"{key}-{element.id}-strengths"),
                "needs": formdata.get(f"{key}-{element.id}-needs"),
                "not_discussed": formdata.get(f"{key}-{element.id}-not_discussed"),
            }
            for element in item.elements
        }
    return formdata.get(key)


def submitted_item_count(formdata: Any, key: str) -> int:
    """How many items of a group the page had: its hidden count, or the highest index sent
    (a tampered count is ignored), never more than ITEM_CEILING."""
    indexes = [
        int(match.group(1))
        for name in formdata
        if (match := re.fullmatch(re.escape(key) + r"-(\d{1,3})-.+", name))
    ]
    count = max(indexes, default=-1) + 1
    stated = formdata.get(f"{key}-items", "")
    if isinstance(stated, str) and stated.isdigit() and len(stated) <= 3:
        count = max(count, int(stated))
    return min(count, ITEM_CEILING)


def parse_action(formdata: Any, section: Section) -> tuple[str, str | None, int | None]:
    """What the button pressed asks for: ("continue"|"draft"|"add"|"remove", group, index).
    Anything unrecognised is treated as "continue"."""
    action = formdata.get("_action", "continue")
    groups = {item.id for item in section.visible_fields if item.type is FieldType.REPEATING_GROUP}
    if not isinstance(action, str):
        return "continue", None, None
    name, _, rest = action.partition(":")
    if name == ADD and rest in groups:
        return ADD, rest, None
    if name == REMOVE:
        group, _, index = rest.partition(":")
        if group in groups and index.isdigit() and int(index) < ITEM_CEILING:
            return REMOVE, group, int(index)
    if name == "draft":
        return "draft", None, None
    return "continue", None, None


def change_items(raw: dict[str, Any], action: str, group: str, index: int | None) -> None:
    items = list(raw.get(group) or [])
    if action == ADD:
        items.append({})
    elif action == REMOVE and index is not None and index < len(items):
        items.pop(index)
    raw[group] = items


# --- turning stored answers back into what the inputs show ------------------------------------


def raw_from_stored(fields: tuple[Field, ...], stored: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for item in fields:
        value = stored.get(item.id)
        if item.type is FieldType.DATE and isinstance(value, str):
            year, _, rest = value.partition("-")
            month, _, day = rest.partition("-")
            raw[item.id] = {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        elif item.type is FieldType.REPEATING_GROUP and isinstance(value, list):
            raw[item.id] = [
                raw_from_stored(item.fields, entry) for entry in value if isinstance(entry, dict)
            ]
        elif item.type in (FieldType.NUMBER, FieldType.SERVICE) and isinstance(value, int):
            raw[item.id] = str(value)
        else:
            raw[item.id] = value
        for follow_up in item.specify_fields():
            raw[follow_up.id] = stored.get(follow_up.id)
    return raw


# --- building the page ------------------------------------------------------------------------


def build_nodes(
    section: Section,
    raw: Mapping[str, Any],
    errors: Mapping[str, str],
    context: Mapping[str, Any],
    *,
    withheld: frozenset[str] = frozenset(),
    shielded: frozenset[str] = frozenset(),
    not_shared: frozenset[str] = frozenset(),
    offer_restriction: bool = True,
    service_options: tuple[Option, ...] = (),
    origins: Mapping[str, str] | None = None,
) -> list[Node]:
    """The page's questions. `withheld`: answers this user may not see (drawn as "not
    shared", never as inputs holding them); `shielded`: the address and contact questions
    whose answers are withheld because the record is shielded (drawn the same way when
    answered); `not_shared`: the ticked restrictions;
    `offer_restriction`: whether this user may mark answers as not to be shared;
    `service_options`: the directory services a `service` question offers (value: id);
    `origins`: where pre-filled answers came from, by field id (see prefill.py)."""
    nodes = _build(section.visible_fields, raw, errors, context, "", top_level=raw)
    _mark(nodes, withheld, not_shared, offer_restriction, shielded)
    _offer_services(nodes, service_options)
    _say_where_from(nodes, origins or {})
    return nodes


def _say_where_from(nodes: list[Node], origins: Mapping[str, str]) -> None:
    for node in nodes:
        node.prefilled_from = "" if node.withheld else origins.get(node.field.id, "")
        for revealed in node.reveals.values():
            _say_where_from(revealed, origins)


def _offer_services(nodes: list[Node], options: tuple[Option, ...]) -> None:
    for node in nodes:
        if node.field.type is FieldType.SERVICE:
            node.service_options = options
        for revealed in node.reveals.values():
            _offer_services(revealed, options)
        for entry in node.items:
            _offer_services(entry, options)


def _mark(
    nodes: list[Node],
    withheld: frozenset[str],
    not_shared: frozenset[str],
    offer: bool,
    shielded: frozenset[str] = frozenset(),
) -> None:
    for node in nodes:
        node.not_shared = node.field.id in not_shared
        if node.field.id in shielded and node.value not in (None, "", [], {}):
            node.shielded = True
        if node.field.id in withheld or node.shielded:
            node.withheld = True
            node.value = None
            node.items = []
            node.reveals = {}
            continue
        node.offer_restriction = offer and node.field.shareable_restriction and not node.in_group
        if offer and node.field.type is FieldType.REPEATING_GROUP:
            node.restriction_options = not_shared_items(node, not_shared)
        for revealed in node.reveals.values():
            _mark(revealed, withheld, not_shared, offer, shielded)
        for entry in node.items:
            _mark(entry, withheld, not_shared, offer, shielded)


def not_shared_items(node: Node, not_shared: frozenset[str]) -> list[dict[str, Any]]:
    """The checkboxes under a repeating group: one for each of its questions the family may
    ask not to be shared (the answer in every item)."""
    return [
        {
            "value": item.id,
            "text": f"The family asked for ‘{item.name}’ not to be shared",
            "checked": item.id in not_shared,
        }
        for item in node.field.fields
        if item.shareable_restriction and not item.hidden
    ]


def _build(
    fields: tuple[Field, ...],
    raw: Mapping[str, Any],
    errors: Mapping[str, str],
    context: Mapping[str, Any],
    prefix: str,
    top_level: Mapping[str, Any],
) -> list[Node]:
    shown = [item for item in fields if not item.hidden]
    here = {item.id: item for item in shown}
    page_ids = {item.id for item in shown} | set(top_level)
    nodes: dict[str, Node] = {}
    placed: list[Node] = []
    for item in shown:
        node = _node(item, raw, errors, context, prefix, top_level)
        nodes[item.id] = node
        condition = item.visible_if
        if condition is None:
            placed.append(node)
            continue
        controller = here.get(condition.field)
        revealing = nodes.get(condition.field)
        if (
            revealing is not None
            and controller is not None
            and controller.type in SINGLE_CHOICE
            and len(condition.values) == 1
        ):
            revealing.reveals.setdefault(condition.values[0], []).append(node)
        elif condition.field in page_ids:
            in_group = condition.field in here and prefix
            node.shown_when = ((prefix if in_group else "") + condition.field, condition.values)
            placed.append(node)
        elif is_visible(item, {**context, **raw}):
            placed.append(node)  # decided by an answer on another page
    return placed


def _node(
    item: Field,
    raw: Mapping[str, Any],
    errors: Mapping[str, str],
    context: Mapping[str, Any],
    prefix: str,
    top_level: Mapping[str, Any],
) -> Node:
    key = prefix + item.id
    value = raw.get(item.id)
    node = Node(item, key, value, errors.get(key), in_group=bool(prefix))
    for option in item.options:
        if option.specify is not None:
            follow_up = option.specify
            follow_key = prefix + follow_up.id
            node.reveals.setdefault(option.value, []).append(
                Node(follow_up, follow_key, raw.get(follow_up.id), errors.get(follow_key))
            )
    if item.type is FieldType.REPEATING_GROUP:
        entries = value if isinstance(value, list) and value else [{}]
        node.value = entries
        node.error = errors.get(key)
        for index, entry in enumerate(entries[:ITEM_CEILING]):
            entry = entry if isinstance(entry, Mapping) else {}
            item_prefix = f"{key}-{index}-"
            item_nodes = _build(item.fields, entry, errors, context, item_prefix, top_level)
            item_error = errors.get(f"{key}-{index}")
            if item_error and item_nodes:
                item_nodes[0].error = item_nodes[0].error or item_error
            node.items.append(item_nodes)
    if item.type is FieldType.STRENGTHS_NEEDS:
        node.element_errors = {
            name: message for name, message in errors.items() if name.startswith(key + "-")
        }
        if not isinstance(value, Mapping):
            node.value = {}
    return node


def anchor_for(item: Field, key: str, value: Any) -> str:
    """Where an error on this question links: the first input to put right."""
    if item.type is FieldType.DATE:
        return f"{key}-{first_wrong_date_part(value)}"
    if item.type is FieldType.REPEATING_GROUP:
        first = item.fields[0] if item.fields else None
        return anchor_for(first, f"{key}-0-{first.id}", None) if first else key
    if item.type is FieldType.STRENGTHS_NEEDS and item.elements:
        return f"{key}-{item.elements[0].id}-strengths"
    return key


def first_wrong_date_part(value: Any) -> str:
    """The GOV.UK pattern: an error links to the first part that is missing or wrong."""
    if not isinstance(value, Mapping):
        return "day"
    parts = {part: str(value.get(part) or "").strip() for part in DATE_PARTS}
    for part in DATE_PARTS:
        if not parts[part]:
            return part
    limits = {"day": (1, 31), "month": (1, 12), "year": (1900, 9999)}
    for part in DATE_PARTS:
        text = parts[part]
        low, high = limits[part]
        wrong_length = part == "year" and len(text) != 4
        if not text.isdigit() or not low <= int(text) <= high or wrong_length:
            return part
    return "day"


def error_list(nodes: list[Node], errors: Mapping[str, str]) -> list[dict[str, str]]:
    """The error summary, in page order; each entry links to its input."""
    ordered: list[dict[str, str]] = []
    seen: set[str] = set()

    def visit(node: Node) -> None:
        if node.error and node.key not in seen:
            seen.add(node.key)
            ordered.append({"text": node.error, "href": "#" + node.anchor})
        for name, message in node.element_errors.items():
            if name not in seen:
                seen.add(name)
                ordered.append({"text": message, "href": "#" + name})
        for revealed in node.reveals.values():
            for child in revealed:
                visit(child)
        for index, entry in enumerate(node.items):
            seen.add(f"{node.key}-{index}")
            for child in entry:
                visit(child)

    for node in nodes:
        visit(node)
    for name, message in errors.items():
        if name not in seen:
            ordered.append({"text": message, "href": "#main-content"})
    return ordered


def option_items(node: Node, selected: list[str]) -> list[dict[str, Any]]:
    """GOV.UK radios/checkboxes items, with group headings as dividers."""
    items: list[dict[str, Any]] = []
    group: str | None = None
    choices: tuple[Option, ...] = node.field.choices
    for option in choices:
        if option.group and option.group != group:
            items.append({"divider": option.group})
        group = option.group
        entry: dict[str, Any] = {
            "value": option.value,
            "text": option.label,
            "checked": option.value in selected,
        }
        if option.hint:
            entry["hint"] = {"text": option.hint}
        items.append(entry)
    return items


def select_items(node: Node, selected: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"value": "", "text": "Select an option"}]
    for option in node.field.choices:
        items.append(
            {"value": option.value, "text": option.label, "selected": option.value in selected}
        )
    return items


def service_items(node: Node, selected: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"value": "", "text": "No service from the directory"}]
    for option in node.service_options:
        items.append(
            {"value": option.value, "text": option.label, "selected": option.value in selected}
        )
    return items


def selected_values(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str)]
    return [value] if isinstance(value, str) else []


def is_choice(item: Field) -> bool:
    return item.type in CHOICE_TYPES
