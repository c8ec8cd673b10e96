"""A borough's workflow drafts in the database, moved by the publication workflow
(`workflows/administration/workflow_publication.yaml`), and the versions they publish.

One open draft per borough at a time; each save checks the draft's lock version (two
administrators editing at once: the second is told, nothing is lost) and the whole draft
(nothing that fails the check is stored); publishing writes a new, immutable version that
new episodes of the borough start with, while running episodes keep the version they
pinned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.episodes import effects, workflow
from webapp.formadmin import publishing
from webapp.formadmin.publication import WORKFLOW_PUBLICATION_ID, DraftFacts
from webapp.formadmin.publishing import DraftRefused, InvalidDraft, StaleDraft
from webapp.workflow.catalogue import NATIONAL_WORKFLOW_ID, Catalogue
from webapp.workflow.definition import WorkflowDefinition
from webapp.workflow.documents import text_document
from webapp.workflow.engine import Engine
from webapp.workflowadmin import drafts
from webapp.workflowadmin.models import WorkflowDraft, WorkflowDraftStep, WorkflowVersion
from webapp.workflowadmin.published import rows as published_rows
from webapp.workflowadmin.published import source_name

__all__ = ["DraftRefused", "InvalidDraft", "StaleDraft"]


def engine() -> Engine:
    return publishing.engine(WORKFLOW_PUBLICATION_ID)


def publication_workflow() -> WorkflowDefinition:
    return publishing.publication_workflow(WORKFLOW_PUBLICATION_ID)


actor_for = publishing.actor_for


def may_edit(user: User, draft: WorkflowDraft) -> bool:
    return engine().may_edit(draft.state, "overlay", actor_for(user, draft))


# --- what is in use -------------------------------------------------------------------------


def in_use(borough: str, catalogue: Catalogue | None = None) -> WorkflowDefinition:
    """The workflow a new episode in the borough starts with today."""
    return (catalogue or workflow.catalogue()).for_borough(borough)


def override_id(borough: str, catalogue: Catalogue | None = None) -> str:
    """The borough's one workflow id: its override's, or a new one for its first."""
    current = in_use(borough, catalogue)
    return current.id if current.borough == borough else f"{NATIONAL_WORKFLOW_ID}-{borough}"


def next_version(db_session: Session, workflow_id: str, catalogue: Catalogue | None = None) -> int:
    """One more than every version of the id, in the files and in the database."""
    loaded = [
        item.version for item in (catalogue or workflow.catalogue()) if item.id == workflow_id
    ]
    stored = db_session.scalar(
        select(func.max(WorkflowVersion.version)).where(WorkflowVersion.workflow_id == workflow_id)
    )
    return max([0, stored or 0, *loaded]) + 1


def published_versions(db_session: Session, borough: str) -> list[WorkflowVersion]:
    return list(
        db_session.scalars(
            select(WorkflowVersion)
            .where(WorkflowVersion.borough == borough)
            .order_by(WorkflowVersion.version.desc())
        )
    )


def open_draft(db_session: Session, borough: str) -> WorkflowDraft | None:
    return db_session.scalars(
        select(WorkflowDraft).where(
            WorkflowDraft.borough == borough, WorkflowDraft.state.in_(publishing.OPEN_STATES)
        )
    ).first()


def find_draft(db_session: Session, user: User, draft_id: int) -> WorkflowDraft | None:
    """The draft if it is of the user's own borough (None otherwise: answer 404)."""
    draft = db_session.get(WorkflowDraft, draft_id)
    if draft is None or not publishing.administers(user, draft.borough):
        return None
    return draft


def _audit(db_session: Session, action: str, draft: WorkflowDraft, user: User, **detail) -> None:
    audit.record_about(
        db_session,
        action,
        draft,
        user,
        borough=draft.borough,
        workflow_id=draft.workflow_id,
        **detail,
    )


# --- drafts ---------------------------------------------------------------------------------


def start_draft(db_session: Session, user: User) -> WorkflowDraft:
    """A draft of the user's borough's workflow: a copy of the override in use (or a new
    override of the newest national workflow, changing nothing yet). An open draft is
    returned instead of a second one."""
    borough = user.borough.code
    existing = open_draft(db_session, borough)
    if existing is not None:
        return existing
    catalogue = workflow.catalogue()
    current = in_use(borough, catalogue)
    workflow_id = override_id(borough, catalogue)
    version = next_version(db_session, workflow_id, catalogue)
    if current.borough == borough:
        body = text_document(source_text(db_session, current), "in use").data or {}
        extends = catalogue.get(current.extends.id, current.extends.version)
    else:
        body, extends = {}, catalogue.latest(NATIONAL_WORKFLOW_ID)
    document = drafts.new_document(
        workflow_id=workflow_id,
        borough=borough,
        borough_name=user.borough.name,
        version=version,
        extends=extends,
        body=body,
    )
    draft = WorkflowDraft(
        borough=borough,
        workflow_id=workflow_id,
        starts_from_version=current.version if current.borough == borough else None,
        source_yaml=drafts.to_yaml(document),
        state=publication_workflow().initial,
        created_by_id=user.id,
    )
    db_session.add(draft)
    db_session.flush()
    _audit(db_session, "workflow_draft.started", draft, user, starts_from=current.version)
    return draft


def source_text(db_session: Session, definition: WorkflowDefinition) -> str:
    """The YAML a definition was loaded from: its published row, or its file."""
    row = db_session.scalars(
        select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == definition.id,
            WorkflowVersion.version == definition.version,
        )
    ).first()
    if row is not None:
        return row.source_yaml
    return Path(definition.source).read_text(encoding="utf-8")


def extended(data: dict) -> WorkflowDefinition | None:
    """The national workflow a draft's document extends, if it is loaded."""
    extends = data.get("extends")
    if not isinstance(extends, dict):
        return None
    return workflow.catalogue().find(str(extends.get("id")), extends.get("version"))


def fixed(draft: WorkflowDraft) -> dict:
    """What a draft may not change: its id, borough and version (and, once published from,
    the national version it extends is the draft's to choose)."""
    document = text_document(draft.source_yaml, drafts.DISPLAY).data or {}
    return {
        "id": draft.workflow_id,
        "borough": draft.borough,
        "version": document.get("version"),
    }


def check(db_session: Session, draft: WorkflowDraft, text: str | None = None) -> drafts.Checked:
    """The draft (or `text` typed for it) checked as `workflows check` checks a file.

    The same text against the same files, published versions and forms always gives the
    same answer, so the latest answers are kept (a page asks more than once)."""
    published = published_rows(db_session)
    forms = workflow.live_forms()
    directory = Path(current_app.config["WORKFLOWS_PATH"])
    text = draft.source_yaml if text is None else text
    fixed_fields = fixed(draft)
    key = (
        text,
        tuple(sorted(fixed_fields.items())),
        str(directory),
        id(workflow.file_catalogue()),
        id(forms),
        tuple((row.id, row.workflow_id, row.version) for row in published),
    )
    if key not in _checked:
        if len(_checked) > 32:
            _checked.clear()
        _checked[key] = drafts.check_text(
            text,
            directory=directory,
            published=[text_document(row.source_yaml, source_name(row)) for row in published],
            fixed=fixed_fields,
            forms=forms,
            unimplemented=effects.unimplemented,
        )
    return _checked[key]


_checked: dict[tuple, drafts.Checked] = {}


def save(
    db_session: Session,
    draft: WorkflowDraft,
    user: User,
    text: str,
    *,
    expected_lock: int,
    what: str,
) -> drafts.Checked:
    """Store a changed draft, problems and all, if it is YAML of the right shape that keeps
    its identity (the check's other problems only keep it from being published); raise
    InvalidDraft (nothing stored) or StaleDraft."""
    locked = publishing.locked(db_session, draft)
    if locked.lock_version != expected_lock:
        raise StaleDraft()
    if not may_edit(user, locked):
        raise DraftRefused("This draft cannot be changed now: it is waiting for approval")
    result = check(db_session, locked, text)
    if not result.storable:
        raise InvalidDraft(result)
    locked.source_yaml = text
    locked.lock_version += 1
    locked.updated_by_id = user.id
    locked.updated_at = utcnow()
    _audit(db_session, "workflow_draft.changed", locked, user, change=what)
    return result


def starting_text(db_session: Session, draft: WorkflowDraft) -> str | None:
    """The YAML of the version the draft started from (None: the borough had none)."""
    if draft.starts_from_version is None:
        return None
    definition = workflow.catalogue().find(draft.workflow_id, draft.starts_from_version)
    return source_text(db_session, definition) if definition is not None else None


# --- steps ----------------------------------------------------------------------------------


def facts_for(draft: WorkflowDraft) -> DraftFacts:
    db_session = Session.object_session(draft)
    result = check(db_session, draft)
    return DraftFacts(
        draft_is_valid=result.valid,
        draft_is_current=not _superseded(db_session, draft),
        draft_has_changes=result.valid and _changes(db_session, draft, result),
        submitted_by_id=draft.submitted_by_id,
        independent_approver_ids=publishing.independent_approvers(draft),
    )


def _changes(db_session: Session, draft: WorkflowDraft, result: drafts.Checked) -> bool:
    """Whether the draft's workflow differs from the one the borough would otherwise run."""
    before = starting_text(db_session, draft)
    if before is None:  # an override that changes nothing is the national workflow
        return {key for key in _body(result.data) if key != "extends"} != set()
    return _body(result.data) != _body(text_document(before, "in use").data or {})


def _body(data) -> dict:
    """What a document changes: everything but its identity and wording of itself."""
    return {
        key: value
        for key, value in (data or {}).items()
        if key not in ("id", "version", "borough", "title", "description")
    }


def _superseded(db_session: Session, draft: WorkflowDraft) -> bool:
    """Whether a version was published after the draft started (publishing the draft would
    silently drop that version's changes)."""
    document = text_document(draft.source_yaml, drafts.DISPLAY).data or {}
    return next_version(db_session, draft.workflow_id) > int(document.get("version") or 0)


def available(draft: WorkflowDraft, user: User):
    return engine().available(draft.state, facts_for(draft), actor_for(user, draft))


def _publish(db_session: Session, draft: WorkflowDraft, approver: User) -> WorkflowVersion:
    result = check(db_session, draft)
    if not result.valid:
        raise InvalidDraft(result)
    definition = result.definition
    row = WorkflowVersion(
        borough=draft.borough,
        workflow_id=draft.workflow_id,
        version=definition.version,
        extends_id=definition.extends.id,
        extends_version=definition.extends.version,
        source_yaml=draft.source_yaml,
        reason=draft.reason,
        draft_id=draft.id,
        published_by_id=draft.submitted_by_id,
        approved_by_id=approver.id,
    )
    db_session.add(row)
    db_session.flush()
    g.pop("caf_workflow_catalogue", None)  # this request sees the new version from now on
    _audit(db_session, "workflow_version.published", draft, approver, version=row.version)
    return row


PUBLICATION = publishing.Publication(
    WORKFLOW_PUBLICATION_ID,
    facts_for,
    WorkflowDraftStep,
    _publish,
    _audit,
    "workflow_draft",
    lambda draft: "a new version of the borough's workflow",
    "workflowadmin",
)
fire = PUBLICATION.fire


@dataclass(frozen=True)
class BoroughWorkflow:
    """The administration page's account of the borough's workflow."""

    in_use: WorkflowDefinition
    draft: WorkflowDraft | None
    published: list[WorkflowVersion]


def borough_workflow(db_session: Session, borough: str) -> BoroughWorkflow:
    return BoroughWorkflow(
        in_use(borough), open_draft(db_session, borough), published_versions(db_session, borough)
    )
