"""Taking a draft through its publication workflow (`workflows/administration/`), whatever
the draft holds (a borough's form changes, a borough's workflow).

The workflows differ only in their words and the effect that publishes; the rules are the
same: one administrator of the borough asks with a reason, and a second, independent one
approves (which publishes an immutable version) or sends the draft back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.boroughs.models import Borough
from webapp.db import utcnow
from webapp.definitions_cache import load_once
from webapp.formadmin.models import DraftState, PublicationDraft, PublicationStep
from webapp.formadmin.publication import ADMINISTRATION_FOLDER, REGISTRY, DraftFacts
from webapp.mail import messages
from webapp.useradmin import duties, grants
from webapp.workflow.definition import WorkflowDefinition
from webapp.workflow.engine import Engine, Firing
from webapp.workflow.loader import load_files
from webapp.workflow.problems import DefinitionError
from webapp.workflow.registry import Actor

OPEN_STATES = (DraftState.DRAFT.value, DraftState.AWAITING_APPROVAL.value)


class DraftRefused(Exception):
    """The change was not made; the message says why and what to do."""


class InvalidDraft(DraftRefused):
    """The draft has problems (`checked` holds the check's answer): nothing was stored."""

    def __init__(self, checked) -> None:
        self.checked = checked
        super().__init__("; ".join(str(problem) for problem in checked.problems))


class StaleDraft(DraftRefused):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this draft while you were working on it. Your change was "
            "not saved: look at the draft as it is now, then make your change again."
        )


class Draft(Protocol):
    id: int
    borough: str
    state: str
    lock_version: int
    reason: str
    submitted_by_id: int | None


def _load(folder: Path) -> dict[str, WorkflowDefinition]:
    files = sorted(path for path in folder.glob("*.y*ml") if path.is_file())
    result = load_files(files, REGISTRY)
    if result.problems:
        raise DefinitionError(result.problems)
    return {definition.id: definition for definition in result.definitions}


def publication_workflow(workflow_id: str) -> WorkflowDefinition:
    folder = Path(current_app.config["WORKFLOWS_PATH"]) / ADMINISTRATION_FOLDER
    return load_once("publication workflows", folder, _load)[workflow_id]


def engine(workflow_id: str) -> Engine:
    return Engine(publication_workflow(workflow_id), REGISTRY)


def administers(user: User, borough: str) -> bool:
    return user.has_role(Role.BOROUGH_ADMIN) and user.borough.code == borough


def actor_for(user: User, draft: Draft) -> Actor:
    roles = set()
    if administers(user, draft.borough):
        roles.add("borough_admin")
        if draft.submitted_by_id == user.id:
            roles.add("submitter")
    return Actor(user.id, frozenset(roles))


def independent_approvers(draft: PublicationDraft) -> frozenset[int]:
    """The borough's administrators who may be the second person for the draft's request:
    not the one who asked, nor an account they created or last changed, nor one made after
    they asked (webapp/useradmin/duties.py)."""
    if draft.submitted_by_id is None:
        return frozenset()
    db_session = object_session(draft)
    administrators = db_session.scalars(
        select(User)
        .join(Borough, Borough.id == User.borough_id)
        .where(
            Borough.code == draft.borough,
            User.active.is_(True),
            User.role_grants.any(UserRole.role == Role.BOROUGH_ADMIN),
        )
    )
    return frozenset(
        administrator.id
        for administrator in administrators
        if duties.is_second_person(administrator, draft.submitted_by_id, draft.submitted_at)
    )


def locked(db_session: Session, draft: PublicationDraft) -> PublicationDraft:
    """The draft's row, locked until the transaction ends (two saves or steps at once:
    the second waits, then sees the first's lock version)."""
    model = type(draft)
    return db_session.scalars(select(model).where(model.id == draft.id).with_for_update()).one()


@dataclass(frozen=True)
class Publication:
    """One publication workflow and what its drafts need: the facts its conditions judge,
    the history row of a step, what publishing stores, and how a step is audited
    (`audit(db_session, action, draft, user, **detail)`, the action under `audit_name`)."""

    workflow_id: str
    facts: Callable[[PublicationDraft], DraftFacts]
    step: type[PublicationStep]
    publish: Callable[[Session, PublicationDraft, User], object]
    audit: Callable[..., None]
    audit_name: str
    #: what is asked for, in words for the approvers' e-mail ("the changes to the form ...")
    what: Callable[[PublicationDraft], str]
    endpoint: str  # the blueprint whose `draft` page decides it

    def engine(self) -> Engine:
        return engine(self.workflow_id)

    def fire(
        self,
        db_session: Session,
        draft: PublicationDraft,
        user: User,
        trigger: str,
        *,
        expected_state: str,
        comment: str | None,
    ) -> Firing:
        """Take a step in the caller's transaction: the effect that publishes runs
        `publish`; the step gets its history row and its audit event."""
        row = locked(db_session, draft)
        firing = self.engine().fire(
            trigger,
            state=row.state,
            expected_state=expected_state,
            facts=self.facts(row),
            actor=actor_for(user, row),
            comment=comment,
        )
        if trigger == "submit_for_approval":
            row.submitted_by_id = user.id
            row.submitted_at = utcnow()
            row.reason = firing.comment or ""
            grants.ask_administrators(
                db_session,
                user.borough_id,
                user,
                f"publish {self.what(row)}",
                messages.link(f"{self.endpoint}.draft", draft_id=row.id),
            )
        elif firing.dest == DraftState.DRAFT.value:
            row.submitted_by_id = None
            row.submitted_at = None
        for effect in firing.effects:
            if effect.name in PUBLISHING_EFFECTS:
                self.publish(db_session, row, user)
        db_session.add(
            self.step(
                draft_id=row.id,
                trigger=trigger,
                source=firing.source,
                dest=firing.dest,
                comment=firing.comment or "",
                actor_id=user.id,
            )
        )
        row.state = firing.dest
        row.lock_version += 1
        self.audit(
            db_session,
            f"{self.audit_name}.transition",
            row,
            user,
            trigger=trigger,
            source=firing.source,
            dest=firing.dest,
            comment=firing.comment,
        )
        return firing


PUBLISHING_EFFECTS = frozenset({"publish_overlay_version", "publish_workflow_version"})
