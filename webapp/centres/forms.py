from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
)
from wtforms import SelectField
from wtforms.validators import Optional

from webapp.consent.forms import points_explained_field, withdrawal_reason_field
from webapp.govuk_fields import (
    YES_NO,
    GovukCheckboxesField,
    date_input,
    radios,
    submit_button,
    text_area,
    text_input,
)

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
    other_children = text_area(
        "Other children under 5 in the family (optional)",
        max_length=500,
        subject="Other children",
        hint="Their child index references, one on each line. Find each child in the child "
        "index first.",
    )
    adult_name = text_input(
        "Full name of the parent or carer", max_length=160, subject="Their name"
    )
    relationship_to_child = text_input(
        "Their relationship to the children",
        max_length=80,
        subject="Their relationship",
        hint="For example, mother, father, grandparent or carer.",
    )
    signed_as = radios("They signed the form as", SIGNED_AS, validators=[Optional()])
    parental_responsibility = radios(
        "Do they have parental responsibility for the children?", YES_NO, validators=[Optional()]
    )
    agree_to_record = radios(
        "Do they agree to information about them and their children being kept by the "
        "children's centre?",
        YES_NO,
        hint="Their names, addresses and dates of birth, used to provide the centre's "
        "services and for monitoring and evaluation. If they do not agree, nothing is kept.",
        validators=[Optional()],
    )
    agree_to_share = radios(
        "Do they agree to the centre sharing this information with its partner agencies, "
        "only to deliver its services?",
        YES_NO,
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
    other_services = text_area(
        "Other partner agencies they agreed to (optional)",
        max_length=2000,
        subject="Other partner agencies",
        hint="One on each line, for agencies not listed above.",
    )
    points_explained = points_explained_field("Confirm what you explained before they signed")
    signed_on = date_input(
        "Date the form was signed",
        "the date the form was signed",
        "For example, 27 3 2026",
        required=False,
    )
    review_on = date_input(
        "Date to review this consent with the family",
        "the date to review consent",
        "Consent should be re-visited from time to time: within 2 years.",
        required=False,
    )
    submit = submit_button("Save the registration")


class WithdrawRegistrationForm(FlaskForm):
    withdrawal_reason = withdrawal_reason_field(
        "Record who withdrew consent, how and when they told you, and any reason."
    )
    submit = submit_button("Withdraw consent")


class ReviewRegistrationForm(FlaskForm):
    reviewed_on = date_input(
        "Date of the review", "the date of the review", "For example, 27 3 2026", required=False
    )
    next_review_on = date_input(
        "Date of the next review", "the date of the next review", "Within 2 years.", required=False
    )
    comment = text_area(
        "What did the family say? (optional)", max_length=2000, subject="What the family said"
    )
    submit = submit_button("They still agree: save the review")


class StartFromRegistrationForm(FlaskForm):
    submit = submit_button("Start this CAF's consent from it")
