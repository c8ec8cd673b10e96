"""What waits for an administrator's approval, for their home page: roles (the borough CAF
contact's and administrators'), changes to the workflow choices, and form changes and
workflow versions to publish that they, as an independent second person
(webapp/useradmin/duties.py), may decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.formadmin.models import DraftState, OverlayDraft
from webapp.formadmin.services import PUBLICATION as form_publication
from webapp.useradmin import duties, grants
from webapp.workflowadmin.models import WorkflowDraft
from webapp.workflowadmin.services import PUBLICATION as workflow_publication
from webapp.workflowchoices import services as choices


@dataclass(frozen=True)
class Approval:
    text: str
    href: str
    requested_by: str
    requested_at: datetime


def waiting_for(db_session: Session, user: User) -> list[Approval]:
    found = [
        Approval(
            f"Give {request.account.full_name} the role {request.role.title}",
            url_for("rolegrants.show", request_id=request.id),
            request.requested_by.full_name,
            request.requested_at,
        )
        for request in grants.waiting_for_decider(db_session, user)
    ]
    if user.has_role(Role.BOROUGH_ADMIN):
        found += [
            Approval(
                "Change the borough's workflow choices",
                url_for("workflowchoices.show_request", request_id=request.id),
                request.requested_by.full_name,
                request.requested_at,
            )
            for request in choices.waiting_requests(db_session, user.borough_id)
            if duties.is_second_person(user, request.requested_by_id, request.requested_at)
        ]
        for model, publication in [
            (OverlayDraft, form_publication),
            (WorkflowDraft, workflow_publication),
        ]:
            found += [
                Approval(
                    f"Publish {publication.what(draft)}",
                    url_for(f"{publication.endpoint}.draft", draft_id=draft.id),
                    draft.submitted_by.full_name,
                    draft.submitted_at,
                )
                for draft in db_session.scalars(
                    select(model).where(
                        model.borough == user.borough.code,
                        model.state == DraftState.AWAITING_APPROVAL.value,
                    )
                )
                if draft.submitted_by is not None
                and draft.submitted_at is not None
                and duties.is_second_person(user, draft.submitted_by_id, draft.submitted_at)
            ]
    return sorted(found, key=lambda approval: approval.requested_at)
