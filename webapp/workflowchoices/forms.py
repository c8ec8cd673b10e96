"""The choices form: one radio group per choice the borough's workflow offers, and why."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from webapp.form_filters import strip_text
from webapp.govuk_fields import GovukRadioField
from webapp.workflow import WorkflowDefinition

REASON_MAX = 2000


class _ChoicesForm(FlaskForm):
    reason = TextAreaField(
        "Why are you changing the workflow choices?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Another administrator of your borough sees it when deciding, and it is "
        "kept with the new version, with your name and the time.",
        validators=[
            DataRequired(message="Enter why you are changing the workflow choices"),
            Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Ask for approval", widget=GovSubmitInput())

    choice_keys: list[str] = []

    def selections(self) -> dict[str, str]:
        return {key: getattr(self, f"choice_{key}").data for key in self.choice_keys}


def choices_form(definition: WorkflowDefinition, current: dict[str, str], **kwargs) -> _ChoicesForm:
    """A form class made for this definition's choices (each a GOV.UK radio group)."""

    class ChoicesForm(_ChoicesForm):
        pass

    for key, choice in definition.choices.items():
        field = GovukRadioField(
            choice.title,
            widget=GovRadioInput(),
            description=choice.description,
            choices=[(option.key, option.title) for option in choice.options.values()],
            default=current.get(key, choice.default),
            validators=[InputRequired(message=f"Select {choice.title.lower()}")],
        )
        setattr(ChoicesForm, f"choice_{key}", field)
    ChoicesForm.choice_keys = list(definition.choices)
    return ChoicesForm(**kwargs)
