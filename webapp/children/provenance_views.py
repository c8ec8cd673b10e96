"""Where a child's details come from: for the borough CAF contact of the child's borough,
each value every source gave, when, which one the index shows, and previous addresses.
Anyone else gets an audited 404."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires_child, visible_or_404
from webapp.audit.requests import audited
from webapp.children import provenance
from webapp.children.models import Child

bp = Blueprint("child_sources", __name__)


@bp.route("/children/<int:child_id>/sources")
@requires_child(Permission.CHILD_RECORD_MANAGE, refused_by_view=True)
def show(child_id: int):
    child = visible_or_404(Permission.CHILD_RECORD_MANAGE, db.session.get(Child, child_id))
    values = provenance.history(db.session, child.id)
    shown = provenance.shown(values, provenance.load_priorities(child.borough.code))
    shown_ids = {value.id for value in shown.values()}
    shown_address = provenance.address_text(shown["address"]) if "address" in shown else ""
    previous_addresses: list[str] = []
    for value in reversed(values):  # the latest first
        if value.field != "address" or value.superseded_at is None:
            continue
        text = provenance.address_text(value)
        if text not in (shown_address, "No address") and text not in previous_addresses:
            previous_addresses.append(text)
    audited("child.sources_viewed", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    return render_template(
        "children/sources.html",
        child=child,
        fields=provenance.FIELDS,
        values=values,
        shown_ids=shown_ids,
        address_text=provenance.address_text,
        previous_addresses=previous_addresses,
    )
