from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Regexp, ValidationError

from webapp.govuk_fields import (
    date_input,
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)
from webapp.monitoring import access_reviews, break_glass
from webapp.monitoring.alert_models import AlertOutcome
from webapp.monitoring.kinds import AccessKind
from webapp.monitoring.models import ReviewOutcome

ANY = ""


class HistoryFilterForm(FlaskForm):
    """The filters of an access history, sent in the page's address (GET): no CSRF token,
    since it changes nothing."""

    class Meta:
        csrf = False

    since = date_input("From", "the date to show from", "For example, 27 3 2026", required=False)
    until = date_input("To", "the date to show to", "For example, 28 3 2026", required=False)
    person = select("Who", choices=[(ANY, "Anyone")], default=ANY)
    kind = select(
        "Kind of access",
        choices=[(ANY, "Any kind"), *AccessKind.choices()],
        default=ANY,
    )

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            field.wrong_parts = ("day", "month", "year")
            raise ValidationError(
                "The date to show to must be the same as or after the date to show from"
            )


class BreakGlassForm(FlaskForm):
    reason = text_area(
        "Why do you need to see this CAF now?",
        required=DataRequired(message="Enter why you need urgent access to this CAF"),
        max_length=break_glass.REASON_MAX,
        subject="The reason",
        strip=True,
        hint="Say what the urgent safeguarding need is. Your reason is recorded, and the "
        "borough CAF contact is told at once and reviews your access.",
    )
    submit = submit_button("Get urgent access")


class ReviewForm(FlaskForm):
    outcome = radios(
        "Was this urgent access justified?",
        ReviewOutcome.choices(),
        required="Select whether the urgent access was justified",
    )
    comment = text_area(
        "Comment",
        max_length=break_glass.COMMENT_MAX,
        strip=True,
        skip_blank=False,  # the check below needs a blank comment too
        hint="Say why. A comment is needed when the access was not justified.",
    )
    submit = submit_button("Record the review")

    def validate_comment(self, field):
        if self.outcome.data == "not_justified" and not (field.data or "").strip():
            raise ValidationError("Enter why the urgent access was not justified")


class AlertOutcomeForm(FlaskForm):
    outcome = radios(
        "What did the alert come to?",
        AlertOutcome.choices(),
        required="Select what the alert came to",
    )
    comment = text_area(
        "Comment",
        required=DataRequired(message="Enter what you found"),
        max_length=break_glass.COMMENT_MAX,
        subject="The comment",
        strip=True,
        hint="Say what you found and who you spoke to.",
    )
    submit = submit_button("Record the outcome")


def _whole_number(label: str, subject: str):
    named = subject[0].upper() + subject[1:]
    return text_input(
        label,
        required=DataRequired(message=f"Enter {subject}"),
        max_length=6,
        subject=named,
        strip=True,
        validators=[Regexp(r"^[0-9]+$", message=f"{named} must be a whole number")],
    )


class AlertSettingForm(FlaskForm):
    threshold = _whole_number("Number of searches", "the number of searches")
    window_hours = _whole_number("Within how many hours", "the number of hours")
    enabled = radios(
        "Check this rule?",
        [("yes", "Yes"), ("no", "No, never raise this alert in the borough")],
        required="Select whether to check this rule",
    )
    submit = submit_button("Save")


class AccessReviewForm(FlaskForm):
    appropriate = radios(
        "Was your team's access to children's records in this quarter appropriate?",
        [
            ("yes", "Yes, the access was appropriate"),
            ("no", "No, some access was not appropriate"),
        ],
        required="Select whether your team's access was appropriate",
    )
    comment = text_area(
        "Comment",
        max_length=access_reviews.COMMENT_MAX,
        strip=True,
        skip_blank=False,  # the check below needs a blank comment too
        hint="Say what you checked. When access was not appropriate, say whose and why: "
        "the borough CAF contact is told.",
    )
    submit = submit_button("Record the review")

    def validate_comment(self, field):
        if self.appropriate.data == "no" and not (field.data or "").strip():
            raise ValidationError("Enter why the access was not appropriate")


class OverdueDaysForm(FlaskForm):
    days = _whole_number("Number of days", "the number of days")
    submit = submit_button("Save")
