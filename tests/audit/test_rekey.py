"""Events written before the audit key (plain SHA-256) are rehashed once with the key by
`caf audit rekey`, which anchors the result at once; after that, an unkeyed event is a
forgery that no command will accept."""

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.audit.attacker import edit_detail, rehash_from, unkeyed_sha256
from tests.audit.conftest import all_events, search_the_child_index
from webapp import db
from webapp.audit.anchors import ANCHORED
from webapp.audit.models import AuditEvent
from webapp.audit.rekey import REKEYED


@pytest.fixture
def trail_before_the_key(trail) -> list[AuditEvent]:
    """The same events as the application hashed them before it had an audit key."""
    rehash_from(trail[0].id, unkeyed_sha256)
    return all_events()


def test_an_upgraded_trail_fails_verification_and_says_to_rekey(trail_before_the_key, audit_cli):
    first = trail_before_the_key[0]

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert (
        f"First event that fails: event {first.id} "
        f"({first.occurred_at:%Y-%m-%d %H:%M:%S} UTC, {first.action}): this event was written "
        "before the audit key was introduced: run `flask --app webapp caf audit rekey` once"
    ) in result.output


def test_rekey_rehashes_every_event_with_the_key_audits_it_and_anchors_it(
    app, client, trail_before_the_key, audit_cli
):
    search_the_child_index(client)  # the application went on after the upgrade, keyed
    before = [(event.id, event.detail, event.hash) for event in all_events()]
    written_before_the_key = len(trail_before_the_key)

    result = audit_cli("rekey")

    assert result.exit_code == 0, result.output
    after = all_events()
    rekeyed, anchored = after[-2:]
    assert f"{len(before)} audit events rehashed with the audit key " in result.output
    assert f"({written_before_the_key} written before it)" in result.output
    assert rekeyed.action == REKEYED
    assert f'"previous_head_hash": "{before[-1][2]}"' in rekeyed.detail
    assert anchored.action == ANCHORED
    assert [(event.id, event.detail) for event in after[: len(before)]] == [
        (event_id, detail) for event_id, detail, _hash in before
    ]
    assert not {event.hash for event in after} & {old_hash for _id, _detail, old_hash in before}
    assert Path(app.config["AUDIT_ANCHOR_PATH"]).read_text().count("\n") == 1
    verified = audit_cli("verify")
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output


def test_rekey_runs_once_only(app, trail_before_the_key, audit_cli):
    assert audit_cli("rekey").exit_code == 0

    again = audit_cli("rekey")

    assert again.exit_code == 1
    assert "Not rekeyed: the audit trail has been anchored" in again.output


def test_a_trail_rewritten_without_the_key_after_anchoring_is_never_rekeyed(app, trail, audit_cli):
    audit_cli("anchor")
    edit_detail(trail[0].id, "{}")
    rehash_from(trail[0].id, unkeyed_sha256)  # looks like a trail from before the key

    verified = audit_cli("verify")
    rekeyed = audit_cli("rekey")

    assert verified.exit_code == 1
    assert "this event's content has been changed" in verified.output
    assert "before the audit key" not in verified.output
    assert rekeyed.exit_code == 1
    assert "Not rekeyed" in rekeyed.output


def test_an_unkeyed_rewrite_after_keyed_events_is_not_rekeyed_even_before_any_anchor(
    app, trail, audit_cli
):
    target = trail[2]
    edit_detail(target.id, "{}")
    rehash_from(target.id, unkeyed_sha256)

    result = audit_cli("rekey")

    assert result.exit_code == 1
    assert f"Not rekeyed: event {target.id} (" in result.output
    assert "its content has been changed" in result.output
    assert "before the audit key" not in audit_cli("verify").output


def test_an_edit_the_old_hash_already_showed_is_not_rekeyed(app, trail_before_the_key, audit_cli):
    target = trail_before_the_key[1]
    edit_detail(target.id, "{}")

    result = audit_cli("rekey")

    assert result.exit_code == 1
    assert f"Not rekeyed: event {target.id} (" in result.output
    stored = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id)).all()
    assert stored == [event.hash for event in trail_before_the_key]  # nothing rewritten


def test_rekey_on_a_keyed_trail_changes_nothing(app, trail, audit_cli):
    result = audit_cli("rekey")

    assert result.exit_code == 0
    assert "nothing to rekey" in result.output
    assert [event.hash for event in all_events()] == [event.hash for event in trail]


def test_the_append_only_triggers_still_refuse_changes_after_a_rekey(
    app, trail_before_the_key, audit_cli
):
    assert audit_cli("rekey").exit_code == 0
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET action = 'edited'"))
    db.session.rollback()
