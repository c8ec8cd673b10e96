from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Optional

from webapp.consent.models import ConsentDecision, ConsentGiver, ConsentMethod, ReviewOutcome
from webapp.consent.refusals import COMMENT_MAX, WHAT_WAS_REFUSED
from webapp.govuk_fields import (
    YES_NO,
    GovukCheckboxesField,
    checkboxes,
    date_input,
    radios,
    submit_button,
    text_area,
    text_input,
)

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


class WhoDecidesForm(FlaskForm):
    """Who made the decision: the child or young person (with sufficient understanding), or
    one parent or carer with parental responsibility (guidance 4.13-4.15)."""

    given_by = radios(
        "Who is making this decision?",
        [
            (ConsentGiver.CHILD.value, "The child or young person"),
            (ConsentGiver.PARENT_CARER.value, "A parent or carer"),
        ],
        required="Select who is making this decision",
    )
    sufficient_understanding = radios(
        "Does the child or young person have sufficient understanding to make this decision?",
        YES_NO,
        hint="Young people aged 16 or over are presumed to have it. Children aged 12 or over are "
        "generally expected to. A younger child may have it: use your judgement.",
        validators=[Optional()],
    )
    understanding_judgement = text_area(
        "Explain your judgement", max_length=2000, subject="Your judgement"
    )
    given_by_name = text_input("Full name of the parent or carer", max_length=160)
    relationship_to_child = text_input(
        "Relationship to the child",
        max_length=80,
        hint="For example, mother, father, grandparent, foster carer",
    )
    parental_responsibility = radios(
        "Do they have parental responsibility for the child?", YES_NO, validators=[Optional()]
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
    return radios(
        "How was the decision given?", choices, required="Select how the decision was given"
    )


def _decided_on_field():
    return date_input("Date of the decision", "the date of the decision", "For example, 27 3 2026")


def withdrawal_reason_field(description: str) -> TextAreaField:
    """What the family said when they withdrew a consent (a CAF's or a registration's)."""
    return text_area(
        "What did they say?",
        required="Enter what they said when they withdrew consent",
        max_length=2000,
        subject="What they said",
        hint=description,
    )


def points_explained_field(label: str) -> GovukCheckboxesField:
    """The informed-consent points the practitioner confirms they explained."""
    return checkboxes(
        label, POINTS_TO_EXPLAIN, hint="You must explain all of these for consent to be informed."
    )


class ConsentForm(WhoDecidesForm):
    decision = radios(
        "What did they decide?",
        [
            (ConsentDecision.GIVEN.value, "They gave consent"),
            (ConsentDecision.REFUSED.value, "They refused consent"),
        ],
        required="Select whether they gave or refused consent",
    )
    scope = checkboxes("What have they agreed to?", SCOPES, hint=SCOPE_HINT)
    agencies = checkboxes(
        "Which agencies may the information be shared with?",
        coerce=lambda value: int(value) if str(value).isdigit() else -1,
        validate_choice=False,  # checked by the consent rules, with their own wording
        hint="Only the agencies the family has agreed to. Select all that apply.",
    )
    other_services = text_area(
        "Other services they agreed to (optional)",
        max_length=2000,
        subject="Other services",
        hint="One service per line, for services not listed above.",
    )
    not_to_share = text_area(
        "Is there anything they do not want shared, or anyone they do not want it shared with? "
        "(optional)",
        max_length=2000,
        subject="What they do not want shared",
        hint="Everyone the information is shared with is told this.",
    )
    points_explained = points_explained_field("Confirm what you explained before they decided")
    method = _method_field(implied=True)
    given_on = _decided_on_field()
    review_on = date_input(
        "Date to review consent (optional)",
        "the date to review consent",
        "For example, 27 9 2026",
        required=False,
    )
    submit = submit_button("Save the decision")


class WithdrawConsentForm(FlaskForm):
    withdrawal_reason = withdrawal_reason_field(
        "Record who withdrew consent, how and when they told you, and any reason given."
    )
    submit = submit_button("Withdraw consent")


class ConsentReviewForm(FlaskForm):
    """A review of a consent with the family: still agreed (until the next review), or
    withdrawn (recorded next, on the withdrawal screen)."""

    reviewed_on = date_input(
        "Date of the review", "the date of the review", "For example, 27 3 2026"
    )
    outcome = radios(
        "What did they decide?",
        [
            (ReviewOutcome.STILL_AGREED.value, "They still agree, as recorded"),
            (ReviewOutcome.WITHDRAW.value, "They want to withdraw their consent"),
        ],
        required="Select what they decided",
    )
    next_review_on = date_input(
        "Date of the next review (if they still agree)",
        "the date of the next review",
        "For example, 27 9 2026",
        required=False,
    )
    submit = submit_button("Save the review")


class RefusalForm(WhoDecidesForm):
    """A refusal before anything was agreed to be recorded: nothing of the CAF is kept, and
    what is typed here goes only into the practitioner's own note (guidance 4.16-4.18)."""

    refused = radios(
        "What did they refuse?", list(WHAT_WAS_REFUSED.items()), required="Select what they refused"
    )
    method = _method_field()
    given_on = _decided_on_field()
    comment = text_area(
        "What did they say? (optional)",
        max_length=COMMENT_MAX,
        subject="What they said",
        hint="For your own note only: it is not kept in eCAF.",
    )
    submit = submit_button("Delete this CAF and make my note")


class RefusalNoteForm(FlaskForm):
    """The note, carried back from the page that shows it: the server keeps no copy."""

    note = HiddenField(validators=[InputRequired()])
    submit = submit_button("Download the note (Word document)")
