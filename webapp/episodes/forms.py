from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.govuk_fields import GovukRadioField, GovukSelectField
from webapp.sharing.models import GROUND_TITLES
from webapp.sharing.services import REASONS_MAX

COMMENT_MAX = 4000


class TransitionForm(FlaskForm):
    """Confirm one workflow step. `expected_state` is the state the user's page showed:
    if the episode has moved on since, the step is refused as stale."""

    expected_state = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=COMMENT_MAX, message=f"Comment must be {COMMENT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def require_comment(self, label: str) -> None:
        self.comment.label.text = label
        self.comment.validators = [
            DataRequired(message=f"Enter {label[0].lower()}{label[1:].rstrip('?')}"),
            *self.comment.validators[1:],
        ]


class TransferForm(TransitionForm):
    to_borough_id = GovukSelectField(
        "Which borough is the child moving to?",
        widget=GovSelect(),
        coerce=lambda value: int(value) if str(value).isdigit() else None,
        validators=[InputRequired(message="Select the borough the child is moving to")],
    )

    # Only when the family's consent does not cover the receiving borough (see
    # webapp/crossborough/transfers.py record_transfer): a public-interest decision.
    public_interest_ground = GovukRadioField(
        "If the family has not agreed to share with that borough, on what grounds is the "
        "record transferred without consent? (optional)",
        widget=GovRadioInput(),
        choices=[(ground.value, title) for ground, title in GROUND_TITLES.items()],
        validators=[Optional()],
    )
    public_interest_reasons = TextAreaField(
        "Your reasons for transferring without consent (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=REASONS_MAX,
                message=f"Your reasons must be {REASONS_MAX} characters or fewer",
            ),
        ],
    )

    def public_interest(self):
        """The public-interest decision given with the transfer, if any."""
        from webapp.sharing.services import PublicInterest

        if not self.public_interest_ground.data and not (self.public_interest_reasons.data or ""):
            return None
        return PublicInterest(
            self.public_interest_ground.data or "", self.public_interest_reasons.data or ""
        )
