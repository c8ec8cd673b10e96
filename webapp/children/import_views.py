"""The borough CAF contact's page of the runs of the imports that feed the borough's child
index: per source and per run, how many rows were read, new, linked, updated, unchanged,
left and rejected."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.audit.requests import audited
from webapp.children import imports, merges

bp = Blueprint("child_imports", __name__, url_prefix="/child-index/imports")


@bp.route("")
@requires(Permission.CHILD_IMPORTS_VIEW)
def runs():
    found = imports.runs_of(db.session, current_user.borough_id)
    audited("children.import_runs_viewed", borough_id=current_user.borough_id, runs=len(found))
    db.session.commit()
    return render_template(
        "children/import_runs.html",
        runs=found,
        sources=imports.sources_of(db.session, current_user.borough_id),
        waiting=merges.count_waiting(db.session, current_user.borough_id),
    )
