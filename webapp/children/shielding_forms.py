"""The form the borough CAF contact marks or unmarks a record as shielded with."""

from __future__ import annotations

from flask_wtf import FlaskForm

from webapp.children.shielding_services import REASON_MAX
from webapp.govuk_fields import radios, submit_button, text_area


class ShieldingForm(FlaskForm):
    shielded = radios(
        "Should this record be shielded?",
        [
            ("yes", "Yes, hide the address and contacts from everyone else"),
            ("no", "No, show the address and contacts to those who search the index"),
        ],
        required="Select whether this record should be shielded",
    )
    reason = text_area(
        "Reason",
        required="Enter the reason",
        max_length=REASON_MAX,
        subject="The reason",
        hint="For example, the family is fleeing violence. Say who asked, and when.",
    )
    submit = submit_button("Save")
