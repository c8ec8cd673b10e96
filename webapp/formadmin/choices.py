"""What the change forms offer, read from the draft's effective form: which questions can
be required, hidden, given options... Core national questions are offered only for the
changes that cannot weaken them."""

from __future__ import annotations

from webapp.assessments.display import section_title
from webapp.formdefs import CHOICE_TYPES, FieldType, FormDefinition
from webapp.formdefs.definition import Field, walk_fields


def _label(field: Field) -> str:
    return f"{field.name} ({field.id})"


def top_level(form: FormDefinition) -> list[tuple[str, Field]]:
    return [
        (section.title, field)
        for section in form.sections
        for field in section.fields
        if not field.hidden
    ]


def every_field(form: FormDefinition) -> list[Field]:
    return [
        field
        for section in form.sections
        for field in walk_fields(section.fields)
        if not field.hidden
    ]


def place_choices(form: FormDefinition) -> list[tuple[str, str]]:
    """Each place a question can go, grouped by section and in the section's words: after
    each of its questions but the last, then at its end (after the last question is the
    same place, so it is not offered twice)."""
    choices = [("", "Select where the question goes")]
    for section in form.sections:
        shown = [field for field in section.fields if not field.hidden]
        choices += [
            (f"after:{field.id}", f"{section_title(section)}: after “{field.name}”")
            for field in shown[:-1]
        ]
        choices.append((f"into:{section.id}", f"{section_title(section)}: at the end"))
    return choices


def condition_choices(form: FormDefinition) -> list[tuple[str, str]]:
    return [("", "Always show it")] + [
        (field.id, _label(field)) for _, field in top_level(form) if field.type in CHOICE_TYPES
    ]


def section_choices(form: FormDefinition, prompt: str) -> list[tuple[str, str]]:
    return [("", prompt)] + [(section.id, section_title(section)) for section in form.sections]


def option_field_choices(form: FormDefinition) -> list[tuple[str, str]]:
    return [("", "Select the question")] + [
        (field.id, _label(field))
        for field in every_field(form)
        if field.type in CHOICE_TYPES and field.type is not FieldType.YES_NO
    ]


def text_choices(form: FormDefinition, *, core: bool) -> list[tuple[str, str]]:
    """What new words (`core` False: core national questions keep theirs) or a hint can be
    given to: the form itself, its sections and its questions."""
    choices = [("", "Select the question or section"), (form.id, f"The form: {form.title}")]
    for section in form.sections:
        choices.append((section.id, f"Section: {section_title(section)}"))
    choices += [(field.id, _label(field)) for field in every_field(form) if core or not field.core]
    return choices


def requirable_choices(form: FormDefinition) -> list[tuple[str, str]]:
    return [("", "Select the question")] + [
        (field.id, _label(field)) for field in every_field(form) if not field.required
    ]


def hideable_choices(form: FormDefinition) -> list[tuple[str, str]]:
    """Only optional questions outside the national core can be hidden."""
    return [("", "Select the question")] + [
        (field.id, _label(field))
        for field in every_field(form)
        if not field.required and not field.core
    ]
