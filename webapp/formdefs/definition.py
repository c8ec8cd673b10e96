"""Form definitions as immutable data: a form has sections (one page each) of fields.

Everything here is frozen so that a published version cannot be changed by accident
once loaded: an overlay builds a *new* definition rather than editing the base one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DATE = "date"
    RADIOS = "radios"
    CHECKBOXES = "checkboxes"
    SELECT = "select"
    YES_NO = "yes_no"
    EMAIL = "email"
    UK_PHONE = "uk_phone"
    UK_POSTCODE = "uk_postcode"
    NHS_NUMBER = "nhs_number"
    REPEATING_GROUP = "repeating_group"
    STRENGTHS_NEEDS = "strengths_needs"
    #: A service from the borough's service directory, stored as its id. The choices are
    #: not in the definition: the app supplies the borough's services when it draws and
    #: checks the page (`validate_section(..., service_ids=...)`).
    SERVICE = "service"


#: Types whose answer is one or more of a fixed list of options.
CHOICE_TYPES = frozenset(
    {FieldType.RADIOS, FieldType.CHECKBOXES, FieldType.SELECT, FieldType.YES_NO}
)
#: Types where `max_length` applies (free text typed by the practitioner).
FREE_TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.TEXTAREA, FieldType.STRENGTHS_NEEDS})
#: Limits when a definition sets none, so no answer is unbounded (each strengths or
#: needs box of a strengths_needs block has the limit on its own).
DEFAULT_MAX_LENGTH = {
    FieldType.TEXT: 500,
    FieldType.TEXTAREA: 5000,
    FieldType.STRENGTHS_NEEDS: 5000,
}


class DateRule(StrEnum):
    """Which dates make sense for a date field."""

    ANY = "any"
    PAST = "past"  # today or earlier
    FUTURE = "future"  # today or later
    #: A date of birth, or for an unborn baby the expected date of delivery (up to
    #: 10 months ahead). `Field.unborn_if` says which answer means "unborn".
    BIRTH_OR_DUE = "birth_or_due"


class DataClass(StrEnum):
    """How personal an answer is (DCSF 2010, paragraphs 15 and 17): basic personal
    information (name, address, postcode, date of birth, contacts) or sensitive personal
    data (health, development, disability, ethnicity, religion, sexual life, offending,
    social care concerns, family functioning), which needs the family's explicit consent."""

    BASIC = "basic"
    SENSITIVE = "sensitive"


class ErrorKey(StrEnum):
    """The error messages a definition may reword (GOV.UK style, one per problem)."""

    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    NOT_IN_LIST = "not_in_list"
    REAL_DATE = "real_date"
    PAST = "past"
    FUTURE = "future"
    DUE_WINDOW = "due_window"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    TOO_FEW = "too_few"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Condition:
    """Show a field only when another field's answer is one of `values` (data, not code)."""

    field: str
    values: tuple[str, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.field)
        if isinstance(answer, list | tuple):
            return any(str(item).strip() in self.values for item in answer)
        return isinstance(answer, str) and answer.strip() in self.values


@dataclass(frozen=True)
class Option:
    """One answer of a choice field. `specify` is the "please specify" text follow-up,
    revealed when this option is chosen and stored under its own field id."""

    value: str
    label: str
    hint: str | None = None
    group: str | None = None  # a heading to group long lists (the census ethnicity groups)
    specify: Field | None = None


YES_NO_OPTIONS = (Option("yes", "Yes"), Option("no", "No"))


@dataclass(frozen=True)
class Element:
    """One element of a CAF domain (e.g. "General health"), answered in a strengths and
    needs block with strengths, needs and whether it was discussed."""

    id: str
    label: str
    hint: str | None = None
    group: str | None = None  # e.g. "Health" or "Learning" in the development domain


@dataclass(frozen=True)
class Field:
    """A question. `id` is stable across versions: answers, overlays and documents use it."""

    id: str
    type: FieldType
    label: str
    short_label: str | None = None  # used in error messages and on "check your answers"
    hint: str | None = None
    required: bool = False
    core: bool = False  # part of the national core: overlays cannot remove or weaken it
    hidden: bool = False  # set by an overlay: not shown, not validated, not stored
    options: tuple[Option, ...] = ()
    visible_if: Condition | None = None
    max_length: int | None = None
    errors: tuple[tuple[ErrorKey, str], ...] = ()
    shareable_restriction: bool = False  # the family may ask for this not to be shared
    #: a radios question whose options, first to last, rate a need from the worst to the
    #: best: what reports measure the distance travelled by (webapp/reports/ratings.py)
    rating_scale: bool = False
    #: basic or sensitive personal data; None until classified (by the definition, an
    #: overlay, or `formdefs/classification.yaml`), and treated as sensitive until then
    data_class: DataClass | None = None
    #: where the answer is pre-filled from when the section is first opened, the first
    #: source with a value winning (`webapp/formdefs/bindings.py` lists the sources)
    prefill: tuple[str, ...] = ()
    date_rule: DateRule = DateRule.ANY
    unborn_if: Condition | None = None
    minimum: int | None = None
    maximum: int | None = None
    # Repeating groups ("add another")
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    item_label: str | None = None
    add_another_label: str | None = None
    # Strengths and needs blocks
    elements: tuple[Element, ...] = ()

    @property
    def name(self) -> str:
        """What error messages and summaries call this field."""
        return self.short_label or self.label

    @property
    def choices(self) -> tuple[Option, ...]:
        """The options a user may pick (yes/no fields have theirs built in)."""
        if self.type is FieldType.YES_NO and not self.options:
            return YES_NO_OPTIONS
        return self.options

    @property
    def length_limit(self) -> int | None:
        """The maximum length in characters that validation enforces, if any."""
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.choices if option.value == value), None)

    def error_message(self, key: ErrorKey) -> str | None:
        """The definition's own wording for this problem, if it has one."""
        return dict(self.errors).get(key)

    def specify_fields(self) -> Iterator[Field]:
        for option in self.options:
            if option.specify is not None:
                yield option.specify


@dataclass(frozen=True)
class Section:
    """A page of a form, and a task on the task list."""

    id: str
    title: str
    description: str | None = None
    fields: tuple[Field, ...] = ()

    @property
    def visible_fields(self) -> tuple[Field, ...]:
        """The fields an overlay has not hidden (conditional fields are still included)."""
        return tuple(field for field in self.fields if not field.hidden)


@dataclass(frozen=True)
class FormPin:
    """What an episode stores to reopen exactly the form version it was started with."""

    form_id: str
    version: int
    borough: str | None = None
    overlay_version: int | None = None


@dataclass(frozen=True)
class FormDefinition:
    """A form: a national base version, or the effective form of a borough (base plus
    overlay, when `borough`/`overlay_version` are set)."""

    id: str
    version: int
    title: str
    sections: tuple[Section, ...]
    description: str | None = None
    borough: str | None = None
    overlay_version: int | None = None
    source: str | None = field(default=None, compare=False)

    @property
    def pin(self) -> FormPin:
        return FormPin(self.id, self.version, self.borough, self.overlay_version)

    @property
    def label(self) -> str:
        """A human name for messages, e.g. "caf_assessment version 1"."""
        return f"{self.id} version {self.version}"

    def find_section(self, section_id: str) -> Section | None:
        return next((section for section in self.sections if section.id == section_id), None)

    def find_field(self, field_id: str) -> Field | None:
        """Any field by id: top-level, inside a repeating group, or a "please specify"."""
        return next((field for field in self.all_fields() if field.id == field_id), None)

    def section_of(self, field_id: str) -> Section | None:
        for section in self.sections:
            if any(field.id == field_id for field in walk_fields(section.fields)):
                return section
        return None

    def all_fields(self) -> Iterator[Field]:
        for section in self.sections:
            yield from walk_fields(section.fields)


def walk_fields(fields: tuple[Field, ...]) -> Iterator[Field]:
    """Each field, then its "please specify" follow-ups and group sub-fields, depth first."""
    for item in fields:
        yield item
        yield from item.specify_fields()
        yield from walk_fields(item.fields)
