"""Marking or unmarking a child's record as shielded, with a reason, audited; and the
record's shielding history."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.children.models import Child
from webapp.children.shielding_models import ShieldingChange
from webapp.db import newest_first

REASON_MAX = 2000


class ShieldingInvalid(ValueError):
    pass


def history(db_session: Session, child: Child) -> list[ShieldingChange]:
    return newest_first(
        db_session, ShieldingChange.changed_at, ShieldingChange.child_id == child.id
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
    audit.record_about(
        db_session,
        "child.shielded" if shielded else "child.unshielded",
        child,
        user,
        client_address,
        child_id=child.id,
        reason=reason,
    )
    return record
