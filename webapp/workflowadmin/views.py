"""Borough administrators' workflow pages: a draft of the borough's workflow, its guided
changes and YAML editor with the check and diagram beside them, and its publication.

Every page is for the administrator's own borough: a draft of another borough answers 404.
Every change is checked exactly as `workflows check` checks a file; one that fails is
refused with the problems, and nothing of it is saved."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.admin import workflows as workflow_pages
from webapp.assessments.library import form_library
from webapp.formadmin.forms import StepForm
from webapp.formadmin.step_page import step_page
from webapp.security import allow_inline_styles_on_this_page
from webapp.workflow.diagram import render as render_diagram
from webapp.workflow.documents import text_document
from webapp.workflow.registry import DEFAULT_REGISTRY
from webapp.workflowadmin import drafts, services
from webapp.workflowadmin.forms import CHANGES, YamlForm, prepare
from webapp.workflowadmin.models import WorkflowDraft

bp = Blueprint("workflowadmin", __name__, url_prefix="/admin/workflow-drafts")


def _draft(draft_id: int) -> WorkflowDraft:
    draft = services.find_draft(db.session, current_user, draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.route("", methods=["POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def start():
    if not StepForm().validate_on_submit():
        abort(400)
    draft = services.start_draft(db.session, current_user)
    db.session.commit()
    return redirect(url_for(".draft", draft_id=draft.id))


def _messages(result: drafts.Checked) -> list[str]:
    """Each problem with its line and key, as `workflows check` prints it."""
    return [
        f"Line {problem.line}, {problem.key or 'top level'}: {problem.message}"
        if problem.line
        else f"{problem.key or 'Top level'}: {problem.message}"
        for problem in [*result.problems, *result.notes]
    ]


def _picture(result: drafts.Checked) -> dict:
    """What the page shows of a workflow that passes the check: its diagram and tables."""
    definition = result.definition
    if definition is None:
        return {}
    # mermaid writes a <style> into the SVG it draws: see the function's docstring.
    allow_inline_styles_on_this_page()
    return {
        "definition": definition,
        "mermaid_text": render_diagram(definition, "mermaid"),
        "states": workflow_pages.state_rows(definition),
        "transitions": workflow_pages.transition_rows(definition),
        "worklists": workflow_pages.worklist_rows(definition),
    }


def _draft_page(draft: WorkflowDraft, form: YamlForm, result: drafts.Checked, status: int = 200):
    editable = services.may_edit(current_user, draft)
    engine = services.engine()
    return render_template(
        "workflowadmin/draft.html",
        draft=draft,
        form=form,
        result=result,
        messages=_messages(result),
        editable=editable,
        change_pages=CHANGES,
        state=engine.state(draft.state),
        steps=services.available(draft, current_user),
        **_picture(result),
    ), status


@bp.route("/<int:draft_id>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def draft(draft_id: int):
    """The draft: its YAML, the check's results and the diagram of the workflow it makes.
    "Check without saving" shows what the typed text would make; "Check and save" stores
    it (problems and all, while it is YAML of the right shape: see services.save)."""
    draft = _draft(draft_id)
    form = YamlForm()
    if request.method == "GET":
        form.source.data = draft.source_yaml
        form.lock_version.data = str(draft.lock_version)
        return _draft_page(draft, form, services.check(db.session, draft))
    if not form.validate_on_submit():
        return _draft_page(draft, form, services.check(db.session, draft), 400)
    if form.check.data:
        result = services.check(db.session, draft, form.source.data)
        return _draft_page(draft, form, result, 200 if result.valid else 400)
    try:
        saved = services.save(
            db.session,
            draft,
            current_user,
            form.source.data,
            expected_lock=int(form.lock_version.data or 0),
            what="yaml",
        )
    except services.InvalidDraft as invalid:
        db.session.rollback()
        form.source.errors = ["The draft was not saved: fix the problems the check found"]
        return _draft_page(draft, form, invalid.checked, 400)
    except services.DraftRefused as refused:
        db.session.rollback()
        form.source.errors = [str(refused)]
        status = 409 if isinstance(refused, services.StaleDraft) else 403
        return _draft_page(draft, form, services.check(db.session, draft, form.source.data), status)
    db.session.commit()
    _saved(saved, "The draft was saved.")
    return redirect(url_for(".draft", draft_id=draft.id))


@bp.route("/<int:draft_id>/check", methods=["POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def check(draft_id: int):
    """The check and the diagram of typed text, for the editor to show as it is typed."""
    draft = _draft(draft_id)
    form = YamlForm()
    if not form.validate_on_submit():
        errors = form.source.errors or ["The page has expired: reload it and try again"]
        return jsonify(problems=[str(error) for error in errors]), 400
    result = services.check(db.session, draft, form.source.data)
    return jsonify(
        problems=_messages(result),
        mermaid=render_diagram(result.definition, "mermaid") if result.valid else None,
    )


def _saved(result: drafts.Checked, what: str) -> None:
    if result.valid:
        flash(f"{what} The workflow passes every check.")
    else:
        count = len(result.problems)
        flash(
            f"{what} The check found {count} problem{'' if count == 1 else 's'}: the draft "
            "cannot be published until each is fixed."
        )


@bp.route("/<int:draft_id>/changes/<kind>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def change(draft_id: int, kind: str):
    draft = _draft(draft_id)
    if kind not in CHANGES:
        abort(404)
    title, form_class = CHANGES[kind]
    result = services.check(db.session, draft)
    national_definition = services.extended(result.data or {})
    if national_definition is None:
        flashes.important("Fix the problems in the draft's YAML first")
        return redirect(url_for(".draft", draft_id=draft.id))
    outline = drafts.outline(result.data, national_definition)
    change_form = form_class()
    prepare(change_form, outline, DEFAULT_REGISTRY, form_library().form_ids())
    if request.method == "GET":
        change_form.lock_version.data = str(draft.lock_version)
        return render_template(
            "workflowadmin/change.html", draft=draft, title=title, form=change_form
        )
    status = 400
    if change_form.validate_on_submit():
        national = services.source_text(db.session, national_definition)
        try:
            document = change_form.change(
                drafts, result.data, outline, text_document(national, "").data or {}
            )
            saved = services.save(
                db.session,
                draft,
                current_user,
                drafts.to_yaml(document),
                expected_lock=int(change_form.lock_version.data or 0),
                what=kind,
            )
        except ValueError as error:
            change_form.form_errors.append(str(error))
        except services.InvalidDraft as invalid:
            db.session.rollback()
            change_form.form_errors.extend(_messages(invalid.checked))
        except services.DraftRefused as refused:
            db.session.rollback()
            change_form.form_errors.append(str(refused))
            status = 409 if isinstance(refused, services.StaleDraft) else 403
        else:
            db.session.commit()
            _saved(saved, f"{title}: the change is in the draft, not published yet.")
            return redirect(url_for(".draft", draft_id=draft.id))
    return render_template(
        "workflowadmin/change.html", draft=draft, title=title, form=change_form
    ), status


@bp.route("/<int:draft_id>/steps/<trigger>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def step(draft_id: int, trigger: str):
    draft = _draft(draft_id)
    return step_page(
        draft,
        trigger,
        publication=services.PUBLICATION,
        messages=_messages,
        caption=f"Draft {draft.id}: {draft.workflow_id} version {_version(draft)}",
        back=url_for(".draft", draft_id=draft.id),
    )


def _version(draft: WorkflowDraft) -> object:
    return (text_document(draft.source_yaml, drafts.DISPLAY).data or {}).get("version")
