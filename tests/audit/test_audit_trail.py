"""The audit trail is append-only and any silent edit is detectable."""

from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from webapp import db
from webapp.audit import services as audit
from webapp.audit.models import NATIONAL_CHAIN, AuditChainHead, AuditEvent
from webapp.audit.verification import verify_chain as verify_with


def verify_chain(db_session):
    verification = verify_with(
        db_session, audit.audit_key(), Path(current_app.config["AUDIT_ANCHOR_PATH"])
    )
    return verification.problems


@pytest.fixture
def events(app):
    recorded = [
        audit.record(db.session, "test.event", object_type="thing", object_id=n, n=n)
        for n in range(3)
    ]
    db.session.commit()
    return recorded


def test_events_chain_each_hash_to_the_one_before(events):
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert verify_chain(db.session) == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'edited'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_change_or_remove_events(events, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert verify_chain(db.session) == []


def _without_triggers(statement: str) -> None:
    """What someone with direct database access could do: bypass the triggers."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
        db.session.execute(text(statement))
    else:
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        db.session.execute(text(statement))
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    db.session.commit()


def test_an_edit_made_behind_the_triggers_is_detected(events):
    _without_triggers(f"UPDATE audit_event SET detail = '{{}}' WHERE id = {events[1].id}")
    problems = verify_chain(db.session)
    assert [(p.event_id, p.problem) for p in problems] == [
        (events[1].id, "this event's content has been changed")
    ]


def test_a_removed_event_is_detected(events):
    _without_triggers(f"DELETE FROM audit_event WHERE id = {events[1].id}")
    problems = verify_chain(db.session)
    assert [p.event_id for p in problems] == [events[2].id]


def test_removing_the_newest_events_is_detected(events):
    _without_triggers(f"DELETE FROM audit_event WHERE id = {events[2].id}")
    problems = verify_chain(db.session)
    assert [p.problem for p in problems] == ["events after this one have been removed"]


def test_the_verify_command_reports_tampering_with_a_failing_exit(app, events):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["caf", "audit", "verify"]).exit_code == 0
    _without_triggers(f"UPDATE audit_event SET action = 'x' WHERE id = {events[0].id}")
    result = runner.invoke(args=["caf", "audit", "verify"])
    assert result.exit_code == 1
    assert f"event {events[0].id} (" in result.output
    assert "x): this event's content has been changed" in result.output


def test_the_chain_head_follows_the_newest_event(events):
    assert {event.chain for event in events} == {NATIONAL_CHAIN}  # no one acting
    head = db.session.get(AuditChainHead, NATIONAL_CHAIN, populate_existing=True)
    assert (head.last_event_id, head.last_hash) == (events[2].id, events[2].hash)
    stored = db.session.get(AuditEvent, events[2].id)
    assert (stored.previous_hash, stored.hash) == (events[1].hash, events[2].hash)
