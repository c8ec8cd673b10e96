"""Which workflow definitions an administrator may look at, and the plain tables that
describe one (the accessible equivalent of its diagram)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Permission
from webapp.access.policy import may
from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.workflow import Catalogue, ConditionUse, WorkflowDefinition, WorkflowRef
from webapp.workflow.expressions import explain
from webapp.workflow.registry import DEFAULT_REGISTRY, Registry


def visible_definitions(user: User, catalogue: Catalogue) -> list[WorkflowDefinition]:
    """System administrators see every definition; a borough administrator sees the
    national ones and their own borough's overrides, never another borough's."""
    if may(user, Permission.SYSTEM_ADMINISTER):
        return list(catalogue)
    if may(user, Permission.BOROUGH_ADMINISTER):
        own = user.borough.code
        return [definition for definition in catalogue if definition.borough in (None, own)]
    return []


def find_visible(
    user: User, catalogue: Catalogue, workflow_id: str, version: int
) -> WorkflowDefinition | None:
    definition = catalogue.find(workflow_id, version)
    visible = {item.ref for item in visible_definitions(user, catalogue)}
    if definition is None or definition.ref not in visible:
        return None
    return definition


def boroughs_starting_with(
    db_session: Session, user: User, catalogue: Catalogue
) -> dict[WorkflowRef, list[Borough]]:
    """For each definition, the boroughs whose new episodes start with it (only the
    user's own borough, unless they are a system administrator)."""
    query = select(Borough).order_by(Borough.name)
    if not may(user, Permission.SYSTEM_ADMINISTER):
        query = query.where(Borough.id == user.borough_id)
    starting: dict[WorkflowRef, list[Borough]] = defaultdict(list)
    for borough in db_session.scalars(query):
        starting[catalogue.for_borough(borough.code).ref].append(borough)
    return starting


def source_file(definition: WorkflowDefinition, workflows_path: str) -> str:
    """The definition's file as a borough administrator knows it (workflows/...), without
    the server's own folders."""
    if not definition.source:
        return ""
    folder = Path(workflows_path)
    try:
        return str(Path(definition.source).resolve().relative_to(folder.resolve().parent))
    except ValueError:
        return Path(definition.source).name


def borough_names(db_session: Session) -> dict[str, str]:
    return {borough.code: borough.name for borough in db_session.scalars(select(Borough))}


@dataclass(frozen=True)
class StateRow:
    key: str
    title: str
    description: str
    terminal: bool
    viewers: list[str]
    editors: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class TransitionRow:
    trigger: str
    title: str
    sources: list[str]
    dest: str
    roles: list[str]
    conditions: list[str]
    effects: list[str]
    requires_comment: bool


def _phrases(roles, registry: Registry) -> list[str]:
    return sorted(registry.role_phrase(role) for role in roles)


def state_rows(definition: WorkflowDefinition, registry: Registry = DEFAULT_REGISTRY):
    return [
        StateRow(
            key=key,
            title=state.title,
            description=state.description,
            terminal=state.terminal,
            viewers=_phrases(state.view, registry),
            editors=[
                (registry.parts.get(part, part), _phrases(roles, registry))
                for part, roles in state.edit.items()
            ],
        )
        for key, state in definition.states.items()
    ]


def _condition_text(use: ConditionUse, registry: Registry) -> str:
    if use.expression is not None:
        return explain(use.expression, registry)
    return registry.conditions[use.name].description


def transition_rows(definition: WorkflowDefinition, registry: Registry = DEFAULT_REGISTRY):
    states = definition.states
    return [
        TransitionRow(
            trigger=transition.trigger,
            title=transition.title,
            sources=[states[source].title for source in transition.source],
            dest="Back to where the episode came from"
            if transition.returns
            else states[transition.dest].title,
            roles=[f"The system, after {transition.after_days} days"]
            if transition.timed
            else _phrases(transition.roles, registry),
            conditions=[_condition_text(use, registry) for use in transition.conditions],
            effects=[registry.effects[name].description for name in transition.effects],
            requires_comment=transition.requires_comment,
        )
        for transition in definition.transitions
    ]


@dataclass(frozen=True)
class WorklistRow:
    title: str
    states: list[str]
    shown_to: list[str]


def worklist_rows(definition: WorkflowDefinition, registry: Registry = DEFAULT_REGISTRY):
    return [
        WorklistRow(
            title=worklist.title,
            states=[
                state.title for key, state in definition.states.items() if key in worklist.states
            ],
            shown_to=_phrases(worklist.roles, registry),
        )
        for worklist in definition.worklists.values()
    ]
