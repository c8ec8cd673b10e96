"""Forms an administrator fills in for the borough's teams. The choices (organisations,
managers, practitioners) are set by the view from the borough's own accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
)
from wtforms.validators import DataRequired

from webapp.govuk_fields import (
    GovukCheckboxesField,
    select,
    submit_button,
    text_input,
)
from webapp.useradmin.teams import NAME_MAX


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class NewTeamForm(FlaskForm):
    organisation = select(
        "Organisation",
        validate_choice=True,
        validators=[DataRequired(message="Select the organisation the team belongs to")],
    )
    name = text_input(
        "Name of the team",
        required=DataRequired(message="Enter the name of the team"),
        max_length=NAME_MAX,
        hint="For example, Pastoral team or Health visiting team (north).",
        filters=[_strip],
    )
    submit = submit_button("Create the team")

    field_order = ("organisation", "name")

    def __iter__(self):
        named = {name: self[name] for name in self.field_order}
        rest = [field for field in super().__iter__() if field.name not in named]
        return iter([*named.values(), *rest])


class ManagersForm(FlaskForm):
    """None chosen is allowed: a departing manager can be taken out before another starts."""

    managers = GovukCheckboxesField(
        "Who manages the team?",
        widget=GovCheckboxesInput(),
        validate_choice=True,
        description="Select all that apply.",
    )
    submit = submit_button("Save the managers")


class AddPractitionerForm(FlaskForm):
    practitioner = select(
        "Practitioner",
        validate_choice=True,
        validators=[DataRequired(message="Select the practitioner to put in the team")],
    )
    submit = submit_button("Put them in the team")
