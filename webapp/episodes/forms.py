from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired

from webapp.govuk_fields import (
    radios,
    select,
    submit_button,
    text_area,
)
from webapp.sharing.forms import PublicInterestQuestions, RecipientForm, asks_public_interest
from webapp.sharing.services import WHAT_MAX, SafeguardingReferral

COMMENT_MAX = 4000


class TransitionForm(FlaskForm):
    """Confirm one workflow step. `expected_state` is the state the user's page showed:
    if the episode has moved on since, the step is refused as stale."""

    expected_state = HiddenField(validators=[InputRequired()])
    comment = text_area("Comment", max_length=COMMENT_MAX)
    submit = submit_button("Confirm")

    def require_comment(self, label: str, error: str) -> None:
        """The comment becomes required, with the error message the definition gives."""
        self.comment.label.text = label
        self.comment.validators = [
            DataRequired(message=error),
            *self.comment.validators[1:],
        ]


@asks_public_interest()
class TransferForm(PublicInterestQuestions, TransitionForm):
    """A transfer hands the whole record over: sharing it. Where the family's consent does
    not cover the receiving borough (webapp/crossborough/transfers.py record_transfer), the
    questions of a decision to share without consent are answered."""

    to_borough_id = select(
        "Which borough is the child moving to?",
        required="Select the borough the child is moving to",
        coerce=lambda value: int(value) if str(value).isdigit() else None,
    )

    def show_sharing_problem(self, problem) -> None:
        """A refusal or bad answer from the sharing rules, on the question it is about."""
        errors = getattr(problem, "errors", None)
        if errors is None:
            self.to_borough_id.errors = [problem.reason]
            return
        for name, message in errors.items():
            (self.public_interest_field(name) or self.to_borough_id).errors = [message]


# Room for "Safeguarding referral to children's social care: " in the register's entry.
REFERRAL_WHAT_MAX = WHAT_MAX - 100
WITHOUT_CONSENT = "without_consent"
WITH_CONSENT = "with_consent"


@asks_public_interest(facts=False, shared=False)
class SafeguardingReferralForm(PublicInterestQuestions, TransitionForm, RecipientForm):
    """A referral to children's social care is a decision to share (CWDC 2009, 4.24): with
    whom, what, and on what basis - the family's consent, or without it and why (4.23). The
    step's comment holds the facts (why the child is at risk); its `what` what is shared."""

    what = text_area(
        "What did you share with them?",
        required="Enter what you shared with children's social care",
        max_length=REFERRAL_WHAT_MAX,
        subject="What you shared",
        hint="For example, what you saw and what the child said, and the assessment.",
    )
    basis = radios(
        "Did the family agree to this referral?",
        [
            (
                WITHOUT_CONSENT,
                "No, or they were not asked: I am referring without their consent",
            ),
            (WITH_CONSENT, "Yes: their recorded consent to share covers this service"),
        ],
        required="Select whether the family agreed to this referral",
        hint="Do not seek consent if that would put the child at risk of significant harm. "
        "Without consent, answer the questions below.",
    )

    def public_interest_given(self) -> bool:
        return self.basis.data == WITHOUT_CONSENT

    def referral(self) -> SafeguardingReferral:
        return SafeguardingReferral(
            what=self.what.data or "",
            organisation_id=self.organisation_id.data,
            recipient_name=(self.recipient_name.data or "").strip(),
            public_interest=self.public_interest(),
        )

    def show_sharing_problem(self, problem) -> None:
        """A refusal or bad answer from the sharing rules, on the question it is about."""
        errors = getattr(problem, "errors", None)
        if errors is None:
            self.basis.errors = [problem.reason]
            return
        for name, message in errors.items():
            field = self.public_interest_field(name) or getattr(self, name, None)
            (field or self.organisation_id).errors = [message]
