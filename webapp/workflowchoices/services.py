"""Reading and writing a borough's workflow choices.

`current_for` is what a new episode pins; `selections_for` is what an episode runs under
(its pinned version, or the definition's defaults when it pinned none)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import counters
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.workflow import WorkflowDefinition
from webapp.workflowchoices.models import WorkflowChoiceVersion


class ChoiceRefused(ValueError):
    """The choices were not saved; the message says why, in GOV.UK wording."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def current_for(
    db_session: Session, borough_id: int, workflow_id: str
) -> WorkflowChoiceVersion | None:
    return db_session.scalars(
        select(WorkflowChoiceVersion)
        .where(
            WorkflowChoiceVersion.borough_id == borough_id,
            WorkflowChoiceVersion.workflow_id == workflow_id,
        )
        .order_by(WorkflowChoiceVersion.version.desc())
        .limit(1)
    ).first()


def to_pin(db_session: Session, borough_id: int, definition: WorkflowDefinition) -> int | None:
    """The id of the borough's current choice version for `definition`, for a new episode
    (or one that moves into the borough's workflow) to pin; None: the defaults."""
    if not definition.choices:
        return None
    current = current_for(db_session, borough_id, definition.id)
    return current.id if current is not None else None


def history(db_session: Session, borough_id: int, workflow_id: str) -> list[WorkflowChoiceVersion]:
    return list(
        db_session.scalars(
            select(WorkflowChoiceVersion)
            .where(
                WorkflowChoiceVersion.borough_id == borough_id,
                WorkflowChoiceVersion.workflow_id == workflow_id,
            )
            .order_by(WorkflowChoiceVersion.version.desc())
        )
    )


def find_version(db_session: Session, version_id: int) -> WorkflowChoiceVersion | None:
    return db_session.get(WorkflowChoiceVersion, version_id)


def selections_of(db_session: Session, version_id: int | None) -> dict[str, str]:
    if version_id is None:
        return {}
    version = db_session.get(WorkflowChoiceVersion, version_id)
    return version.selections if version is not None else {}


def choose(
    db_session: Session,
    borough: Borough,
    definition: WorkflowDefinition,
    selections: dict[str, str],
    reason: str,
    user: User,
    client_address: str = "",
) -> WorkflowChoiceVersion:
    """Write a new version of the borough's choices for `definition`. The caller commits."""
    for key, option in selections.items():
        choice = definition.choices.get(key)
        if choice is None or option not in choice.options:
            raise ChoiceRefused(f"Select one of the options for {key}", f"choice_{key}")
    missing = [key for key in definition.choices if key not in selections]
    if missing:
        title = definition.choices[missing[0]].title.lower()
        raise ChoiceRefused(f"Select {title}", f"choice_{missing[0]}")
    reason = reason.strip()
    if not reason:
        raise ChoiceRefused("Enter why you are changing the workflow choices", "reason")
    current = current_for(db_session, borough.id, definition.id)
    before = definition.resolve_choices(current.selections if current else None)
    if selections == before:
        raise ChoiceRefused(
            "Change at least one choice: these are the choices already in force",
            f"choice_{next(iter(definition.choices))}",
        )
    number = counters.allocate(
        db_session,
        f"workflow-choices:{borough.id}:{definition.id}",
        counters.highest(
            WorkflowChoiceVersion.version,
            WorkflowChoiceVersion.borough_id == borough.id,
            WorkflowChoiceVersion.workflow_id == definition.id,
        ),
    )
    version = WorkflowChoiceVersion(
        borough_id=borough.id,
        workflow_id=definition.id,
        version=number,
        selections_json=json.dumps(selections, sort_keys=True),
        reason=reason,
        chosen_by_id=user.id,
    )
    db_session.add(version)
    db_session.flush()
    audit.record(
        db_session,
        "workflow.choices_changed",
        actor_id=user.id,
        object_type="workflow_choice_version",
        object_id=version.id,
        client_address=client_address,
        borough=borough.code,
        workflow=f"{definition.id} v{definition.version}",
        version=number,
        before=json.dumps(before, sort_keys=True),
        after=version.selections_json,
        reason=reason,
    )
    return version
