"""One form per kind of change to a borough's form; each turns its answers into the
overlay operation that the command line would read from YAML."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from webapp.formdefs import CHOICE_TYPES, FieldType
from webapp.govuk_fields import GovukRadioField, GovukSelectField

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
    return StringField(
        label,
        widget=GovTextInput(),
        description="A short name that never changes, used in documents and exports, for "
        "example school_attended.",
        filters=[lambda value: (value or "").strip()],
        validators=[
            InputRequired(message=message),
            Length(max=60, message="The id must be 60 characters or fewer"),
            Regexp(IDENTIFIER, message=ID_MESSAGE),
        ],
    )


def _text(label: str, message: str | None, max_length: int = 500, hint: str | None = None):
    validators: list[Any] = [InputRequired(message=message)] if message else [Optional()]
    validators.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=[lambda value: (value or "").strip()],
        validators=validators,
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
    return GovukRadioField(
        label,
        widget=GovRadioInput(),
        choices=DATA_CLASSES,
        description=DATA_CLASS_HINT,
        validators=[
            InputRequired(message="Select whether the answer is basic or sensitive information")
        ],
    )


class AddFieldForm(DraftForm):
    field_id = _identifier("Question id", "Enter an id for the question")
    field_type = GovukSelectField(
        "Type of answer",
        widget=GovSelect(),
        choices=[("", "Select the type of answer"), *ADDABLE_TYPES],
        validators=[InputRequired(message="Select the type of answer")],
    )
    label = _text("Question", "Enter the question", 300)
    hint = _text("Hint (optional)", None, 1000)
    required = GovukRadioField(
        "Must practitioners answer it?",
        widget=GovRadioInput(),
        choices=[("no", "No, it is optional"), ("yes", "Yes, it is required")],
        default="no",
        validators=[InputRequired(message="Select whether the question must be answered")],
    )
    data_class = _data_class()
    options = TextAreaField(
        "Options (for a list)",
        widget=GovTextArea(),
        description=OPTIONS_HINT,
        validators=[
            Optional(),
            Length(max=5000, message="Options must be 5000 characters or fewer"),
        ],
    )
    place = GovukSelectField(
        "Where does it go?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select where the question goes")],
    )
    visible_if_field = GovukSelectField(
        "Show it only when another question has an answer (optional)",
        widget=GovSelect(),
        validators=[Optional()],
    )
    visible_if_value = _text(
        "…and that answer is (the option's value)", None, 100, hint="For example yes"
    )
    submit = SubmitField("Add the question", widget=GovSubmitInput())

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
    title = _text("Section title", "Enter the section title", 200)
    description = _text("Description (optional)", None, 1000)
    after = GovukSelectField(
        "Put it after", widget=GovSelect(), validators=[InputRequired(message="Select where")]
    )
    first_field_id = _identifier("Id of its first question", "Enter an id for the first question")
    first_field_label = _text("Its first question", "Enter the first question", 300)
    first_field_data_class = _data_class(
        "Is the answer to its first question basic or sensitive personal information?"
    )
    submit = SubmitField("Add the section", widget=GovSubmitInput())

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
    field = GovukSelectField(
        "Which question?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the question to add options to")],
    )
    options = TextAreaField(
        "New options",
        widget=GovTextArea(),
        description=OPTIONS_HINT,
        validators=[InputRequired(message="Enter the options to add, one a line")],
    )
    submit = SubmitField("Add the options", widget=GovSubmitInput())

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
    target = GovukSelectField(
        "Which question or section?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the question or section to relabel")],
    )
    label = _text("New wording", "Enter the new wording", 300)
    submit = SubmitField("Relabel", widget=GovSubmitInput())

    def operation(self) -> dict[str, Any]:
        return {"relabel": {"id": self.target.data, "label": self.label.data}}


class HintForm(DraftForm):
    target = GovukSelectField(
        "Which question or section?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the question or section")],
    )
    hint = TextAreaField(
        "Hint",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the hint"),
            Length(max=1000, message="The hint must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Set the hint", widget=GovSubmitInput())

    def operation(self) -> dict[str, Any]:
        return {"hint": {"id": self.target.data, "hint": self.hint.data.strip()}}


class TargetForm(DraftForm):
    """Require or hide one question."""

    target = GovukSelectField(
        "Which question?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the question")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ReorderForm(DraftForm):
    section = GovukSelectField(
        "Which section?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the section to reorder")],
    )
    order = TextAreaField(
        "Question ids in their new order",
        widget=GovTextArea(),
        description="One id a line. Every question of the section must be listed once.",
        validators=[InputRequired(message="Enter the question ids in their new order")],
    )
    submit = SubmitField("Reorder", widget=GovSubmitInput())

    def operation(self) -> dict[str, Any]:
        order = [line.strip() for line in self.order.data.splitlines() if line.strip()]
        return {"reorder_fields": {"section": self.section.data, "order": order}}


class YamlForm(DraftForm):
    source = TextAreaField(
        "The draft as YAML",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the draft"),
            Length(max=200_000, message="The draft must be 200,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Check and save", widget=GovSubmitInput())


class StepForm(FlaskForm):
    expected_state = HiddenField()
    comment = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=4000, message="The comment must be 4000 characters or fewer"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class StartDraftForm(FlaskForm):
    start_from = GovukRadioField(
        "Start from",
        widget=GovRadioInput(),
        choices=[
            ("current", "The borough's current version of the form"),
            ("national", "The national form, with none of the borough's changes"),
        ],
        default="current",
        validators=[InputRequired(message="Select where the draft starts from")],
    )
    base_version = HiddenField()
    submit = SubmitField("Start a draft", widget=GovSubmitInput())
