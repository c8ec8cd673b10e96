"""What the monitoring keeps of each child index search, in the search's own transaction:
the children it returned (`SearchHit`, for the children's access histories), and the
alerts it sets off (webapp/monitoring/alerts.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.children.models import Child
from webapp.monitoring import alerts
from webapp.monitoring.models import SearchHit


def record(db_session: Session, user: User, event: AuditEvent, children: Sequence[Child]) -> None:
    rows = [
        {"event_id": event.id, "child_id": child_id, "occurred_at": event.occurred_at}
        for child_id in dict.fromkeys(child.id for child in children)
    ]
    if rows:
        db_session.execute(insert(SearchHit), rows)
    alerts.check(db_session, user, event, children)
