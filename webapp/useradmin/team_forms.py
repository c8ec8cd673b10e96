"""Forms an administrator fills in for the borough's teams. The choices (organisations,
managers, practitioners) are set by the view from the borough's own accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.govuk_fields import GovukCheckboxesField, GovukSelectField
from webapp.useradmin.teams import NAME_MAX


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class NewTeamForm(FlaskForm):
    organisation = GovukSelectField(
        "Organisation",
        widget=GovSelect(),
        validate_choice=True,
        validators=[DataRequired(message="Select the organisation the team belongs to")],
    )
    name = StringField(
        "Name of the team",
        widget=GovTextInput(),
        filters=[_strip],
        description="For example, Pastoral team or Health visiting team (north).",
        validators=[
            DataRequired(message="Enter the name of the team"),
            Length(
                max=NAME_MAX, message=f"Name of the team must be {NAME_MAX} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Create the team", widget=GovSubmitInput())

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
    submit = SubmitField("Save the managers", widget=GovSubmitInput())


class AddPractitionerForm(FlaskForm):
    practitioner = GovukSelectField(
        "Practitioner",
        widget=GovSelect(),
        validate_choice=True,
        validators=[DataRequired(message="Select the practitioner to put in the team")],
    )
    submit = SubmitField("Put them in the team", widget=GovSubmitInput())
