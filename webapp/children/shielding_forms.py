"""The form the borough CAF contact marks or unmarks a record as shielded with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.children.shielding_services import REASON_MAX
from webapp.govuk_fields import GovukRadioField


class ShieldingForm(FlaskForm):
    shielded = GovukRadioField(
        "Should this record be shielded?",
        widget=GovRadioInput(),
        choices=[
            ("yes", "Yes, hide the address and contacts from everyone else"),
            ("no", "No, show the address and contacts to those who search the index"),
        ],
        validators=[InputRequired(message="Select whether this record should be shielded")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="For example, the family is fleeing violence. Say who asked, and when.",
        validators=[
            InputRequired(message="Enter the reason"),
            Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
