"""Reading and writing a borough's workflow choices.

`current_for` is what a new episode pins; `selections_for` is what an episode runs under
(its pinned version, or the definition's defaults when it pinned none). A change goes
through the same approval as a form's publication: an administrator asks for it
(`request_change`), and another administrator of the borough, independent of them
(webapp/useradmin/duties.py), approves it, which writes the new version, or rejects it
(`decide`)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import counters
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.db import flush_or_refuse
from webapp.mail import messages
from webapp.useradmin import grants
from webapp.workflow import WorkflowDefinition
from webapp.workflowchoices.models import WorkflowChoiceRequest, WorkflowChoiceVersion

ALREADY_WAITING = (
    "A change to the workflow choices is already waiting for approval. Another administrator "
    "must approve or reject it before a new change can be asked for"
)


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


def _checked(
    db_session: Session,
    borough: Borough,
    definition: WorkflowDefinition,
    selections: dict[str, str],
) -> dict[str, str]:
    """The choices in force before; raise ChoiceRefused if `selections` are not a complete,
    valid and different set of choices for `definition`."""
    for key, option in selections.items():
        choice = definition.choices.get(key)
        if choice is None or option not in choice.options:
            raise ChoiceRefused(f"Select one of the options for {key}", f"choice_{key}")
    missing = [key for key in definition.choices if key not in selections]
    if missing:
        title = definition.choices[missing[0]].title.lower()
        raise ChoiceRefused(f"Select {title}", f"choice_{missing[0]}")
    current = current_for(db_session, borough.id, definition.id)
    before = definition.resolve_choices(current.selections if current else None)
    if selections == before:
        raise ChoiceRefused(
            "Change at least one choice: these are the choices already in force",
            f"choice_{next(iter(definition.choices))}",
        )
    return before


def waiting_request(
    db_session: Session, borough_id: int, workflow_id: str
) -> WorkflowChoiceRequest | None:
    return db_session.scalars(
        select(WorkflowChoiceRequest).where(
            WorkflowChoiceRequest.borough_id == borough_id,
            WorkflowChoiceRequest.workflow_id == workflow_id,
            WorkflowChoiceRequest.outcome.is_(None),
        )
    ).first()


def waiting_requests(db_session: Session, borough_id: int) -> list[WorkflowChoiceRequest]:
    return list(
        db_session.scalars(
            select(WorkflowChoiceRequest)
            .where(
                WorkflowChoiceRequest.borough_id == borough_id,
                WorkflowChoiceRequest.outcome.is_(None),
            )
            .order_by(WorkflowChoiceRequest.requested_at)
        )
    )


def find_request(db_session: Session, request_id: int) -> WorkflowChoiceRequest | None:
    return db_session.get(WorkflowChoiceRequest, request_id)


def request_change(
    db_session: Session,
    borough: Borough,
    definition: WorkflowDefinition,
    selections: dict[str, str],
    reason: str,
    user: User,
    client_address: str = "",
) -> WorkflowChoiceRequest:
    """Ask for a new version of the borough's choices for `definition`: nothing changes
    until another administrator approves (`decide`). The caller commits."""
    _checked(db_session, borough, definition, selections)
    reason = reason.strip()
    if not reason:
        raise ChoiceRefused("Enter why you are changing the workflow choices", "reason")
    first_field = f"choice_{next(iter(definition.choices))}"
    if waiting_request(db_session, borough.id, definition.id) is not None:
        raise ChoiceRefused(ALREADY_WAITING, first_field)
    request = WorkflowChoiceRequest(
        borough_id=borough.id,
        workflow_id=definition.id,
        selections_json=json.dumps(selections, sort_keys=True),
        reason=reason,
        requested_by_id=user.id,
        comment="",
    )
    db_session.add(request)
    # Refused when another administrator asked at the same moment.
    flush_or_refuse(db_session, ChoiceRefused(ALREADY_WAITING, first_field))
    audit.record_about(
        db_session,
        "workflow.choices_change_requested",
        request,
        user,
        client_address,
        borough=borough.code,
        workflow=f"{definition.id} v{definition.version}",
        selections=request.selections_json,
        reason=reason,
    )
    grants.ask_administrators(
        db_session,
        borough.id,
        user,
        "to change the borough's workflow choices",
        messages.link("workflowchoices.show_request", request_id=request.id),
    )
    return request


def decide(
    db_session: Session,
    request: WorkflowChoiceRequest,
    definition: WorkflowDefinition,
    decider: User,
    approve: bool,
    comment: str,
    client_address: str = "",
) -> WorkflowChoiceVersion | None:
    """Approve (writing the new version, which new episodes then pin) or reject the
    request, in the caller's transaction. Raises `duties.DutiesBreached` when `decider` is
    not an independent second person or the request was decided meanwhile, and
    ChoiceRefused when the choices no longer apply to the borough's workflow."""
    locked = grants.lock_for_decision(db_session, request, decider)
    version = None
    if approve:
        version = _write_version(db_session, locked, definition, decider, client_address)
    locked.version_id = version.id if version else None
    grants.record_decision(
        db_session,
        locked,
        decider,
        approve,
        comment,
        client_address=client_address,
        version=version.version if version else None,
    )
    grants.tell_requester(db_session, locked, decider, "to change the borough's workflow choices")
    return version


def _write_version(
    db_session: Session,
    request: WorkflowChoiceRequest,
    definition: WorkflowDefinition,
    approver: User,
    client_address: str,
) -> WorkflowChoiceVersion:
    borough = request.borough
    selections = request.selections
    if definition.id != request.workflow_id:
        raise ChoiceRefused(
            "The borough's workflow has changed since this was asked for: reject it", "decision"
        )
    try:
        before = _checked(db_session, borough, definition, selections)
    except ChoiceRefused:
        raise ChoiceRefused(
            "These choices no longer fit the borough's workflow or are already in force: "
            "reject the request",
            "decision",
        ) from None
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
        reason=request.reason,
        chosen_by_id=request.requested_by_id,
        approved_by_id=approver.id,
    )
    db_session.add(version)
    db_session.flush()
    audit.record_about(
        db_session,
        "workflow.choices_changed",
        version,
        approver,
        client_address,
        borough=borough.code,
        workflow=f"{definition.id} v{definition.version}",
        version=number,
        before=json.dumps(before, sort_keys=True),
        after=version.selections_json,
        reason=request.reason,
        requested_by=request.requested_by_id,
        approved_by=approver.id,
    )
    return version
