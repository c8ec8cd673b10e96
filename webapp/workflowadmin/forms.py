"""One form per guided change to a borough's workflow draft, and the YAML editor. Each
guided form turns its answers into the YAML the editor would hold; the draft is then
checked whole, as `workflows check` checks a file."""

from __future__ import annotations

import re
from typing import Any

import yaml
from wtforms.validators import Regexp, ValidationError

from webapp import yaml_bounds
from webapp.formadmin.forms import DraftForm
from webapp.govuk_fields import (
    YES_NO,
    GovukCheckboxesField,
    checkboxes,
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)
from webapp.workflow.expressions import COUNT_PHRASES
from webapp.workflow.registry import Registry

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
KEY_MESSAGE = "Use only lower-case letters, numbers and underscores, starting with a letter"


def _key(label: str, required: str, hint: str) -> Any:
    return text_input(
        label,
        hint=hint,
        strip=True,
        required=required,
        max_length=60,
        subject=label,
        validators=[Regexp(KEY, message=KEY_MESSAGE)],
    )


def _title(label: str, required: str) -> Any:
    return text_input(label, strip=True, required=required, max_length=120)


def _checkboxes(label: str, required: str, hint: str | None = None) -> GovukCheckboxesField:
    return checkboxes(label, required=required, hint=hint or "Select all that apply.")


class ChangeForm(DraftForm):
    submit = submit_button("Add it to the draft")


class YamlForm(DraftForm):
    source = text_area(
        "The draft as YAML",
        required="Enter the draft",
        max_length=200_000,
        subject="The draft",
    )
    check = submit_button("Check without saving")
    submit = submit_button("Check and save")


class RenameStateForm(ChangeForm):
    state = select("Stage", required="Select the stage to rename")
    title = _title("New name", "Enter the new name of the stage")
    description = text_input("Description (optional)", strip=True, max_length=300)

    def change(self, drafts, document, outline, national) -> dict:
        return drafts.rename_state(
            document, self.state.data, self.title.data, self.description.data or ""
        )


class AddStateForm(ChangeForm):
    key = _key(
        "Stage id",
        "Enter an id for the stage",
        "A short name that never changes, for example awaiting_registration.",
    )
    title = _title("Name", "Enter the name of the stage")
    description = text_input("Description (optional)", strip=True, max_length=300)
    like_state = select(
        "Who can see the episode and change what in this stage",
        hint="The same people as in the stage you choose.",
        required="Select the stage to copy who can see and change what from",
    )
    wildcard_steps = checkboxes(
        "Which ways out from any stage also leave this stage?",
        hint="These national steps can be taken from almost any stage. Leave one out "
        "only if your workflow restates it without this stage.",
    )

    def validate_key(self, field) -> None:
        if field.data and field.data in getattr(self, "existing_states", ()):
            raise ValidationError(f"There is already a stage with the id {field.data}")

    def change(self, drafts, document, outline, national) -> dict:
        return drafts.add_state(
            document,
            self.key.data,
            self.title.data,
            self.description.data or "",
            outline.stages.get(self.like_state.data),
            list(self.wildcard_steps.data or []),
        )


class ConditionFields:
    """A condition given in the browser: records of a kind, an answer, or written out."""

    count_of = select("Records needed (optional)", default="")
    count_at_least = text_input(
        "How many at least",
        strip=True,
        max_length=2,
        validators=[Regexp(r"^[1-9][0-9]?$", message="Enter a whole number from 1 to 99")],
    )
    answer_form = select("Or an answer: the form (optional)", default="")
    answer_field = text_input("The question's id", strip=True, max_length=80)
    answer_equals = text_input("The answer it must be", strip=True, max_length=80)
    written = text_area(
        "Or write the condition (advanced, optional)",
        hint="As in the workflow files, for example any: [...] or days_since: {state: "
        "delivering, at_least: 84}.",
        max_length=5000,
        subject="The condition",
    )
    refusal = text_input(
        "What to tell someone who cannot take the step yet",
        hint="Say what to do, for example: Record a team around the child meeting first.",
        strip=True,
        max_length=300,
    )

    def condition(self) -> dict | None:
        """The structured condition the answers give (None: none given); raises ValueError
        with the message to show when they do not make one."""
        given = []
        if self.count_of.data:
            given.append(
                {
                    "count": {
                        "of": self.count_of.data,
                        "at_least": int(self.count_at_least.data or 1),
                    }
                }
            )
        if self.answer_form.data or self.answer_field.data or self.answer_equals.data:
            given.append(
                {
                    "answer": {
                        "form": self.answer_form.data,
                        "field": self.answer_field.data,
                        "equals": self.answer_equals.data,
                    }
                }
            )
        if (self.written.data or "").strip():
            given.append(self._written())
        if len(given) > 1:
            raise ValueError("Give one condition: records, an answer or a written condition")
        if not given:
            return None
        if not self.refusal.data:
            raise ValueError("Enter what to tell someone who cannot take the step yet")
        return {**given[0], "refusal": self.refusal.data}

    def _written(self) -> Any:
        try:
            value = yaml_bounds.safe_load(self.written.data)
        except yaml_bounds.YamlTooLarge as error:
            raise ValueError(f"The condition {error}") from None
        except yaml.YAMLError as error:
            raise ValueError(f"The condition is not valid YAML: {error}") from None
        if not isinstance(value, dict):
            raise ValueError("Write the condition as a mapping, for example count: {...}")
        return value


class AddStepForm(ConditionFields, ChangeForm):
    trigger = _key(
        "Step id",
        "Enter an id for the step",
        "A short name that never changes, for example register_family.",
    )
    title = _title("Button text", "Enter the text of the step's button")
    sources = _checkboxes("From which stages", "Select the stages the step can be taken from")
    dest = select("To which stage", required="Select the stage the step goes to")
    roles = _checkboxes("Who can take it", "Select who can take the step")
    requires_comment = radios(
        "Must they give a reason?",
        YES_NO,
        default="no",
        required="Select whether a reason is needed",
    )
    comment_label = text_input("Question for the reason (optional)", strip=True, max_length=200)
    comment_error = text_input(
        "Error when the reason is missing (optional)",
        hint="For example: Enter why the family is registered.",
        strip=True,
        max_length=200,
    )

    def validate_trigger(self, field) -> None:
        if field.data and field.data in getattr(self, "existing_steps", ()):
            raise ValidationError(
                f"There is already a step with the id {field.data}: choose another id (to "
                "change when that step can be taken, add a condition to it)"
            )

    def change(self, drafts, document, outline, national) -> dict:
        step: dict[str, Any] = {
            "trigger": self.trigger.data,
            "title": self.title.data,
            "source": list(self.sources.data),
            "dest": self.dest.data,
            "roles": list(self.roles.data),
        }
        condition = self.condition()
        if condition is not None:
            step["conditions"] = [condition]
        if self.requires_comment.data == "yes":
            step["requires_comment"] = True
            if self.comment_label.data:
                if not self.comment_error.data:
                    raise ValueError("Enter the error shown when the reason is missing")
                step["comment_label"] = self.comment_label.data
                step["comment_error"] = self.comment_error.data
        return drafts.add_step(document, step)


class AddConditionForm(ConditionFields, ChangeForm):
    trigger = select("Step", required="Select the step the condition is for")

    def change(self, drafts, document, outline, national) -> dict:
        condition = self.condition()
        if condition is None:
            raise ValueError("Give a condition: records, an answer or a written condition")
        return drafts.add_condition(document, national, self.trigger.data, condition)


class AddWorklistForm(ChangeForm):
    key = _key(
        "Worklist id",
        "Enter an id for the worklist",
        "A short name that never changes, for example awaiting_registration.",
    )
    title = _title("Name", "Enter the name of the worklist")
    states = _checkboxes("Episodes in which stages", "Select the stages the worklist shows")
    roles = _checkboxes("Shown on whose home page", "Select who sees the worklist")

    def change(self, drafts, document, outline, national) -> dict:
        return drafts.add_worklist(
            document, self.key.data, self.title.data, list(self.states.data), list(self.roles.data)
        )


CHANGES = {
    "rename-stage": ("Rename a stage", RenameStateForm),
    "add-stage": ("Add a stage", AddStateForm),
    "add-step": ("Add a step", AddStepForm),
    "add-condition": ("Add a condition to a step", AddConditionForm),
    "add-worklist": ("Add a worklist", AddWorklistForm),
}


def prepare(form: DraftForm, outline, registry: Registry, form_ids: list[str]) -> None:
    """Fill the form's lists from the draft's stages and steps as they stand."""
    states = [(key, f"{stage.title} ({key})") for key, stage in outline.stages.items()]
    open_states = [
        (key, f"{stage.title} ({key})")
        for key, stage in outline.stages.items()
        if not stage.terminal
    ]
    roles = [(name, phrase[:1].upper() + phrase[1:]) for name, phrase in registry.roles.items()]
    steps = sorted((trigger, f"{title} ({trigger})") for trigger, title in outline.steps.items())
    if hasattr(form, "state"):
        form.state.choices = [("", "Select the stage"), *states]
    if hasattr(form, "like_state"):
        form.like_state.choices = [("", "Select a stage"), *open_states]
        form.existing_states = set(outline.stages)
        form.wildcard_steps.choices = sorted(outline.wildcards.items())
        if not form.is_submitted():
            form.wildcard_steps.data = sorted(outline.wildcards)
    if hasattr(form, "sources"):
        form.sources.choices = open_states
        form.existing_steps = set(outline.steps)
    if hasattr(form, "dest"):
        form.dest.choices = [
            ("", "Select the stage"),
            *states,
            ("previous", "Back to the stage the episode came from"),
        ]
    if hasattr(form, "roles"):
        form.roles.choices = roles
    if hasattr(form, "states"):
        form.states.choices = open_states
    if isinstance(form, AddConditionForm):
        form.trigger.choices = [("", "Select the step"), *steps]
    if hasattr(form, "count_of"):
        form.count_of.choices = [("", "None"), *COUNT_PHRASES.items()]
        form.answer_form.choices = [("", "None"), *((key, key) for key in form_ids)]
