"""/admin/workflow-choices: a borough administrator sees the workflow their borough's new
episodes start with, as a picture and as tables, and chooses among its options."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.accounts.sessions import client_address
from webapp.admin import workflows as workflow_pages
from webapp.episodes import workflow
from webapp.security import allow_inline_styles_on_this_page
from webapp.workflow.diagram import render as render_diagram
from webapp.workflowchoices import services
from webapp.workflowchoices.forms import choices_form

bp = Blueprint("workflowchoices", __name__, url_prefix="/admin/workflow-choices")


def _page(definition, current, form, status: int = 200):
    effective = definition.with_choices(current.selections if current else None)
    allow_inline_styles_on_this_page()  # mermaid writes a <style> into its SVG
    return render_template(
        "workflowchoices/index.html",
        definition=definition,
        effective=effective,
        current=current,
        form=form,
        history=services.history(db.session, current_user.borough_id, definition.id),
        mermaid_text=render_diagram(effective, "mermaid"),
        states=workflow_pages.state_rows(effective),
        transitions=workflow_pages.transition_rows(effective),
        worklists=workflow_pages.worklist_rows(effective),
    ), status


@bp.get("")
@requires(Permission.BOROUGH_ADMINISTER)
def index():
    definition = workflow.catalogue().for_borough(current_user.borough.code)
    current = services.current_for(db.session, current_user.borough_id, definition.id)
    selections = definition.resolve_choices(current.selections if current else None)
    form = choices_form(definition, selections, formdata=None)
    return _page(definition, current, form)


@bp.post("")
@requires(Permission.BOROUGH_ADMINISTER)
def choose():
    definition = workflow.catalogue().for_borough(current_user.borough.code)
    if not definition.choices:
        abort(404)
    current = services.current_for(db.session, current_user.borough_id, definition.id)
    selections = definition.resolve_choices(current.selections if current else None)
    form = choices_form(definition, selections)
    if form.validate_on_submit():
        try:
            version = services.choose(
                db.session,
                current_user.borough,
                definition,
                form.selections(),
                form.reason.data or "",
                current_user,
                client_address=client_address(),
            )
        except services.ChoiceRefused as refused:
            db.session.rollback()
            getattr(form, refused.field).errors = [str(refused)]
        else:
            db.session.commit()
            flash(
                f"Workflow choices version {version.version} saved. New episodes follow them; "
                "episodes already started keep the choices they started with."
            )
            return redirect(url_for(".index"))
    return _page(definition, current, form, 400)


@bp.get("/versions/<int:version_id>")
@requires(Permission.BOROUGH_ADMINISTER)
def version(version_id: int):
    found = services.find_version(db.session, version_id)
    if found is None or found.borough_id != current_user.borough_id:
        abort(404)
    definition = workflow.catalogue().for_borough(current_user.borough.code)
    return render_template(
        "workflowchoices/version.html",
        version=found,
        definition=definition,
        selected=definition.resolve_choices(found.selections),
    )
