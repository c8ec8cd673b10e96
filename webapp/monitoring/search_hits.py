"""The children each child index search returned, kept beside its audit event."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.audit.models import AuditEvent
from webapp.monitoring.models import SearchHit


def record(db_session: Session, event: AuditEvent, child_ids: Iterable[int]) -> None:
    """One hit per child the search of `event` returned, in the search's transaction."""
    rows = [
        {"event_id": event.id, "child_id": child_id, "occurred_at": event.occurred_at}
        for child_id in dict.fromkeys(child_ids)
    ]
    if rows:
        db_session.execute(insert(SearchHit), rows)
