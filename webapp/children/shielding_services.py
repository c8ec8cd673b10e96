"""Marking or unmarking a child's record as shielded, with a reason, audited; and the
record's shielding history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.children.models import Child
from webapp.children.shielding_models import ShieldingChange

REASON_MAX = 2000


class ShieldingInvalid(ValueError):
    pass


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
