import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.episodes.models import SOCIAL_CARE_TITLES
from webapp.govuk_fields import GovukDateField, GovukRadioField

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)

REASONS = [
    ("concern", "I have a concern about a child I work with"),
    ("existing_caf", "I am checking whether a CAF exists before I start one"),
    ("find_lead", "I need to contact the lead professional or others working with the child"),
    ("other", "Another reason"),
]


def _text(label, max_length, optional=True):
    length = Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    return StringField(
        label, widget=GovTextInput(), validators=[Optional(), length] if optional else [length]
    )


class ChildSearchForm(FlaskForm):
    reason = GovukRadioField(
        "Why are you searching?",
        widget=GovRadioInput(),
        choices=REASONS,
        validators=[InputRequired(message="Select why you are searching")],
        description="Every search is recorded with its reason.",
    )
    reason_details = TextAreaField(
        "Give the reason",
        widget=GovTextArea(),
        validators=[Length(max=500, message="The reason must be 500 characters or fewer")],
    )
    given_name = _text("Given name", 120)
    family_name = _text("Family name", 120, optional=False)  # checks the details given
    date_of_birth = GovukDateField(
        "Date of birth or expected date of delivery",
        required=False,
        label_for_errors="the date of birth",
        description="For example, 27 3 2015",
    )
    postcode = _text("Postcode", 10)
    reference = _text("Unique reference number", 40)
    submit = SubmitField("Search", widget=GovSubmitInput())

    def validate_postcode(self, field):
        if field.data and not POSTCODE.match(field.data.strip()):
            raise ValidationError("Enter a real postcode, like SE15 4AB")

    def validate_reason_details(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError("Give the reason you are searching")

    def validate_family_name(self, field):
        enough = (self.reference.data or "").strip() or (
            (field.data or "").strip()
            and any(
                [
                    (self.given_name.data or "").strip(),
                    self.date_of_birth.data,
                    (self.postcode.data or "").strip(),
                ]
            )
        )
        if not enough:
            raise ValidationError(
                "Enter the child's family name and one other detail, or their unique reference"
            )


class StartEpisodeForm(FlaskForm):
    """The existing-CAF check also asks about children's social care (London CAF protocol,
    Annex 1, section 2: "Checks should also include social care services to see whether they
    are involved or have had prior involvement")."""

    social_care = GovukRadioField(
        "Is children's social care involved, or has it been?",
        widget=GovRadioInput(),
        choices=[(value.value, title) for value, title in SOCIAL_CARE_TITLES.items()],
        validators=[
            InputRequired(message="Select whether children's social care is involved, or has been")
        ],
        description=(
            "Check with children's social care or your borough CAF contact if you do not "
            "know. The child index shows your answer to others who search for this child."
        ),
    )
    submit = SubmitField("Start the CAF", widget=GovSubmitInput())
