"""/admin/role-requests: roles waiting for a second administrator (the borough CAF contact
and administrator roles), approved or rejected by another administrator of the borough or
a system administrator who is independent of the one who asked (webapp/useradmin/duties.py).
A request of another borough answers 404, audited."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import refuse, requires
from webapp.accounts.sessions import client_address
from webapp.useradmin import duties, grants
from webapp.useradmin.decision_form import DecisionForm
from webapp.useradmin.models import RoleGrantRequest

bp = Blueprint("rolegrants", __name__, url_prefix="/admin/role-requests")


def _visible(request_id: int) -> RoleGrantRequest:
    request = grants.find(db.session, request_id)
    if request is None or not grants.may_decide(current_user, request):
        refuse(404, "not found" if request is None else "not visible", request)
    return request


@bp.get("")
@requires(Permission.ROLE_GRANTS_DECIDE)
def index():
    waiting = grants.waiting_requests(db.session, current_user)
    return render_template(
        "useradmin/role_requests.html",
        waiting=waiting,
        refusals={
            request.id: duties.second_person_refusal(
                current_user, request.requested_by_id, request.requested_at
            )
            for request in waiting
        },
        decided=grants.decided_requests(db.session, current_user),
    )


def _page(request: RoleGrantRequest, form: DecisionForm, status: int = 200):
    return render_template(
        "useradmin/role_request.html",
        request=request,
        form=form,
        refusal=grants.refusal_to_decide(current_user, request),
    ), status


@bp.get("/<int:request_id>")
@requires(Permission.ROLE_GRANTS_DECIDE)
def show(request_id: int):
    return _page(_visible(request_id), DecisionForm(formdata=None))


@bp.post("/<int:request_id>")
@requires(Permission.ROLE_GRANTS_DECIDE)
def decide(request_id: int):
    request = _visible(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _page(request, form, 400)
    try:
        grants.decide(
            db.session,
            request,
            current_user,
            form.approves,
            form.comment.data or "",
            client_address=client_address(),
        )
    except duties.DutiesBreached as breached:
        db.session.rollback()
        grants.record_refusal(
            db.session,
            RoleGrantRequest,
            current_user,
            request_id,
            str(breached),
            client_address(),
        )
        db.session.commit()
        request = _visible(request_id)
        form.decision.errors = [str(breached)]
        return _page(request, form, 400)
    db.session.commit()
    flash(
        f"{request.account.full_name} now has the role {request.role.title}"
        if form.approves
        else "The request has been rejected"
    )
    return redirect(url_for(".index"))
