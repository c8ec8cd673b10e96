"""Administration pages for borough and system administrators: the workflows they
configure, as a diagram and as tables."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires
from webapp.admin import workflows as workflow_pages
from webapp.episodes import workflow
from webapp.security import allow_inline_styles_on_this_page
from webapp.workflow.diagram import render as render_diagram
from webapp.workflowadmin import services as workflow_services

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/workflows")
@requires(Permission.WORKFLOW_VIEW)
def workflows():
    catalogue = workflow.catalogue()
    own = None
    if may(current_user, Permission.BOROUGH_ADMINISTER):
        own = workflow_services.borough_workflow(db.session, current_user.borough.code)
    return render_template(
        "admin/workflows.html",
        own=own,
        definitions=workflow_pages.visible_definitions(current_user, catalogue),
        starting=workflow_pages.boroughs_starting_with(db.session, current_user, catalogue),
        borough_names=workflow_pages.borough_names(db.session),
    )


@bp.route("/workflows/<workflow_key>/<int:version>")
@requires(Permission.WORKFLOW_VIEW)
def workflow_definition(workflow_key: str, version: int):
    catalogue = workflow.catalogue()
    definition = workflow_pages.find_visible(current_user, catalogue, workflow_key, version)
    if definition is None:
        abort(404)
    # mermaid writes a <style> into the SVG it draws: see the function's docstring.
    allow_inline_styles_on_this_page()
    return render_template(
        "admin/workflow.html",
        definition=definition,
        mermaid_text=render_diagram(definition, "mermaid"),
        dot_text=render_diagram(definition, "dot"),
        worklists=workflow_pages.worklist_rows(definition),
        states=workflow_pages.state_rows(definition),
        transitions=workflow_pages.transition_rows(definition),
        starting=workflow_pages.boroughs_starting_with(db.session, current_user, catalogue).get(
            definition.ref, []
        ),
        borough_names=workflow_pages.borough_names(db.session),
        source_file=workflow_pages.source_file(definition, current_app.config["WORKFLOWS_PATH"]),
    )
