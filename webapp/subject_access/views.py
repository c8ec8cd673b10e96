"""Subject access for one child: only the borough CAF contact of the child's borough.

The routes declare that rule and leave its refusal to `_child`, so that anyone else's
attempt, an administrator's included, is refused with a 404 *and audited*."""

import io

from flask import Blueprint, render_template, send_file
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires_child
from webapp.audit.requests import audited_by_id
from webapp.children.models import Child
from webapp.db import utcnow
from webapp.pages import permitted_or_404
from webapp.subject_access import archive, bundle
from webapp.subject_access.forms import SubjectAccessForm

bp = Blueprint("subject_access", __name__)


def _audit(action: str, child: Child, **detail) -> None:
    audited_by_id(action, Child, child.id, child, **detail)


def _child(child_id: int, attempted: str) -> Child:
    return permitted_or_404(
        Child,
        child_id,
        Permission.CHILD_RECORD_MANAGE,
        "subject_access.refused",
        attempted=attempted,
    )


def _page(child: Child, form: SubjectAccessForm):
    preview = bundle.gather(db.session, child, current_user, "", utcnow())
    return render_template("subject_access/show.html", child=child, form=form, preview=preview)


@bp.route("/children/<int:child_id>/subject-access")
@requires_child(Permission.CHILD_RECORD_MANAGE, refused_by_view=True)
def show(child_id: int):
    child = _child(child_id, "view")
    _audit("subject_access.viewed", child)
    db.session.commit()
    return _page(child, SubjectAccessForm())


@bp.route("/children/<int:child_id>/subject-access", methods=["POST"])
@requires_child(Permission.CHILD_RECORD_MANAGE, refused_by_view=True)
def produce(child_id: int):
    child = _child(child_id, "produce")
    form = SubjectAccessForm()
    if not form.validate_on_submit():
        return _page(child, form)
    details = form.request_details.data.strip()
    produced = bundle.gather(db.session, child, current_user, details, utcnow())
    content = archive.write(produced)
    _audit(
        "subject_access.produced",
        child,
        request=details,
        counts=produced.counts(),
        shielded=child.shielded,
    )
    db.session.commit()
    return send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=archive.file_name(produced),
    )
