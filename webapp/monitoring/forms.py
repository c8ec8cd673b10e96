from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, ValidationError

from webapp.govuk_fields import GovukDateField, radios, select, submit_button, text_area
from webapp.monitoring import break_glass
from webapp.monitoring.kinds import KIND_TITLES
from webapp.monitoring.models import OUTCOME_TITLES

ANY = ""


class HistoryFilterForm(FlaskForm):
    """The filters of an access history, sent in the page's address (GET): no CSRF token,
    since it changes nothing."""

    class Meta:
        csrf = False

    since = GovukDateField(
        "From",
        required=False,
        label_for_errors="the date to show from",
        description="For example, 27 3 2026",
    )
    until = GovukDateField(
        "To",
        required=False,
        label_for_errors="the date to show to",
        description="For example, 28 3 2026",
    )
    person = select("Who", choices=[(ANY, "Anyone")], default=ANY)
    kind = select(
        "Kind of access",
        choices=[(ANY, "Any kind")] + [(kind.value, title) for kind, title in KIND_TITLES.items()],
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
        [(outcome.value, title) for outcome, title in OUTCOME_TITLES.items()],
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
