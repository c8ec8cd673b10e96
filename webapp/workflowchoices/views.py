"""/admin/workflow-choices: a borough administrator sees the workflow their borough's new
episodes start with, as a picture and as tables, and asks to change its options; another
administrator of the borough approves the change (which then applies to new episodes) or
rejects it, at /admin/workflow-choices/requests/<id>."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import refuse, requires
from webapp.accounts.sessions import client_address
from webapp.admin import workflows as workflow_pages
from webapp.episodes import workflow
from webapp.security import allow_inline_styles_on_this_page
from webapp.useradmin import duties, grants
from webapp.useradmin.decision_form import DecisionForm
from webapp.workflow.diagram import render as render_diagram
from webapp.workflowchoices import services
from webapp.workflowchoices.forms import choices_form
from webapp.workflowchoices.models import WorkflowChoiceRequest

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
        waiting=services.waiting_request(db.session, current_user.borough_id, definition.id),
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
            request = services.request_change(
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
                "Your change has been sent for approval. Another administrator of your borough "
                "must approve it before new episodes follow it."
            )
            return redirect(url_for(".show_request", request_id=request.id))
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


def _request_or_404(request_id: int):
    found = services.find_request(db.session, request_id)
    if found is None or found.borough_id != current_user.borough_id:
        refuse(404, "not found" if found is None else "not visible", found)
    return found


def _request_page(request, form: DecisionForm, status: int = 200):
    definition = workflow.catalogue().for_borough(current_user.borough.code)
    current = services.current_for(db.session, current_user.borough_id, definition.id)
    return render_template(
        "workflowchoices/request.html",
        request=request,
        definition=definition,
        before=definition.resolve_choices(current.selections if current else None),
        asked=definition.resolve_choices(request.selections),
        form=form,
        refusal=grants.refusal_to_decide(current_user, request),
    ), status


@bp.get("/requests/<int:request_id>")
@requires(Permission.BOROUGH_ADMINISTER)
def show_request(request_id: int):
    return _request_page(_request_or_404(request_id), DecisionForm(formdata=None))


@bp.post("/requests/<int:request_id>")
@requires(Permission.BOROUGH_ADMINISTER)
def decide_request(request_id: int):
    request = _request_or_404(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _request_page(request, form, 400)
    definition = workflow.catalogue().for_borough(current_user.borough.code)
    try:
        version = services.decide(
            db.session,
            request,
            definition,
            current_user,
            form.approves,
            form.comment.data or "",
            client_address=client_address(),
        )
    except (duties.DutiesBreached, services.ChoiceRefused) as refused:
        db.session.rollback()
        grants.record_refusal(
            db.session,
            WorkflowChoiceRequest,
            current_user,
            request_id,
            str(refused),
            client_address(),
        )
        db.session.commit()
        form.decision.errors = [str(refused)]
        return _request_page(_request_or_404(request_id), form, 400)
    db.session.commit()
    flash(
        f"Workflow choices version {version.version} is in force. New episodes follow it; "
        "episodes already started keep the choices they started with."
        if version
        else "The change has been rejected"
    )
    return redirect(url_for(".index"))
