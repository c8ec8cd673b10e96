from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.govuk_fields import NOT_IN_LIST, GovukRadioField
from webapp.sharing.models import GROUND_TITLES
from webapp.sharing.services import REASONS_MAX, RECIPIENT_MAX, WHAT_MAX


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


def _textarea(label, max_length, message, hint=None):
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        validators=[
            InputRequired(message=message),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
    )


def _recipient_name(hint):
    return StringField(
        "Name of the person or service (optional)",
        widget=GovTextInput(),
        description=hint,
        validators=[
            Optional(),
            Length(
                max=RECIPIENT_MAX,
                message=f"The name of the person or service must be {RECIPIENT_MAX} "
                "characters or fewer",
            ),
        ],
    )


class RecipientForm(FlaskForm):
    organisation_id = AgencyField("Which agency?")
    recipient_name = _recipient_name(
        "The person you dealt with, or a service that is not in the list of agencies."
    )

    def validate_organisation_id(self, field):
        if field.data is None and not (self.recipient_name.data or "").strip():
            raise ValidationError("Select the agency, or enter the name of the person or service")


class ShareWithConsentForm(RecipientForm):
    what = _textarea(
        "What did you share?",
        WHAT_MAX,
        "Enter what was shared",
        hint="For example, the assessment, the delivery plan, or what you told them by phone.",
    )
    submit = SubmitField("Record the sharing", widget=GovSubmitInput())


class PublicInterestForm(RecipientForm):
    ground = GovukRadioField(
        "Why is sharing without consent justified?",
        widget=GovRadioInput(),
        choices=[(ground.value, title) for ground, title in GROUND_TITLES.items()],
        validators=[InputRequired(message="Select the grounds for sharing without consent")],
    )
    reasons = _textarea(
        "Your reasons",
        REASONS_MAX,
        "Enter your reasons for sharing without consent",
        hint=(
            "Say what you know or believe, why consent was not sought or was refused, and "
            "why sharing is proportionate. Record whose advice you took."
        ),
    )
    what = _textarea(
        "What are you sharing?",
        WHAT_MAX,
        "Enter what was shared",
        hint="Share only what is necessary for the purpose.",
    )
    submit = SubmitField("Record the decision to share", widget=GovSubmitInput())


class NotSharedForm(RecipientForm):
    what = _textarea(
        "What was asked for, or what did you decide not to share?",
        WHAT_MAX,
        "Enter what was asked for and not shared",
    )
    reasons = _textarea(
        "Your reasons for not sharing",
        REASONS_MAX,
        "Enter your reasons for not sharing",
    )
    submit = SubmitField("Record the decision not to share", widget=GovSubmitInput())
