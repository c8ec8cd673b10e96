"""The chain is keyed: someone who can write to the database, but has not got the audit key,
cannot edit an event and recompute the chain so that `caf audit verify` passes."""

import hashlib
import hmac
import json

from sqlalchemy import event as sqlalchemy_event

from tests.audit.attacker import edit_detail, hmac_with, rehash_from, unkeyed_sha256
from tests.audit.conftest import all_events
from tests.conftest import sign_in
from webapp import db
from webapp.audit import services as audit
from webapp.audit.models import AuditChainHead


def test_an_edit_recomputed_with_plain_sha256_through_the_chain_head_fails_verification(
    app, trail, audit_cli
):
    searched = [event for event in trail if event.action == "child_index.searched"]
    target = searched[1]
    edit_detail(target.id, json.dumps({"reason": "other", "reference": "RIV0000002"}))
    rehash_from(target.id, unkeyed_sha256)
    head = db.session.get(AuditChainHead, target.chain, populate_existing=True)
    assert head.last_event_id == trail[-1].id  # the head moved on with the forged chain

    result = audit_cli("verify")

    assert result.exit_code == 1
    first_failing = (
        f"First event that fails: event {target.id} "
        f"({target.occurred_at:%Y-%m-%d %H:%M:%S} UTC, child_index.searched): "
        "this event's content has been changed"
    )
    assert first_failing in result.output
    assert "intact" not in result.output


def test_an_edit_recomputed_with_an_hmac_under_another_key_fails_verification(
    app, trail, audit_cli
):
    target = trail[2]
    edit_detail(target.id, "{}")
    rehash_from(target.id, hmac_with(b"a guess at the key, not the one the application holds"))

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"First event that fails: event {target.id} (" in result.output
    assert f"{target.action}): this event's content has been changed" in result.output


def test_the_same_recomputation_with_the_application_key_is_what_verify_accepts(
    app, trail, audit_cli
):
    """The control: the forgery fails for want of the key, not for the way it is made."""
    target = trail[2]
    edit_detail(target.id, "{}")
    rehash_from(target.id, hmac_with(app.config["AUDIT_KEY"].encode()))

    assert audit_cli("verify").exit_code == 0


def test_each_event_hash_is_an_hmac_of_the_event_and_the_hash_before_it(app, trail):
    key = app.config["AUDIT_KEY"].encode()
    for before, event in zip(trail, trail[1:], strict=False):
        assert event.previous_hash == before.hash
        assert event.hash == hmac_with(key)(event.previous_hash, event)
        assert event.hash != unkeyed_sha256(event.previous_hash, event)


def test_the_audit_key_is_not_the_session_secret_key(app, trail):
    assert app.config["AUDIT_KEY"] != app.config["SECRET_KEY"]
    with_secret = hmac.new(app.config["SECRET_KEY"].encode(), b"", hashlib.sha256).hexdigest()
    assert (
        with_secret != hmac.new(app.config["AUDIT_KEY"].encode(), b"", hashlib.sha256).hexdigest()
    )


def test_an_append_is_still_two_statements(app, client, practitioner):
    """The child index search's statement budget counts on it (lock the head, insert)."""
    sign_in(client, practitioner)  # the head of the practitioner's borough's chain exists
    actor_id = practitioner.id
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    engine = db.engine_for(app)
    db.session.commit()
    db.session.connection()  # the transaction begins outside the count
    sqlalchemy_event.listen(engine, "before_cursor_execute", remember)
    try:
        audit.record(
            db.session,
            "test.appended",
            actor_id=actor_id,
            object_type="thing",
            object_id=1,
        )
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", remember)
    db.session.commit()

    assert len(statements) == 2
    assert all_events()[-1].action == "test.appended"
