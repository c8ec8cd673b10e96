"""The form a second administrator decides a request with: approve or reject, and why."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, ValidationError

from webapp.govuk_fields import radios, submit_button, text_area

COMMENT_MAX = 1000


class DecisionForm(FlaskForm):
    decision = radios(
        "Do you approve this request?",
        [("approve", "Yes, approve it"), ("reject", "No, reject it")],
        validators=[DataRequired(message="Select whether you approve the request")],
    )
    comment = text_area(
        "Comment",
        skip_blank=False,
        max_length=COMMENT_MAX,
        hint="The administrator who asked will see it. Needed if you reject the request.",
        strip=True,
    )
    submit = submit_button("Save the decision")

    def validate_comment(self, field):
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter why you are rejecting the request")

    @property
    def approves(self) -> bool:
        return self.decision.data == "approve"
