"""The choices form: one radio group per choice the borough's workflow offers, and why."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from webapp.govuk_fields import radios, submit_button, text_area
from webapp.workflow import WorkflowDefinition

REASON_MAX = 2000


class _ChoicesForm(FlaskForm):
    reason = text_area(
        "Why are you changing the workflow choices?",
        required=DataRequired(message="Enter why you are changing the workflow choices"),
        max_length=REASON_MAX,
        subject="The reason",
        hint="Another administrator of your borough sees it when deciding, and it is "
        "kept with the new version, with your name and the time.",
        strip=True,
    )
    submit = submit_button("Ask for approval")

    choice_keys: list[str] = []

    def selections(self) -> dict[str, str]:
        return {key: getattr(self, f"choice_{key}").data for key in self.choice_keys}


def choices_form(definition: WorkflowDefinition, current: dict[str, str], **kwargs) -> _ChoicesForm:
    """A form class made for this definition's choices (each a GOV.UK radio group)."""

    class ChoicesForm(_ChoicesForm):
        pass

    for key, choice in definition.choices.items():
        field = radios(
            choice.title,
            [(option.key, option.title) for option in choice.options.values()],
            required=f"Select {choice.title.lower()}",
            hint=choice.description,
            default=current.get(key, choice.default),
        )
        setattr(ChoicesForm, f"choice_{key}", field)
    ChoicesForm.choice_keys = list(definition.choices)
    return ChoicesForm(**kwargs)
