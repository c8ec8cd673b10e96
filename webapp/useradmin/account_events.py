"""An administrator's action on a user account, as the audit trail records it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit


def record(
    db_session: Session,
    action: str,
    account_id: int,
    admin: User,
    client_address: str,
    **detail: object,
) -> None:
    """`action` on the account `account_id`, by `admin` from `client_address`."""
    audit.record(
        db_session,
        action,
        actor_id=admin.id,
        object_type="user",
        object_id=account_id,
        client_address=client_address,
        **detail,
    )
