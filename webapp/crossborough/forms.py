from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.crossborough.services import ROLE_MAX, TEXT_MAX
from webapp.form_filters import member_choice, strip_text
from webapp.govuk_fields import GovukRadioField, GovukSelectField
from webapp.sharing.forms import PublicInterestQuestions, asks_public_interest


class JoinRequestForm(FlaskForm):
    role = StringField(
        "Your role in the team",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, school nurse, or family support worker",
        validators=[
            DataRequired(message="Enter your role in the team"),
            Length(max=ROLE_MAX, message=f"Your role must be {ROLE_MAX} characters or fewer"),
        ],
    )
    reason = TextAreaField(
        "Why do you need to join the team around the child?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Say how you work with the child or family. The borough CAF contact "
        "checks that you have a legitimate reason before you can see anything of the CAF.",
        validators=[
            DataRequired(message="Enter why you need to join the team around the child"),
            Length(max=TEXT_MAX, message=f"Your reason must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Send the request", widget=GovSubmitInput())


@asks_public_interest()
class JoinDecisionForm(PublicInterestQuestions, FlaskForm):
    """Approve or decline a request to join. Approving someone whose agency is not covered by
    consent is sharing without consent: its questions are answered, in the register."""

    decision = GovukRadioField(
        "Do they have a legitimate reason to join the team?",
        widget=GovRadioInput(),
        choices=[
            ("approve", "Yes, add them to the team around the child"),
            ("decline", "No, decline the request"),
        ],
        validators=[InputRequired(message="Select whether you approve the request")],
    )
    comment = TextAreaField(
        "Your comments",
        widget=GovTextArea(),
        filters=[strip_text],
        description="How you checked their reason. The practitioner and the lead "
        "professional are told.",
        validators=[
            DataRequired(message="Enter your comments"),
            Length(max=TEXT_MAX, message=f"Your comments must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())

    def public_interest_given(self) -> bool:
        """A declined request shares nothing: the questions apply only to an approval."""
        return self.decision.data == "approve" and super().public_interest_given()


class AcceptTransferForm(FlaskForm):
    """`expected_state` is the state the page showed: a transfer that has moved on since
    (accepted by a colleague) is refused as stale."""

    expected_state = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(
        "Comment (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=f"Comment must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Accept the transfer", widget=GovSubmitInput())


class TransferLeadForm(FlaskForm):
    member_id = GovukSelectField(
        "Who should be the lead professional now?",
        widget=GovSelect(),
        coerce=member_choice,
        description="A member of the team around the child. Practitioners in your borough can "
        "ask to join the team from the child index.",
        validators=[InputRequired(message="Select the new lead professional")],
    )
    note = TextAreaField(
        "Handover note",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What the new lead professional needs to know.",
        validators=[
            DataRequired(message="Enter a handover note for the new lead professional"),
            Length(max=TEXT_MAX, message=f"The note must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Ask them to become lead professional", widget=GovSubmitInput())
