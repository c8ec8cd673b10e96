from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.govuk_fields import GovukSelectField
from webapp.sharing.forms import PublicInterestQuestions, asks_public_interest

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


@asks_public_interest()
class TransferForm(PublicInterestQuestions, TransitionForm):
    """A transfer hands the whole record over: sharing it. Where the family's consent does
    not cover the receiving borough (webapp/crossborough/transfers.py record_transfer), the
    questions of a decision to share without consent are answered."""

    to_borough_id = GovukSelectField(
        "Which borough is the child moving to?",
        widget=GovSelect(),
        coerce=lambda value: int(value) if str(value).isdigit() else None,
        validators=[InputRequired(message="Select the borough the child is moving to")],
    )
