from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired

from webapp.crossborough.services import ROLE_MAX, TEXT_MAX
from webapp.form_filters import member_choice
from webapp.govuk_fields import (
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)
from webapp.sharing.forms import PublicInterestQuestions, asks_public_interest


class JoinRequestForm(FlaskForm):
    role = text_input(
        "Your role in the team",
        required=DataRequired(message="Enter your role in the team"),
        max_length=ROLE_MAX,
        subject="Your role",
        hint="For example, school nurse, or family support worker",
        strip=True,
    )
    reason = text_area(
        "Why do you need to join the team around the child?",
        required=DataRequired(message="Enter why you need to join the team around the child"),
        max_length=TEXT_MAX,
        subject="Your reason",
        hint="Say how you work with the child or family. The borough CAF contact "
        "checks that you have a legitimate reason before you can see anything of the CAF.",
        strip=True,
    )
    submit = submit_button("Send the request")


@asks_public_interest()
class JoinDecisionForm(PublicInterestQuestions, FlaskForm):
    """Approve or decline a request to join. Approving someone whose agency is not covered by
    consent is sharing without consent: its questions are answered, in the register."""

    decision = radios(
        "Do they have a legitimate reason to join the team?",
        [
            ("approve", "Yes, add them to the team around the child"),
            ("decline", "No, decline the request"),
        ],
        required="Select whether you approve the request",
    )
    comment = text_area(
        "Your comments",
        required=DataRequired(message="Enter your comments"),
        max_length=TEXT_MAX,
        hint="How you checked their reason. The practitioner and the lead professional are told.",
        strip=True,
    )
    submit = submit_button("Save the decision")

    def public_interest_given(self) -> bool:
        """A declined request shares nothing: the questions apply only to an approval."""
        return self.decision.data == "approve" and super().public_interest_given()


class AcceptTransferForm(FlaskForm):
    """`expected_state` is the state the page showed: a transfer that has moved on since
    (accepted by a colleague) is refused as stale."""

    expected_state = HiddenField(validators=[InputRequired()])
    comment = text_area("Comment (optional)", max_length=TEXT_MAX, subject="Comment", strip=True)
    submit = submit_button("Accept the transfer")


class TransferLeadForm(FlaskForm):
    member_id = select(
        "Who should be the lead professional now?",
        required="Select the new lead professional",
        hint="A member of the team around the child. Practitioners in your borough can "
        "ask to join the team from the child index.",
        coerce=member_choice,
    )
    note = text_area(
        "Handover note",
        required=DataRequired(message="Enter a handover note for the new lead professional"),
        max_length=TEXT_MAX,
        subject="The note",
        hint="What the new lead professional needs to know.",
        strip=True,
    )
    submit = submit_button("Ask them to become lead professional")
