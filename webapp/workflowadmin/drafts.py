"""A workflow draft as data: its YAML document, the changes the guided pages make to it, and
the check, which is `workflows check` itself run on the draft with the files beside it.

Plain Python (no Flask, no database): the browser and the command line give the same
messages, which name the key and the line of the draft and say how to fix it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from webapp.workflow.definition import WorkflowDefinition
from webapp.workflow.documents import text_document
from webapp.workflow.expressions import Forms
from webapp.workflow.problems import Problem
from webapp.workflow.schema import schema_problems
from webapp.workflowadmin.published import load_with

DISPLAY = "your draft"


@dataclass
class Checked:
    """A draft checked as `workflows check` checks a file: the workflow, or the problems.

    A draft with problems may still be kept (`storable`) while it is being built, a stage
    at a time, as long as it is YAML of the right shape that keeps its identity; only a
    draft with no problems (`valid`) can be published."""

    data: dict[str, Any] | None
    definition: WorkflowDefinition | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    storable: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems and self.definition is not None


def new_document(
    *,
    workflow_id: str,
    borough: str,
    borough_name: str,
    version: int,
    extends: WorkflowDefinition,
    body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A borough's override: the identity a draft may not change, then what it changes."""
    document: dict[str, Any] = {
        "id": workflow_id,
        "version": version,
        "title": f"{extends.title} ({borough_name})",
        "borough": borough,
        "extends": {"id": extends.id, "version": extends.version},
    }
    for key, value in (body or {}).items():
        if key not in ("id", "version", "borough", "extends"):
            document[key] = value
    return document


def to_yaml(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)


def fixed_problems(data: Any, fixed: Mapping[str, Any]) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(DISPLAY, "", "must be a mapping: id, version, borough, extends, ...")]
    return [
        Problem(DISPLAY, key, f"must be {value!r}: a draft cannot change it")
        for key, value in fixed.items()
        if data.get(key) != value
    ]


def check_text(
    text: str,
    *,
    directory: Path,
    published: list,
    fixed: Mapping[str, Any],
    forms: Forms | None,
    unimplemented,
) -> Checked:
    """Check YAML typed by an administrator, as `workflows check` checks a file beside the
    files of `directory` and the `published` texts (documents of the versions published in
    the browser): it must keep its identity (`fixed`), and every effect it names must have
    an implementation (`unimplemented` lists those that have none)."""
    document = text_document(text, DISPLAY)
    if document.problems:
        return Checked(None, problems=document.problems)
    wrong = fixed_problems(document.data, fixed) or schema_problems(DISPLAY, document.data)
    if wrong:
        return Checked(document.data, problems=[_located(problem, document) for problem in wrong])
    result, _names = load_with(
        directory, [*published, document], forms, borough=fixed.get("borough")
    )
    problems = [problem for problem in result.problems if problem.file == DISPLAY]
    notes = [note for note in result.notes if note.file == DISPLAY]
    definition = next((item for item in result.definitions if item.source == DISPLAY), None)
    if definition is not None:
        problems += [
            Problem(
                DISPLAY,
                "transitions",
                f"the effect {name!r} has no implementation in this installation: take it out",
            )
            for name in unimplemented([definition])
        ]
    return Checked(document.data, None if problems else definition, problems, notes, True)


def _located(problem: Problem, document) -> Problem:
    if problem.line is not None:
        return problem
    return Problem(problem.file, problem.key, problem.message, document.line_of(problem.key))


# --- what the guided pages offer -------------------------------------------------------------


@dataclass(frozen=True)
class StageOutline:
    title: str
    terminal: bool
    view: list[str]
    edit: dict[str, list[str]]


@dataclass(frozen=True)
class Outline:
    """The stages and steps of a draft as it stands, problems and all: the national
    workflow's, with the draft's own added or renamed (a draft being built a stage at a
    time has no workflow yet to read them from)."""

    stages: dict[str, StageOutline]
    steps: dict[str, str]  # trigger -> title
    wildcards: dict[str, str]  # the steps that leave (almost) every stage


def outline(data: Mapping[str, Any], national: WorkflowDefinition) -> Outline:
    stages = {
        key: StageOutline(
            state.title,
            state.terminal,
            sorted(state.view),
            {part: sorted(roles) for part, roles in state.edit.items()},
        )
        for key, state in national.states.items()
    }
    for key, value in (data.get("states") or {}).items():
        value = value if isinstance(value, dict) else {}
        known = stages.get(key, StageOutline(key, False, [], {}))
        stages[key] = StageOutline(
            value.get("title", known.title),
            bool(value.get("terminal", known.terminal)),
            list(value.get("view", known.view)),
            {**known.edit, **(value.get("edit") or {})},
        )
    steps = {item.trigger: item.title for item in national.transitions}
    for item in data.get("transitions") or []:
        if isinstance(item, dict) and "trigger" in item:
            steps[item["trigger"]] = item.get("title", item["trigger"])
    for trigger in data.get("remove_transitions") or []:
        steps.pop(trigger, None)
    wildcards = {item.trigger: item.title for item in national.transitions if item.from_any_stage}
    return Outline(stages, steps, wildcards)


# --- the changes the guided pages make --------------------------------------------------------
# Each returns a new document; the whole of it is then checked before anything is stored.


def _copy(document: Mapping[str, Any]) -> dict[str, Any]:
    return yaml.safe_load(to_yaml(document))


def rename_state(
    document: Mapping[str, Any], key: str, title: str, description: str = ""
) -> dict[str, Any]:
    """`states: {key: {title: ...}}`: only the wording changes (a partial override)."""
    changed = _copy(document)
    state = changed.setdefault("states", {}).setdefault(key, {})
    state["title"] = title
    if description:
        state["description"] = description
    return changed


def add_state(
    document: Mapping[str, Any],
    key: str,
    title: str,
    description: str,
    like: StageOutline | None,
    wildcard_steps: list[str],
) -> dict[str, Any]:
    """A new state; who may see it and change what there is copied from `like` (another
    stage), and the ways out from any stage it accepts are listed (the check asks)."""
    changed = _copy(document)
    state: dict[str, Any] = {"title": title}
    if description:
        state["description"] = description
    if like is not None:
        state["view"] = list(like.view)
        if like.edit:
            state["edit"] = {part: list(roles) for part, roles in like.edit.items()}
    if wildcard_steps:
        state["wildcard_steps"] = list(wildcard_steps)
    changed.setdefault("states", {})[key] = state
    return changed


def add_step(document: Mapping[str, Any], step: Mapping[str, Any]) -> dict[str, Any]:
    """A new transition, written as the YAML would have it."""
    changed = _copy(document)
    changed.setdefault("transitions", []).append(dict(step))
    return changed


def add_condition(
    document: Mapping[str, Any],
    national: Mapping[str, Any],
    trigger: str,
    condition: Any,
) -> dict[str, Any]:
    """One more condition on every transition with `trigger`: the override's own ones if it
    restates the trigger, else the national ones, restated in full (an override replaces a
    trigger's transitions and must keep their conditions and effects)."""
    changed = _copy(document)
    transitions = changed.setdefault("transitions", [])
    own = [item for item in transitions if item.get("trigger") == trigger]
    if not own:
        own = [
            _copy(item)
            for item in national.get("transitions", [])
            if item.get("trigger") == trigger
        ]
        transitions.extend(own)
    if not own:
        raise ValueError(f"There is no step {trigger!r} to add a condition to")
    for item in own:
        item.setdefault("conditions", []).append(_copy({"c": condition})["c"])
    return changed


def add_worklist(
    document: Mapping[str, Any], key: str, title: str, states: list[str], roles: list[str]
) -> dict[str, Any]:
    changed = _copy(document)
    changed.setdefault("worklists", {})[key] = {
        "title": title,
        "states": list(states),
        "roles": list(roles),
    }
    return changed
