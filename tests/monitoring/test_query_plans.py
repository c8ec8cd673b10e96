"""Every read of the access monitoring reaches the audit trail through an index, never a
scan of the audit tables: a child's access history (filtered or not, and its export), a
person's, each alert rule, and the quarterly access review. The plans are asked of the
database the tests run on (SQLite, or PostgreSQL with CAF_TEST_DATABASE_URL), for the very
statements the pages and the rules run."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import event

from tests.factories import make_child
from tests.monitoring.world import search_for
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.monitoring import access_reviews, alerts

AUDIT_TABLES = ("audit_event", "audit_search_hit")


@pytest.fixture
def statements(app):
    """The SELECTs on the audit tables run inside the block, with their parameters."""
    seen: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _executemany):
        text = statement.lstrip()
        if (
            text.upper().startswith(("SELECT", "WITH"))
            and any(table in text for table in AUDIT_TABLES)
            and "FOR UPDATE" not in text
        ):
            seen.append((statement, parameters))

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", remember)
    yield seen
    event.remove(engine, "before_cursor_execute", remember)


def scans(statement: str, parameters) -> list[str]:
    """The lines of the statement's plan that read an audit table whole."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plan = [
            row[3]
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
        return [line for line in plan if line.startswith(tuple(f"SCAN {t}" for t in AUDIT_TABLES))]
    # On small tables PostgreSQL rightly prefers a sequential scan; with it discouraged, a
    # plan still scanning a table means no index can answer the query.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    return [line for line in plan if any(f"Seq Scan on {t}" in line for t in AUDIT_TABLES)]


def assert_no_scans(statements: list[tuple[str, object]]) -> None:
    assert statements, "nothing read the audit trail"
    for statement, parameters in statements:
        assert scans(statement, parameters) == [], statement
    db.session.rollback()


@pytest.fixture
def traffic(signed_in, world):
    """A little of everything the histories show."""
    nurse = signed_in(world.nurse)
    search_for(nurse, world.child, reason="other", details="Checking on a sibling")
    assessor = signed_in(world.assessor)
    search_for(assessor, world.child)
    assessor.get(f"/episodes/{world.episode.id}")
    assessor.get(f"/episodes/{world.episode.id}/documents")
    return nurse


CHILD_FILTERS = [
    {},
    {"kind": "search"},
    {"kind": "page"},
    {"since-day": "1", "since-month": "1", "since-year": "2026"},
]


@pytest.mark.parametrize("filters", CHILD_FILTERS, ids=lambda f: ",".join(f) or "unfiltered")
def test_a_childs_access_history_reads_through_indexes(
    signed_in, statements, traffic, world, filters
):
    contact = signed_in(world.caf_contact)
    statements.clear()
    path = f"/children/{world.child.id}/access-history"
    assert contact.get(path, query_string=filters).status_code == 200
    assert (
        contact.get(path, query_string={**filters, "person": str(world.nurse.id)}).status_code
        == 200
    )
    assert contact.get(path + ".csv", query_string=filters).status_code == 200
    assert_no_scans(statements)


@pytest.mark.parametrize("filters", [{}, {"kind": "search"}, {"kind": "document"}])
def test_a_persons_access_history_reads_through_indexes(
    signed_in, statements, traffic, world, filters
):
    manager = signed_in(world.health_manager)
    statements.clear()
    response = manager.get(f"/people/{world.nurse.id}/access-history", query_string=filters)
    assert response.status_code == 200
    assert_no_scans(statements)


def test_every_alert_rule_reads_through_indexes(statements, traffic, world):
    """One search that matches every rule's pattern, and one document, each rule in its
    longest window."""
    far_away = make_child(
        world.other_practitioner.borough, family_name="Brightwater", shielded=True
    )
    world.nurse.full_name = "Nell Brightwater"
    db.session.commit()
    search = AuditEvent(
        id=0,
        occurred_at=datetime(2026, 12, 3, 23, 30),
        actor_id=world.nurse.id,
        action="child_index.searched",
        detail=json.dumps({"reason": "Another reason: checking"}),
    )
    document = AuditEvent(
        id=0, occurred_at=search.occurred_at, actor_id=world.nurse.id, action="document.generated"
    )
    longest = alerts.Setting(alerts.MAX_THRESHOLD, alerts.MAX_WINDOW_HOURS)
    for key, rule in alerts.RULES.items():
        found = document if key == "bulk_downloads" else search
        statements.clear()
        rule.count(alerts.Access(db.session, world.nurse, found, [far_away]), longest)
        # A rule whose pattern the access does not match reads nothing: these all match.
        assert_no_scans(statements)


def test_the_quarterly_access_review_reads_through_indexes(
    monkeypatch, signed_in, statements, traffic, world
):
    monkeypatch.setattr(access_reviews, "today", lambda: datetime(2027, 2, 1).date())
    manager = signed_in(world.health_manager)
    statements.clear()
    assert manager.get(f"/access-reviews/teams/{world.nurse.team_id}/2026-q4").status_code == 200
    assert_no_scans(statements)
