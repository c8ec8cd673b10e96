"""One form per kind of change to a borough's form; each turns its answers into the
overlay operation that the command line would read from YAML."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from webapp.formdefs import CHOICE_TYPES, FieldType
from webapp.govuk_fields import radios, select, submit_button, text_area, text_input

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
ID_MESSAGE = "Use only lower-case letters, numbers and underscores, starting with a letter"

#: Field types an administrator may add in the browser (repeating groups and strengths and
#: needs blocks are national structures, added through the YAML view if ever needed).
ADDABLE_TYPES = [
    (FieldType.TEXT.value, "Text (one line)"),
    (FieldType.TEXTAREA.value, "Text (several lines)"),
    (FieldType.NUMBER.value, "Number"),
    (FieldType.DATE.value, "Date"),
    (FieldType.YES_NO.value, "Yes or no"),
    (FieldType.RADIOS.value, "One of a list (radios)"),
    (FieldType.CHECKBOXES.value, "Any of a list (checkboxes)"),
    (FieldType.SELECT.value, "One of a long list (drop-down)"),
    (FieldType.EMAIL.value, "Email address"),
    (FieldType.UK_PHONE.value, "UK telephone number"),
    (FieldType.UK_POSTCODE.value, "UK postcode"),
    (FieldType.NHS_NUMBER.value, "NHS number"),
]
OPTIONS_HINT = (
    "One option a line, as value: label, for example “young_carer: Young carer”. The value "
    "uses lower-case letters, numbers and underscores."
)


def parse_options(text: str) -> list[dict[str, str]]:
    """Options typed one a line as `value: label`; raises ValueError with a GOV.UK message."""
    options = []
    seen = set()
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        value, colon, label = line.partition(":")
        value, label = value.strip(), label.strip()
        if not colon or not value or not label:
            raise ValueError(f"Line {number}: write the option as value: label")
        if not IDENTIFIER.match(value):
            raise ValueError(f"Line {number}: the value “{value}” must {ID_MESSAGE.lower()}")
        if value in seen:
            raise ValueError(f"Line {number}: the value “{value}” is listed twice")
        seen.add(value)
        options.append({"value": value, "label": label})
    return options


class DraftForm(FlaskForm):
    lock_version = HiddenField()


def _identifier(label: str, message: str) -> StringField:
    return text_input(
        label,
        hint="A short name that never changes, used in documents and exports, for "
        "example school_attended.",
        strip=True,
        required=message,
        max_length=60,
        subject="The id",
        validators=[Regexp(IDENTIFIER, message=ID_MESSAGE)],
    )


DATA_CLASSES = [
    ("basic", "Basic: who the child and family are and how to reach them"),
    ("sensitive", "Sensitive: anything more"),
]
DATA_CLASS_HINT = (
    "Basic personal information is a name, address, postcode, date of birth or contact "
    "details. Health, development, disability, ethnicity, religion, sexual life, offending, "
    "social care, needs and family life are sensitive: sharing them needs the family's "
    "explicit consent (DCSF 2010, paragraph 17)."
)


def _data_class(label: str = "Is the answer basic or sensitive personal information?"):
    return radios(
        label,
        DATA_CLASSES,
        hint=DATA_CLASS_HINT,
        required="Select whether the answer is basic or sensitive information",
    )


class AddFieldForm(DraftForm):
    field_id = _identifier("Question id", "Enter an id for the question")
    field_type = select(
        "Type of answer",
        choices=[("", "Select the type of answer"), *ADDABLE_TYPES],
        required="Select the type of answer",
    )
    label = text_input("Question", strip=True, required="Enter the question", max_length=300)
    hint = text_input("Hint (optional)", strip=True, max_length=1000)
    required = radios(
        "Must practitioners answer it?",
        [("no", "No, it is optional"), ("yes", "Yes, it is required")],
        default="no",
        required="Select whether the question must be answered",
    )
    data_class = _data_class()
    options = text_area(
        "Options (for a list)", hint=OPTIONS_HINT, max_length=5000, subject="Options"
    )
    place = select(
        "Where does it go?",
        required="Select where the question goes",
    )
    visible_if_field = select(
        "Show it only when another question has an answer (optional)", validators=[Optional()]
    )
    visible_if_value = text_input(
        "…and that answer is (the option's value)",
        strip=True,
        max_length=100,
        hint="For example yes",
    )
    submit = submit_button("Add the question")

    def validate(self, extra_validators=None) -> bool:
        # Checks across answers, which the optional fields' own validators would skip.
        valid = super().validate(extra_validators)
        try:
            parsed = parse_options(self.options.data or "")
        except ValueError as error:
            self.options.errors.append(str(error))
            return False
        listed = {t.value for t in CHOICE_TYPES} - {FieldType.YES_NO.value}
        if self.field_type.data in listed and not parsed:
            self.options.errors.append("Enter the options to choose from, one a line")
            valid = False
        if self.visible_if_field.data and not self.visible_if_value.data:
            self.visible_if_value.errors.append("Enter the answer that shows the question")
            valid = False
        return valid

    def operation(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "id": self.field_id.data,
            "type": self.field_type.data,
            "label": self.label.data,
            "data_class": self.data_class.data,
        }
        if self.hint.data:
            spec["hint"] = self.hint.data
        if self.required.data == "yes":
            spec["required"] = True
        options = parse_options(self.options.data or "")
        if options and self.field_type.data in {t.value for t in CHOICE_TYPES}:
            spec["options"] = options
        if self.visible_if_field.data:
            spec["visible_if"] = {
                "field": self.visible_if_field.data,
                "equals": self.visible_if_value.data,
            }
        where, _, anchor = (self.place.data or "").partition(":")
        return {"add_field": {where: anchor, "field": spec}}


class AddSectionForm(DraftForm):
    section_id = _identifier("Section id", "Enter an id for the section")
    title = text_input(
        "Section title", strip=True, required="Enter the section title", max_length=200
    )
    description = text_input("Description (optional)", strip=True, max_length=1000)
    after = select("Put it after", required="Select where")
    first_field_id = _identifier("Id of its first question", "Enter an id for the first question")
    first_field_label = text_input(
        "Its first question", strip=True, required="Enter the first question", max_length=300
    )
    first_field_data_class = _data_class(
        "Is the answer to its first question basic or sensitive personal information?"
    )
    submit = submit_button("Add the section")

    def operation(self) -> dict[str, Any]:
        section: dict[str, Any] = {
            "id": self.section_id.data,
            "title": self.title.data,
            "fields": [
                {
                    "id": self.first_field_id.data,
                    "type": "text",
                    "label": self.first_field_label.data,
                    "data_class": self.first_field_data_class.data,
                }
            ],
        }
        if self.description.data:
            section["description"] = self.description.data
        return {"add_section": {"section": section, "after": self.after.data}}


class AddOptionsForm(DraftForm):
    field = select(
        "Which question?",
        required="Select the question to add options to",
    )
    options = text_area(
        "New options", hint=OPTIONS_HINT, required="Enter the options to add, one a line"
    )
    submit = submit_button("Add the options")

    def validate_options(self, field):
        try:
            if not parse_options(field.data):
                raise ValueError("Enter the options to add, one a line")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def operation(self) -> dict[str, Any]:
        return {
            "add_options": {"field": self.field.data, "options": parse_options(self.options.data)}
        }


class RelabelForm(DraftForm):
    target = select(
        "Which question or section?",
        required="Select the question or section to relabel",
        hint=(
            "Core national questions are not listed: they ask the same in every borough. "
            "You can add a hint to them."
        ),
    )
    label = text_input("New wording", strip=True, required="Enter the new wording", max_length=300)
    submit = submit_button("Relabel")

    def operation(self) -> dict[str, Any]:
        return {"relabel": {"id": self.target.data, "label": self.label.data}}


class HintForm(DraftForm):
    target = select(
        "Which question or section?",
        required="Select the question or section",
    )
    hint = text_area("Hint", required="Enter the hint", max_length=1000, subject="The hint")
    submit = submit_button("Set the hint")

    def operation(self) -> dict[str, Any]:
        return {"hint": {"id": self.target.data, "hint": self.hint.data.strip()}}


class TargetForm(DraftForm):
    """Require or hide one question."""

    target = select(
        "Which question?",
        required="Select the question",
    )
    submit = submit_button("Save")


class ReorderForm(DraftForm):
    section = select(
        "Which section?",
        required="Select the section to reorder",
    )
    order = text_area(
        "Question ids in their new order",
        hint="One id a line. Every question of the section must be listed once.",
        required="Enter the question ids in their new order",
    )
    submit = submit_button("Reorder")

    def operation(self) -> dict[str, Any]:
        order = [line.strip() for line in self.order.data.splitlines() if line.strip()]
        return {"reorder_fields": {"section": self.section.data, "order": order}}


class YamlForm(DraftForm):
    source = text_area(
        "The draft as YAML",
        every_error=True,
        required="Enter the draft",
        validators=[
            Length(max=200_000, message="The draft must be 200,000 characters or fewer"),
        ],
    )
    submit = submit_button("Check and save")


class StepForm(FlaskForm):
    expected_state = HiddenField()
    comment = text_area("Comment", max_length=4000, subject="The comment")
    submit = submit_button("Continue")


class StartDraftForm(FlaskForm):
    start_from = radios(
        "Start from",
        [
            ("current", "The borough's current version of the form"),
            ("national", "The national form, with none of the borough's changes"),
        ],
        default="current",
        required="Select where the draft starts from",
    )
    base_version = HiddenField()
    submit = submit_button("Start a draft")
