from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webapp.consent.models import ConsentDecision, ConsentGiver, ConsentMethod, ReviewOutcome
from webapp.consent.refusals import COMMENT_MAX, WHAT_WAS_REFUSED
from webapp.govuk_fields import GovukCheckboxesField, GovukDateField, GovukRadioField

YES_NO = [("yes", "Yes"), ("no", "No")]

# The informed-consent points a practitioner must have explained (guidance 4.13-4.16).
POINTS_TO_EXPLAIN = [
    ("why", "Why you want to do the assessment and share information"),
    ("what", "What information will be recorded and shared"),
    ("who", "Who will see it, and in which agencies"),
    ("purpose", "What the information will be used for"),
    ("implications", "What happens if they agree, and if they do not"),
    ("right_to_see", "That they have the right to see what is recorded about them"),
]

SCOPES = [
    ("to_assess", "To undertake the assessment"),
    ("to_record", "To record and store the information"),
    ("to_share", "To share the information with the agencies named below"),
    (
        "includes_sensitive",
        "To include sensitive information in what is recorded and shared: their health, "
        "development, disability, ethnicity, religion, family life and concerns about them",
    ),
]
SCOPE_HINT = (
    "Select all that apply. Without the last one, their consent covers basic information "
    "only: names, address, postcode, date of birth and contact details. Sensitive "
    "information needs their explicit agreement, in writing or verbally."
)


def _text(label, max_length, message=None, required=True, hint=None):
    validators = [
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    ]
    validators.insert(0, InputRequired(message=message) if required else Optional())
    return StringField(label, widget=GovTextInput(), validators=validators, description=hint)


class WhoDecidesForm(FlaskForm):
    """Who made the decision: the child or young person (with sufficient understanding), or
    one parent or carer with parental responsibility (guidance 4.13-4.15)."""

    given_by = GovukRadioField(
        "Who is making this decision?",
        widget=GovRadioInput(),
        choices=[
            (ConsentGiver.CHILD.value, "The child or young person"),
            (ConsentGiver.PARENT_CARER.value, "A parent or carer"),
        ],
        validators=[InputRequired(message="Select who is making this decision")],
    )
    sufficient_understanding = GovukRadioField(
        "Does the child or young person have sufficient understanding to make this decision?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[Optional()],
        description=(
            "Young people aged 16 or over are presumed to have it. Children aged 12 or over are "
            "generally expected to. A younger child may have it: use your judgement."
        ),
    )
    understanding_judgement = TextAreaField(
        "Explain your judgement",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=2000, message="Your judgement must be 2000 characters or fewer"),
        ],
    )
    given_by_name = _text("Full name of the parent or carer", 160, required=False)
    relationship_to_child = _text(
        "Relationship to the child",
        80,
        required=False,
        hint="For example, mother, father, grandparent, foster carer",
    )
    parental_responsibility = GovukRadioField(
        "Do they have parental responsibility for the child?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[Optional()],
    )


def _method_field(*, implied: bool = False):
    choices = [
        (ConsentMethod.WRITTEN.value, "In writing (signed statement)"),
        (ConsentMethod.VERBAL.value, "Verbally"),
    ]
    if implied:
        choices.append(
            (
                ConsentMethod.IMPLIED.value,
                "Implied by what they did, such as accepting a service (basic information only)",
            )
        )
    return GovukRadioField(
        "How was the decision given?",
        widget=GovRadioInput(),
        choices=choices,
        validators=[InputRequired(message="Select how the decision was given")],
    )


def _decided_on_field():
    return GovukDateField(
        "Date of the decision",
        label_for_errors="the date of the decision",
        description="For example, 27 3 2026",
    )


def withdrawal_reason_field(description: str) -> TextAreaField:
    """What the family said when they withdrew a consent (a CAF's or a registration's)."""
    return TextAreaField(
        "What did they say?",
        widget=GovTextArea(),
        description=description,
        validators=[
            InputRequired(message="Enter what they said when they withdrew consent"),
            Length(max=2000, message="What they said must be 2000 characters or fewer"),
        ],
    )


def points_explained_field(label: str) -> GovukCheckboxesField:
    """The informed-consent points the practitioner confirms they explained."""
    return GovukCheckboxesField(
        label,
        widget=GovCheckboxesInput(),
        choices=POINTS_TO_EXPLAIN,
        validators=[Optional()],
        description="You must explain all of these for consent to be informed.",
    )


class ConsentForm(WhoDecidesForm):
    decision = GovukRadioField(
        "What did they decide?",
        widget=GovRadioInput(),
        choices=[
            (ConsentDecision.GIVEN.value, "They gave consent"),
            (ConsentDecision.REFUSED.value, "They refused consent"),
        ],
        validators=[InputRequired(message="Select whether they gave or refused consent")],
    )
    scope = GovukCheckboxesField(
        "What have they agreed to?",
        widget=GovCheckboxesInput(),
        choices=SCOPES,
        validators=[Optional()],
        description=SCOPE_HINT,
    )
    agencies = GovukCheckboxesField(
        "Which agencies may the information be shared with?",
        widget=GovCheckboxesInput(),
        coerce=lambda value: int(value) if str(value).isdigit() else -1,
        validate_choice=False,  # checked by the consent rules, with their own wording
        validators=[Optional()],
        description="Only the agencies the family has agreed to. Select all that apply.",
    )
    other_services = TextAreaField(
        "Other services they agreed to (optional)",
        widget=GovTextArea(),
        description="One service per line, for services not listed above.",
        validators=[
            Optional(),
            Length(max=2000, message="Other services must be 2000 characters or fewer"),
        ],
    )
    points_explained = points_explained_field("Confirm what you explained before they decided")
    method = _method_field(implied=True)
    given_on = _decided_on_field()
    review_on = GovukDateField(
        "Date to review consent (optional)",
        required=False,
        label_for_errors="the date to review consent",
        description="For example, 27 9 2026",
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())


class WithdrawConsentForm(FlaskForm):
    withdrawal_reason = withdrawal_reason_field(
        "Record who withdrew consent, how and when they told you, and any reason given."
    )
    submit = SubmitField("Withdraw consent", widget=GovSubmitInput())


class ConsentReviewForm(FlaskForm):
    """A review of a consent with the family: still agreed (until the next review), or
    withdrawn (recorded next, on the withdrawal screen)."""

    reviewed_on = GovukDateField(
        "Date of the review",
        label_for_errors="the date of the review",
        description="For example, 27 3 2026",
    )
    outcome = GovukRadioField(
        "What did they decide?",
        widget=GovRadioInput(),
        choices=[
            (ReviewOutcome.STILL_AGREED.value, "They still agree, as recorded"),
            (ReviewOutcome.WITHDRAW.value, "They want to withdraw their consent"),
        ],
        validators=[InputRequired(message="Select what they decided")],
    )
    next_review_on = GovukDateField(
        "Date of the next review (if they still agree)",
        required=False,
        label_for_errors="the date of the next review",
        description="For example, 27 9 2026",
    )
    submit = SubmitField("Save the review", widget=GovSubmitInput())


class RefusalForm(WhoDecidesForm):
    """A refusal before anything was agreed to be recorded: nothing of the CAF is kept, and
    what is typed here goes only into the practitioner's own note (guidance 4.16-4.18)."""

    refused = GovukRadioField(
        "What did they refuse?",
        widget=GovRadioInput(),
        choices=list(WHAT_WAS_REFUSED.items()),
        validators=[InputRequired(message="Select what they refused")],
    )
    method = _method_field()
    given_on = _decided_on_field()
    comment = TextAreaField(
        "What did they say? (optional)",
        widget=GovTextArea(),
        description="For your own note only: it is not kept in eCAF.",
        validators=[
            Optional(),
            Length(
                max=COMMENT_MAX, message=f"What they said must be {COMMENT_MAX} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Delete this CAF and make my note", widget=GovSubmitInput())


class RefusalNoteForm(FlaskForm):
    """The note, carried back from the page that shows it: the server keeps no copy."""

    note = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Download the note (Word document)", widget=GovSubmitInput())
