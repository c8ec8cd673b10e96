"""The form a second administrator decides a request with: approve or reject, and why."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.form_filters import strip_text
from webapp.govuk_fields import GovukRadioField

COMMENT_MAX = 1000


class DecisionForm(FlaskForm):
    decision = GovukRadioField(
        "Do you approve this request?",
        widget=GovRadioInput(),
        choices=[("approve", "Yes, approve it"), ("reject", "No, reject it")],
        validators=[DataRequired(message="Select whether you approve the request")],
    )
    comment = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        filters=[strip_text],
        description="The administrator who asked will see it. Needed if you reject the request.",
        validators=[
            Length(max=COMMENT_MAX, message=f"Comment must be {COMMENT_MAX} characters or fewer")
        ],
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())

    def validate_comment(self, field):
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter why you are rejecting the request")

    @property
    def approves(self) -> bool:
        return self.decision.data == "approve"
