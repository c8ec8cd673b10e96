from collections.abc import Mapping

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
)
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from webapp.govuk_fields import (
    NOT_IN_LIST,
    YES_NO,
    radios,
    submit_button,
    text_area,
    text_input,
)
from webapp.sharing.models import PublicInterestGround
from webapp.sharing.services import (
    ADVISER_MAX,
    REASONS_MAX,
    RECIPIENT_MAX,
    REVIEW_COMMENT_MAX,
    WHAT_MAX,
    PublicInterest,
    public_interest_problems,
)


def _agency_id(value):
    if value in (None, ""):
        return None
    return int(value) if str(value).isdigit() else -1


class AgencyField(SelectField):
    """An agency from the list, or none; a forged value gets GOV.UK wording."""

    def __init__(self, label, **kwargs):
        super().__init__(label, widget=GovSelect(), coerce=_agency_id, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and not any(
            self.data == _agency_id(value) for value, *_ in self.iter_choices()
        ):
            raise ValidationError(NOT_IN_LIST)


def _recipient_name(hint):
    return text_input(
        "Name of the person or service (optional)",
        max_length=RECIPIENT_MAX,
        subject="The name of the person or service",
        hint=hint,
    )


class RecipientForm(FlaskForm):
    organisation_id = AgencyField("Which agency?")
    recipient_name = _recipient_name(
        "The person you dealt with, or a service that is not in the list of agencies."
    )

    def validate_organisation_id(self, field):
        if field.data is None and not (self.recipient_name.data or "").strip():
            raise ValidationError("Select the agency, or enter the name of the person or service")

    def agency_id(self) -> int | None:
        """The agency chosen, if it is one of the list's: what the audit of a refusal names."""
        chosen = self.organisation_id.data
        return chosen if isinstance(chosen, int) and chosen > 0 else None

    def show_problems(self, errors: Mapping[str, str]) -> None:
        """Put each problem the sharing rules found on the question it names (the agency,
        failing any other)."""
        for name, message in errors.items():
            field = None
            if isinstance(self, PublicInterestQuestions):
                field = self.public_interest_field(name)
            (field or getattr(self, name, None) or self.organisation_id).errors = [message]


class ShareWithConsentForm(RecipientForm):
    what = text_area(
        "What did you share?",
        required="Enter what was shared",
        max_length=WHAT_MAX,
        hint="For example, the assessment, the delivery plan, or what you told them by phone.",
    )
    submit = submit_button("Record the sharing")


# The grounds in the order a practitioner weighs them: the cases 4.23 names, a judgement on
# the facts of this case (4.22), then non-confidential information (4.21).
GROUND_CHOICES = PublicInterestGround.choices()


def _public_interest_questions(*, facts: bool, shared: bool) -> dict:
    """The questions of a decision to share without consent (CWDC 2009, 4.21-4.25), made
    afresh for each form so that they come after the form's own questions."""
    questions = {
        "public_interest_ground": radios(
            "Why is sharing without consent justified?",
            GROUND_CHOICES,
            hint="Where there is a clear risk of significant harm to a child or serious harm to "
            "an adult, the public interest test will almost certainly be met. Otherwise it "
            "is your judgement on the facts of this case. Information that is not "
            "confidential may be shared when that is necessary for a legitimate purpose.",
            validators=[Optional()],
        ),
    }
    if facts:
        questions["public_interest_reasons"] = text_area(
            "The facts of the case",
            max_length=REASONS_MAX,
            hint=(
                "What you know or believe, and why consent was refused or not sought. For "
                "information that is not confidential, say why it is not."
            ),
        )
    questions["public_interest_necessity"] = text_area(
        "Why is sharing necessary, and proportionate to the need?",
        max_length=REASONS_MAX,
        hint="Share only what the purpose needs. For a legitimate purpose, say what it is.",
        subject="Why sharing is necessary",
    )
    if shared:
        questions["public_interest_shared"] = text_area(
            "Exactly what are you sharing?",
            max_length=WHAT_MAX,
            hint="For example, the assessment's conclusions, or what you will say by phone.",
            subject="What you are sharing",
        )
    questions["public_interest_family_told"] = radios(
        "Have the family been told that you are sharing this?", YES_NO, validators=[Optional()]
    )
    questions["public_interest_family_not_told_reason"] = text_area(
        "If not, why not?",
        max_length=REASONS_MAX,
        hint="For example, telling them would put the child at risk of significant harm.",
        subject="Why they have not been told",
    )
    questions["public_interest_advice_taken"] = radios(
        "Did you take advice before deciding?",
        YES_NO,
        hint="If you are unsure, ask your line manager or your organisation's nominated "
        "adviser (in the NHS, the Caldicott Guardian).",
        validators=[Optional()],
    )
    questions["public_interest_advice_from"] = text_input(
        "If you did, who advised you?",
        max_length=ADVISER_MAX,
        subject="Who advised you",
        hint="Their name and role.",
    )
    return questions


def asks_public_interest(*, required: bool = False, facts: bool = True, shared: bool = True):
    """Class decorator: the form asks the questions of a decision to share without consent
    after its own. Optional unless `required`: answering any of them makes the decision,
    and then every one is needed (sharing.services.public_interest_problems). Without
    `facts`, the form's `comment` holds the facts; without `shared`, its `what`."""

    def decorate(form_class):
        for name, question in _public_interest_questions(facts=facts, shared=shared).items():
            setattr(form_class, name, question)
        form_class.public_interest_required = required
        return form_class

    return decorate


class PublicInterestQuestions:
    """The behaviour of a form decorated with `asks_public_interest` (mix in first)."""

    public_interest_required = False
    PUBLIC_INTEREST_FIELDS = (
        "reasons",
        "necessity",
        "shared",
        "family_not_told_reason",
        "advice_from",
    )

    def _public_interest_value(self, name: str) -> str | None:
        """The answer to a question ("" when not answered), or None if the form does not
        ask it."""
        field = getattr(self, f"public_interest_{name}", None)
        return None if field is None else (field.data or "")

    def public_interest_given(self) -> bool:
        if self.public_interest_required:
            return True
        names = ("ground", "family_told", "advice_taken", *self.PUBLIC_INTEREST_FIELDS)
        return any((self._public_interest_value(name) or "").strip() for name in names)

    def public_interest_open(self) -> bool:
        """Whether a folded-away set of these questions should be shown open."""
        return self.public_interest_given() or any(
            field.errors for field in self if field.name.split("-")[-1].startswith("public_")
        )

    def public_interest(self) -> PublicInterest | None:
        """The decision the answers make, or None when no question was answered."""
        if not self.public_interest_given():
            return None

        def text(name: str, fallback: str = "") -> str:
            value = self._public_interest_value(name)
            return (value if value is not None else fallback) or ""

        def yes_no(name: str) -> bool | None:
            value = self._public_interest_value(name)
            return None if value not in ("yes", "no") else value == "yes"

        return PublicInterest(
            ground=text("ground"),
            reasons=text("reasons", getattr(getattr(self, "comment", None), "data", "")),
            necessity=text("necessity"),
            shared=text("shared", getattr(getattr(self, "what", None), "data", "")),
            family_told=yes_no("family_told"),
            family_not_told_reason=text("family_not_told_reason"),
            advice_taken=yes_no("advice_taken"),
            advice_from=text("advice_from"),
        )

    def public_interest_field(self, name: str):
        """The question a problem named `name` (a PublicInterest field) is shown on."""
        field = getattr(self, f"public_interest_{name}", None)
        if field is None and name == "reasons":
            field = getattr(self, "comment", None)
        if field is None and name == "shared":
            field = getattr(self, "what", None)
        return field

    def show_public_interest_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            field = self.public_interest_field(name)
            if field is not None and not field.errors:
                field.errors = [message]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        decision = self.public_interest()
        if decision is None:
            return valid
        problems = public_interest_problems(
            decision, shared_asked=self.public_interest_field("shared") is not None
        )
        self.show_public_interest_problems(problems)
        return valid and not problems


@asks_public_interest(required=True, shared=False)
class PublicInterestForm(PublicInterestQuestions, RecipientForm):
    what = text_area(
        "Exactly what are you sharing?",
        required="Enter what was shared",
        max_length=WHAT_MAX,
        hint="Share only what is necessary for the purpose.",
    )
    submit = submit_button("Record the decision to share")


class NotSharedForm(RecipientForm):
    what = text_area(
        "What was asked for, or what did you decide not to share?",
        required="Enter what was asked for and not shared",
        max_length=WHAT_MAX,
    )
    reasons = text_area(
        "Your reasons for not sharing",
        required="Enter your reasons for not sharing",
        max_length=REASONS_MAX,
    )
    submit = submit_button("Record the decision not to share")


class SharingReviewForm(FlaskForm):
    """A manager's review of a decision to share without consent (guidance 4.25)."""

    agreed = radios(
        "Do you agree with this decision?",
        [("agreed", "Yes, I agree with it"), ("not_agreed", "No, I do not agree")],
        required="Select whether you agree with the decision",
    )
    comment = text_area(
        "Your comments",
        required="Enter your comments",
        max_length=REVIEW_COMMENT_MAX,
        hint="The practitioner who decided is told, and the register shows them.",
    )
    submit = submit_button("Save the review")
