from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from webapp.consent.forms import YES_NO, points_explained_field, withdrawal_reason_field
from webapp.govuk_fields import GovukCheckboxesField, GovukDateField, GovukRadioField

SIGNED_AS = [
    ("parent", "Parent"),
    ("guardian", "Guardian"),
    ("carer", "Carer"),
    ("other", "Other"),
]


def _as_int(value):
    return int(value) if str(value).isdigit() else -1


class RegistrationForm(FlaskForm):
    """The annex of DCSF 2010: who registered, which children, and the two agreements."""

    centre = SelectField(
        "Which children's centre are they registering with?",
        widget=GovSelect(),
        coerce=_as_int,
        validate_choice=False,  # checked by the registration rules, with their own wording
        validators=[Optional()],
    )
    other_children = TextAreaField(
        "Other children under 5 in the family (optional)",
        widget=GovTextArea(),
        description=(
            "Their child index references, one on each line. Find each child in the child "
            "index first."
        ),
        validators=[
            Optional(),
            Length(max=500, message="Other children must be 500 characters or fewer"),
        ],
    )
    adult_name = StringField(
        "Full name of the parent or carer",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=160, message="Their name must be 160 characters or fewer"),
        ],
    )
    relationship_to_child = StringField(
        "Their relationship to the children",
        widget=GovTextInput(),
        description="For example, mother, father, grandparent or carer.",
        validators=[
            Optional(),
            Length(max=80, message="Their relationship must be 80 characters or fewer"),
        ],
    )
    signed_as = GovukRadioField(
        "They signed the form as",
        widget=GovRadioInput(),
        choices=SIGNED_AS,
        validators=[Optional()],
    )
    parental_responsibility = GovukRadioField(
        "Do they have parental responsibility for the children?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[Optional()],
    )
    agree_to_record = GovukRadioField(
        "Do they agree to information about them and their children being kept by the "
        "children's centre?",
        widget=GovRadioInput(),
        choices=YES_NO,
        description=(
            "Their names, addresses and dates of birth, used to provide the centre's "
            "services and for monitoring and evaluation. If they do not agree, nothing is kept."
        ),
        validators=[Optional()],
    )
    agree_to_share = GovukRadioField(
        "Do they agree to the centre sharing this information with its partner agencies, "
        "only to deliver its services?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[Optional()],
    )
    partners = GovukCheckboxesField(
        "Which partner agencies did they agree to?",
        widget=GovCheckboxesInput(),
        coerce=_as_int,
        validate_choice=False,
        validators=[Optional()],
        description="The form must name each agency. Select all that apply.",
    )
    other_services = TextAreaField(
        "Other partner agencies they agreed to (optional)",
        widget=GovTextArea(),
        description="One on each line, for agencies not listed above.",
        validators=[
            Optional(),
            Length(max=2000, message="Other partner agencies must be 2000 characters or fewer"),
        ],
    )
    points_explained = points_explained_field("Confirm what you explained before they signed")
    signed_on = GovukDateField(
        "Date the form was signed",
        required=False,
        label_for_errors="the date the form was signed",
        description="For example, 27 3 2026",
    )
    review_on = GovukDateField(
        "Date to review this consent with the family",
        required=False,
        label_for_errors="the date to review consent",
        description="Consent should be re-visited from time to time: within 2 years.",
    )
    submit = SubmitField("Save the registration", widget=GovSubmitInput())


class WithdrawRegistrationForm(FlaskForm):
    withdrawal_reason = withdrawal_reason_field(
        "Record who withdrew consent, how and when they told you, and any reason."
    )
    submit = SubmitField("Withdraw consent", widget=GovSubmitInput())


class ReviewRegistrationForm(FlaskForm):
    reviewed_on = GovukDateField(
        "Date of the review",
        required=False,
        label_for_errors="the date of the review",
        description="For example, 27 3 2026",
    )
    next_review_on = GovukDateField(
        "Date of the next review",
        required=False,
        label_for_errors="the date of the next review",
        description="Within 2 years.",
    )
    comment = TextAreaField(
        "What did the family say? (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=2000, message="What the family said must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("They still agree: save the review", widget=GovSubmitInput())


class StartFromRegistrationForm(FlaskForm):
    submit = SubmitField("Start this CAF's consent from it", widget=GovSubmitInput())
