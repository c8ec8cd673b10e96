"""The borough CAF contact of the child's borough marks or unmarks a child's record as
shielded (for example a family fleeing violence), with a reason. Every change, view and
refused attempt is audited: the route leaves the refusal to `_child_or_404`, which refuses
everyone else, administrators included, with an audited 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires_child
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_about
from webapp.children.models import Child
from webapp.children.shielding_forms import ShieldingForm
from webapp.children.shielding_services import ShieldingInvalid, change, history
from webapp.pages import permitted_or_404

bp = Blueprint("shielding", __name__)


def _child_or_404(child_id: int, attempted: str) -> Child:
    return permitted_or_404(
        Child,
        child_id,
        Permission.CHILD_RECORD_MANAGE,
        "child.shielding_refused",
        attempted=attempted,
    )


@bp.route("/children/<int:child_id>/shielding", methods=["GET", "POST"])
@requires_child(Permission.CHILD_RECORD_MANAGE, refused_by_view=True)
def manage(child_id: int):
    child = _child_or_404(child_id, "change" if request.method == "POST" else "view")
    form = ShieldingForm()
    if form.validate_on_submit():
        try:
            change(
                db.session,
                child,
                current_user,
                form.shielded.data == "yes",
                form.reason.data,
                client_address(),
            )
        except ShieldingInvalid as invalid:
            db.session.rollback()
            form.shielded.errors = [str(invalid)]
        else:
            db.session.commit()
            flash(
                f"{child.display_name}'s record is now shielded"
                if child.shielded
                else f"{child.display_name}'s record is no longer shielded"
            )
            return redirect(url_for(".manage", child_id=child.id))
    if request.method == "POST":
        audited_about(
            "child.shielding_refused",
            child,
            child_id=child.id,
            attempted="change",
            fields=sorted(name for name, errors in form.errors.items() if errors),
        )
    else:
        audited_about("child.shielding_viewed", child, child_id=child.id)
    db.session.commit()
    return render_template(
        "children/shielding.html", child=child, form=form, changes=history(db.session, child)
    )
