"""Drafts of a borough's form changes in the database, moved by the publication workflow.

One open draft per borough and form at a time (so two publications can never overwrite
each other's changes); each save checks the draft's lock version (two administrators
editing at once: the second is told, nothing is lost); publishing writes a new immutable
version and never touches what episodes have already pinned."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app, g
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from webapp.accounts.models import User
from webapp.assessments.library import form_library
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.episodes import workflow
from webapp.formadmin import drafts, publishing
from webapp.formadmin.models import DraftTransition, OverlayDraft, OverlayVersion
from webapp.formadmin.publication import WORKFLOW_ID, DraftFacts
from webapp.formadmin.publishing import OPEN_STATES, DraftRefused, InvalidDraft, StaleDraft
from webapp.formdefs import FormDefinition, FormLibrary
from webapp.formdefs.overlay import overlay_from_dict
from webapp.formdefs.problems import UnknownFormError
from webapp.formdefs.yamlfile import parse_yaml_text
from webapp.workflow.definition import WorkflowDefinition
from webapp.workflow.engine import Engine
from webapp.workflowadmin import form_changes

# --- the publication workflow ----------------------------------------------------------------


def engine() -> Engine:
    return publishing.engine(WORKFLOW_ID)


def publication_workflow() -> WorkflowDefinition:
    return publishing.publication_workflow(WORKFLOW_ID)


administers = publishing.administers
actor_for = publishing.actor_for


# --- versions ----------------------------------------------------------------------------------


def published_versions(db_session: Session, borough: str, form_id: str) -> list[OverlayVersion]:
    return list(
        db_session.scalars(
            select(OverlayVersion)
            .where(OverlayVersion.borough == borough, OverlayVersion.form_id == form_id)
            .order_by(OverlayVersion.version)
        )
    )


def newest_overlay_version(library: FormLibrary, borough: str, form_id: str) -> int | None:
    versions = library.overlay_versions(borough, form_id)
    return versions[-1] if versions else None


def current_form(library: FormLibrary, borough: str, form_id: str) -> FormDefinition:
    """What a new episode in the borough starts with today."""
    return library.effective(borough, form_id)


def open_draft(db_session: Session, borough: str, form_id: str) -> OverlayDraft | None:
    return db_session.scalars(
        select(OverlayDraft).where(
            OverlayDraft.borough == borough,
            OverlayDraft.form_id == form_id,
            OverlayDraft.state.in_(OPEN_STATES),
        )
    ).first()


def find_draft(db_session: Session, user: User, draft_id: int) -> OverlayDraft | None:
    """The draft if it is of the user's own borough (None otherwise: answer 404)."""
    draft = db_session.get(OverlayDraft, draft_id)
    if draft is None or not administers(user, draft.borough):
        return None
    return draft


def _audit(db_session: Session, action: str, draft: OverlayDraft, user: User, **detail) -> None:
    audit.record_about(
        db_session, action, draft, user, borough=draft.borough, form_id=draft.form_id, **detail
    )


def start_draft(
    db_session: Session,
    user: User,
    form_id: str,
    *,
    from_national: bool = False,
    base_version: int | None = None,
) -> OverlayDraft:
    """A draft of the user's borough's form: a copy of its newest published changes, or
    (`from_national`) the national form with no changes, on `base_version` (the newest
    national version when None). An open draft is returned instead of a second one."""
    borough = user.borough.code
    existing = open_draft(db_session, borough, form_id)
    if existing is not None:
        return existing
    library = form_library()
    newest = newest_overlay_version(library, borough, form_id)
    operations: list = []
    starts_from = None
    if not from_national and newest is not None:
        overlay = library.overlays[(borough, form_id, newest)]
        base = overlay.base_version if base_version is None else base_version
        operations = [{operation.kind: operation.args} for operation in overlay.operations]
        starts_from = newest
    else:
        base = library.get_base(form_id, base_version).version
    document = drafts.new_document(borough, form_id, (newest or 0) + 1, base, operations)
    draft = OverlayDraft(
        borough=borough,
        form_id=form_id,
        base_version=base,
        starts_from_version=starts_from,
        source_yaml=drafts.to_yaml(document),
        state=publication_workflow().initial,
        created_by_id=user.id,
    )
    db_session.add(draft)
    db_session.flush()
    _audit(db_session, "form_draft.started", draft, user, from_national=from_national)
    return draft


def document_of(draft: OverlayDraft) -> dict:
    data, problems = parse_yaml_text(draft.source_yaml, drafts.DISPLAY)
    return data if not problems and isinstance(data, dict) else {}


def checked(draft: OverlayDraft, library: FormLibrary | None = None) -> drafts.Checked:
    return check(object_session(draft), library or form_library(), document_of(draft))


def check(db_session: Session, library: FormLibrary, document: dict) -> drafts.Checked:
    """The draft document checked as the command line checks an overlay file, and the
    borough's workflows checked again against the forms it would leave: a change that hides
    or alters a question a workflow's condition reads is refused until the workflow
    changes."""
    result = drafts.check(library, document)
    if not result.valid or not result.operations:
        return result
    broken = form_changes.workflow_problems(
        db_session,
        directory=Path(current_app.config["WORKFLOWS_PATH"]),
        catalogue=workflow.catalogue(),
        library=library,
        overlay=overlay_from_dict(document, drafts.DISPLAY),
        display=drafts.DISPLAY,
    )
    return replace(result, problems=broken) if broken else result


def starting_form(draft: OverlayDraft, library: FormLibrary | None = None) -> FormDefinition:
    """The form the draft is compared with: the version it started from."""
    library = library or form_library()
    if draft.starts_from_version is not None:
        return library.effective(draft.borough, draft.form_id, None, draft.starts_from_version)
    return library.get_base(draft.form_id, draft.base_version)


def save(
    db_session: Session,
    draft: OverlayDraft,
    user: User,
    document: dict,
    *,
    expected_lock: int,
    what: str,
) -> drafts.Checked:
    """Store a changed draft document, if it applies cleanly; raise InvalidDraft (nothing
    stored) or StaleDraft."""
    locked = publishing.locked(db_session, draft)
    if locked.lock_version != expected_lock:
        raise StaleDraft()
    if not engine().may_edit(locked.state, "overlay", actor_for(user, locked)):
        raise DraftRefused("This draft cannot be changed now: it is waiting for approval")
    result = check(db_session, form_library(), document)
    if not result.valid:
        raise InvalidDraft(result)
    locked.source_yaml = drafts.to_yaml(document)
    locked.lock_version += 1
    locked.updated_by_id = user.id
    locked.updated_at = utcnow()
    _audit(db_session, "form_draft.changed", locked, user, change=what)
    return result


# --- steps ---------------------------------------------------------------------------------


def facts_for(draft: OverlayDraft) -> DraftFacts:
    library = form_library()
    result = checked(draft, library)
    changed = result.valid and drafts.compare(starting_form(draft, library), result.form) != []
    return DraftFacts(
        draft_is_valid=result.valid,
        draft_is_current=not _superseded(draft, library),
        draft_has_changes=changed,
        submitted_by_id=draft.submitted_by_id,
        independent_approver_ids=publishing.independent_approvers(draft),
    )


def _superseded(draft: OverlayDraft, library: FormLibrary) -> bool:
    """Whether a version was published after this draft started (publishing the draft
    would silently drop that version's changes): the draft carries the version number it
    would get, the newest one then plus one."""
    newest = newest_overlay_version(library, draft.borough, draft.form_id) or 0
    return newest >= int(document_of(draft).get("version", 1))


def available(draft: OverlayDraft, user: User):
    return engine().available(draft.state, facts_for(draft), actor_for(user, draft))


def _publish(db_session: Session, draft: OverlayDraft, approver: User) -> OverlayVersion:
    library = form_library()
    document = document_of(draft)
    taken = db_session.scalar(
        select(func.max(OverlayVersion.version)).where(
            OverlayVersion.borough == draft.borough, OverlayVersion.form_id == draft.form_id
        )
    )
    version = max(newest_overlay_version(library, draft.borough, draft.form_id) or 0, taken or 0)
    document["version"] = version + 1
    result = check(db_session, library, document)
    if not result.valid:
        raise InvalidDraft(result)
    row = OverlayVersion(
        borough=draft.borough,
        form_id=draft.form_id,
        version=version + 1,
        base_version=draft.base_version,
        source_yaml=drafts.to_yaml(document),
        reason=draft.reason,
        draft_id=draft.id,
        published_by_id=draft.submitted_by_id,
        approved_by_id=approver.id,
    )
    db_session.add(row)
    db_session.flush()
    draft.source_yaml = row.source_yaml
    g.pop("caf_form_library", None)  # this request sees the new version from now on
    _audit(db_session, "form_overlay.published", draft, approver, version=row.version)
    return row


def form_title(draft: OverlayDraft) -> str:
    """What the form a draft changes is called, rather than its id."""
    try:
        return form_library().get_base(draft.form_id).title
    except UnknownFormError:
        return draft.form_id


def publication_words(draft: OverlayDraft) -> str:
    """What publishing the draft changes, in words."""
    return f"the changes to the form “{form_title(draft)}”"


PUBLICATION = publishing.Publication(
    WORKFLOW_ID,
    facts_for,
    DraftTransition,
    _publish,
    _audit,
    "form_draft",
    publication_words,
    "formadmin",
)
fire = PUBLICATION.fire


@dataclass(frozen=True)
class FormRow:
    """A form of the borough on the administration page."""

    form_id: str
    title: str
    national_version: int
    newest_national: int
    overlay_version: int | None
    draft: OverlayDraft | None
    published: list[OverlayVersion]

    @property
    def base_is_behind(self) -> bool:
        return self.national_version < self.newest_national


def borough_forms(db_session: Session, borough: str) -> list[FormRow]:
    library = form_library()
    rows = []
    for form_id in library.form_ids():
        current = current_form(library, borough, form_id)
        rows.append(
            FormRow(
                form_id,
                current.title,
                current.version,
                library.get_base(form_id).version,
                current.overlay_version,
                open_draft(db_session, borough, form_id),
                published_versions(db_session, borough, form_id),
            )
        )
    return rows
