"""Shielded records (DESIGN §3): the borough CAF contact of the child's borough marks or
unmarks a child as shielded (for example a family fleeing violence), with a reason. While
shielded, the child index hides the address and contacts from everyone else
(webapp/children/index.py). Every change, view and refused attempt is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from sqlalchemy import Boolean, DateTime, ForeignKey, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires
from webapp.accounts.models import User
from webapp.accounts.sessions import client_address
from webapp.audit import services as audit
from webapp.children.index import may_see_shielded_details
from webapp.children.models import Child
from webapp.db import Base, utcnow
from webapp.govuk_fields import GovukRadioField

REASON_MAX = 2000

#: What a shielded record hides: where the family lives and how to reach them (DESIGN §3).
FAMILY_CONTACT_FIELDS = frozenset(
    {
        "address",
        "postcode",
        "contact_telephone",
        "parent_address",
        "parent_telephone",
        "adult_address",
        "adult_postcode",
        "adult_telephone",
        "cc_child_address",
    }
)
SHIELDED = "Withheld: this record is shielded"


def hides_contacts_from(viewer: object, child: Child | None) -> bool:
    """Whether a child's family address and contacts are withheld from `viewer`: on a
    shielded record, from everyone but the borough CAF contact of the child's borough.
    A viewer that is not a user (a document or export made for an agency) never sees them."""
    if child is None or not child.shielded:
        return False
    return not (isinstance(viewer, User) and may_see_shielded_details(viewer, child))


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {})


def withhold_contacts(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with the family's address and contacts withheld, inside groups too."""
    shown: dict[str, Any] = {}
    for key, value in answers.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(value):
            shown[key] = SHIELDED
        elif isinstance(value, list):
            shown[key] = [
                withhold_contacts(entry) if isinstance(entry, Mapping) else entry for entry in value
            ]
        else:
            shown[key] = value
    return shown


def without_contacts(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the address and contacts left out (inside groups too), for pages that
    carry answers back to the server for someone from whom they are withheld."""
    left: dict[str, Any] = {}
    for key, value in values.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(value):
            continue
        left[key] = (
            [without_contacts(entry) if isinstance(entry, Mapping) else entry for entry in value]
            if isinstance(value, list)
            else value
        )
    return left


def keep_contacts(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the stored address and contacts put back: someone from whom they are
    withheld never saw them, so what they sent must not replace them. In a repeating group
    each item keeps the stored item's at the same position."""
    kept = dict(values)
    for key, old in stored.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(old):
            kept[key] = old
        elif isinstance(old, list) and isinstance(kept.get(key), list):
            kept[key] = [
                keep_contacts(new, old[index])
                if index < len(old) and isinstance(new, Mapping) and isinstance(old[index], Mapping)
                else new
                for index, new in enumerate(kept[key])
            ]
    return kept


class ShieldingChange(Base):
    """One marking or unmarking of a child's record as shielded: who, when and why."""

    __tablename__ = "child_shielding_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    shielded: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    changed_by: Mapped[User] = relationship()


class ShieldingInvalid(ValueError):
    pass


def may_manage(user: User, child: Child) -> bool:
    """Only the borough CAF contact of the child's borough, with an in-date DBS check."""
    return may(user, Permission.CHILD_INDEX_SEARCH) and may_see_shielded_details(user, child)


def history(db_session: Session, child: Child) -> list[ShieldingChange]:
    return list(
        db_session.scalars(
            select(ShieldingChange)
            .where(ShieldingChange.child_id == child.id)
            .order_by(ShieldingChange.changed_at.desc(), ShieldingChange.id.desc())
        )
    )


def change(
    db_session: Session,
    child: Child,
    user: User,
    shielded: bool,
    reason: str,
    client_address: str = "",
) -> ShieldingChange:
    reason = (reason or "").strip()
    if shielded == bool(child.shielded):
        raise ShieldingInvalid(
            "This record is already shielded" if shielded else "This record is not shielded"
        )
    if not reason:
        raise ShieldingInvalid("Enter the reason")
    if len(reason) > REASON_MAX:
        raise ShieldingInvalid(f"The reason must be {REASON_MAX} characters or fewer")
    child.shielded = shielded
    record = ShieldingChange(
        child_id=child.id, shielded=shielded, reason=reason, changed_by_id=user.id
    )
    db_session.add(record)
    db_session.flush()
    audit.record(
        db_session,
        "child.shielded" if shielded else "child.unshielded",
        actor_id=user.id,
        object_type="child",
        object_id=child.id,
        child_id=child.id,
        client_address=client_address,
        reason=reason,
    )
    return record


class ShieldingForm(FlaskForm):
    shielded = GovukRadioField(
        "Should this record be shielded?",
        widget=GovRadioInput(),
        choices=[
            ("yes", "Yes, hide the address and contacts from everyone else"),
            ("no", "No, show the address and contacts to those who search the index"),
        ],
        validators=[InputRequired(message="Select whether this record should be shielded")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="For example, the family is fleeing violence. Say who asked, and when.",
        validators=[
            InputRequired(message="Enter the reason"),
            Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


bp = Blueprint("shielding", __name__)


def _child_or_404(child_id: int, attempted: str) -> Child:
    child = db.session.get(Child, child_id)
    if child is None or not may_manage(current_user, child):
        audit.record(
            db.session,
            "child.shielding_refused",
            actor_id=current_user.id,
            object_type="child",
            object_id=child_id,
            child_id=child.id if child else None,
            client_address=client_address(),
            attempted=attempted,
        )
        db.session.commit()
        abort(404)
    return child


@bp.route("/children/<int:child_id>/shielding", methods=["GET", "POST"])
@requires(Permission.HOME_VIEW)  # the check is _child_or_404's, so that refusals are audited
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
        audit.record(
            db.session,
            "child.shielding_refused",
            actor_id=current_user.id,
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            client_address=client_address(),
            attempted="change",
            fields=sorted(name for name, errors in form.errors.items() if errors),
        )
    else:
        audit.record(
            db.session,
            "child.shielding_viewed",
            actor_id=current_user.id,
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            client_address=client_address(),
        )
    db.session.commit()
    return render_template(
        "children/shielding.html", child=child, form=form, changes=history(db.session, child)
    )
