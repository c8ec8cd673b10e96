"""One chain per borough, so that boroughs do not queue on one another to append, and a
national chain for events of no borough: `caf audit verify` checks them all together, and
deleting, altering or reordering an event in any chain shows."""

import json
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.audit.attacker import behind_the_triggers, edit_detail, move_head, remove_events_from
from tests.audit.conftest import all_events
from tests.conftest import POSTGRES_URL, sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.audit import services as audit
from webapp.audit.anchors import ANCHORED
from webapp.audit.models import NATIONAL_CHAIN, AuditChainHead, AuditEvent
from webapp.audit.services import GENESIS_HASH, audit_key, digest
from webapp.migrations import runner


@pytest.fixture
def boroughs(app):
    """Riverside's and Hillford's practitioners, each with a child on the index."""
    users = []
    for code, prefix in (("riverside", "RIV"), ("hillford", "HIL")):
        borough = make_borough(code)
        make_child(
            borough,
            given_names="Sam",
            family_name="Okafor",
            date_of_birth=date(2015, 5, 1),
            unique_reference=f"{prefix}0000001",
        )
        users.append(make_user(make_organisation(borough)))
    db.session.commit()
    return users


def search(client, reference: str) -> None:
    response = client.post_form("/child-index", {"reason": "existing_caf", "reference": reference})
    assert response.status_code == 200


@pytest.fixture
def trail(app, boroughs) -> list[AuditEvent]:
    """Both practitioners sign in and search, in turns, and someone fails to sign in with an
    address no account has."""
    riverside, hillford = (app.test_client(), app.test_client())
    sign_in(riverside, boroughs[0])
    sign_in(hillford, boroughs[1])
    for _ in range(3):
        search(riverside, "RIV0000001")
        search(hillford, "HIL0000001")
    failed = app.test_client().post_form(
        "/sign-in", {"email": "nobody@example.org", "password": "not a password"}
    )
    assert failed.status_code == 200
    return all_events()


def chain_of(events: list[AuditEvent], chain: int) -> list[AuditEvent]:
    return [event for event in events if event.chain == chain]


def test_each_borough_appends_to_its_own_chain_and_events_of_no_borough_to_the_national(
    boroughs, trail
):
    riverside, hillford = (user.borough_id for user in boroughs)
    by_chain = {chain: chain_of(trail, chain) for chain in (riverside, hillford)}
    for chain, events in by_chain.items():
        assert {event.actor_id for event in events if event.actor_id} == {
            user.id for user in boroughs if user.borough_id == chain
        }
        # What the system does on a user's action (an alert on a search) joins the chain
        # the user's transaction appends to, instead of locking a second head.
        assert {event.action for event in events if event.actor_id is None} <= {
            "monitoring.alert_raised"
        }
        assert events[0].previous_hash == GENESIS_HASH
        for before, event in zip(events, events[1:], strict=False):
            assert event.previous_hash == before.hash
        head = db.session.get(AuditChainHead, chain, populate_existing=True)
        assert (head.last_event_id, head.last_hash) == (events[-1].id, events[-1].hash)
    national = chain_of(trail, NATIONAL_CHAIN)
    assert [event.action for event in national] == ["auth.sign_in.failed"]
    assert national[0].actor_id is None
    # The two boroughs' events interleave in time, yet each chain holds together.
    assert {event.chain for event in trail[-4:-1]} == {riverside, hillford}


def test_the_chains_verify_together(trail, audit_cli):
    result = audit_cli("verify")

    assert result.exit_code == 0, result.output
    assert f"The audit trail is intact: {len(trail)} events, 0 anchors checked." in result.output


@pytest.mark.parametrize("which", ["riverside", "hillford", "national"])
def test_an_event_altered_in_any_chain_is_detected(boroughs, trail, audit_cli, which):
    chain = {"riverside": boroughs[0].borough_id, "hillford": boroughs[1].borough_id}.get(
        which, NATIONAL_CHAIN
    )
    target = chain_of(trail, chain)[0]
    edit_detail(target.id, json.dumps({"reference": "RIV0000002"}))

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"First event that fails: event {target.id} (" in result.output
    assert "this event's content has been changed" in result.output


@pytest.mark.parametrize("borough", [0, 1])
def test_an_event_deleted_from_the_middle_of_a_chain_is_detected(
    boroughs, trail, audit_cli, borough
):
    events = chain_of(trail, boroughs[borough].borough_id)
    behind_the_triggers(("DELETE FROM audit_event WHERE id = :id", {"id": events[2].id}))

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert (
        f"First event that fails: event {events[3].id} ({events[3].occurred_at:%Y-%m-%d %H:%M:%S}"
        f" UTC, {events[3].action}): the event before this one is missing or changed"
    ) in result.output


@pytest.mark.parametrize("borough", [0, 1])
def test_the_newest_events_of_a_chain_deleted_with_its_head_moved_back_are_detected_by_an_anchor(
    app, boroughs, trail, audit_cli, borough
):
    """The anchor's line names the national chain's `audit.anchored` event; that event names
    every borough's head, so rolling a borough's chain back shows."""
    assert audit_cli("anchor").exit_code == 0
    anchored = all_events()[-1]
    assert anchored.action == ANCHORED and anchored.chain == NATIONAL_CHAIN
    chain = boroughs[borough].borough_id
    events = chain_of(all_events(), chain)
    behind_the_triggers(
        ("DELETE FROM audit_event WHERE id = :id", {"id": events[-1].id}),
        move_head(chain, events[-2].id, events[-2].hash),
    )

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert (
        f"event {events[-1].id}: this event is missing, though the anchor taken by event "
        f"{anchored.id} names it as the head of its chain: events have been removed"
    ) in result.output


def test_the_newest_events_of_every_chain_removed_are_detected_by_their_heads(
    boroughs, trail, audit_cli
):
    remove_events_from(trail[-5].id)  # moves each chain's head back, as an attacker would
    behind_the_triggers(
        (
            "UPDATE audit_chain_head SET last_event_id = :id, last_hash = :hash WHERE id = :c",
            {"id": trail[-1].id, "hash": trail[-1].hash, "c": NATIONAL_CHAIN},
        )
    )

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert "events after this one have been removed" in result.output


def test_two_events_of_a_chain_swapped_are_detected(boroughs, trail, audit_cli):
    """Reordering: the rows of two events of one chain exchange their places (ids)."""
    events = chain_of(trail, boroughs[0].borough_id)
    first, second = events[1], events[2]
    behind_the_triggers(
        ("UPDATE audit_event SET id = -1 WHERE id = :id", {"id": first.id}),
        ("UPDATE audit_event SET id = :to WHERE id = :id", {"to": first.id, "id": second.id}),
        ("UPDATE audit_event SET id = :to WHERE id = -1", {"to": second.id}),
    )

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"First event that fails: event {first.id} (" in result.output
    assert "the event before this one is missing or changed" in result.output


def test_an_event_moved_into_another_boroughs_chain_is_detected(boroughs, trail, audit_cli):
    moved = chain_of(trail, boroughs[0].borough_id)[2]
    behind_the_triggers(
        (
            "UPDATE audit_event SET chain = :chain WHERE id = :id",
            {"chain": boroughs[1].borough_id, "id": moved.id},
        )
    )

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"event {moved.id} (" in result.output
    assert "the event before this one is missing or changed" in result.output


def test_an_anchor_after_more_appends_in_every_chain_verifies(app, boroughs, trail, audit_cli):
    assert audit_cli("anchor").exit_code == 0
    client = app.test_client()
    sign_in(client, boroughs[1])
    search(client, "HIL0000001")
    assert audit_cli("anchor").exit_code == 0
    anchored = all_events()[-1]
    heads = json.loads(anchored.detail)["heads"]
    assert [chain for chain, _id, _hash in heads] == sorted(u.borough_id for u in boroughs)

    result = audit_cli("verify")

    assert result.exit_code == 0, result.output
    assert "2 anchors checked" in result.output


# The migration that split the one chain ------------------------------------------------


def _write_the_one_chain(app: Flask, actions: list[str]) -> list[int]:
    """Events as the trail held them before chains: one chain, head row 1 (moved on by the
    trigger of migration 0013)."""
    key = audit_key()
    db.session.execute(
        text("INSERT INTO audit_chain_head (id, last_hash, last_event_id) VALUES (1, :h, 0)"),
        {"h": GENESIS_HASH},
    )
    previous = GENESIS_HASH
    ids = []
    for number, action in enumerate(actions):
        event = AuditEvent(
            occurred_at=db.utcnow(),
            actor_id=None,
            action=action,
            object_type="thing",
            object_id=str(number),
            episode_id=None,
            child_id=None,
            client_address="192.0.2.7",
            detail="{}",
        )
        event_hash = digest(key, previous, event)
        ids.append(
            db.session.execute(
                text(
                    "INSERT INTO audit_event (occurred_at, actor_id, action, object_type, "
                    "object_id, episode_id, child_id, client_address, detail, previous_hash, "
                    "hash) VALUES (:occurred_at, NULL, :action, 'thing', :object_id, NULL, "
                    "NULL, '192.0.2.7', '{}', :previous, :hash) RETURNING id"
                ),
                {
                    "occurred_at": event.occurred_at,
                    "action": action,
                    "object_id": str(number),
                    "previous": previous,
                    "hash": event_hash,
                },
            ).scalar_one()
        )
        previous = event_hash
    db.session.commit()
    return ids


def test_the_one_chain_carries_on_as_the_national_chain_after_the_migration(
    app, boroughs, audit_cli
):
    engine = db.engine_for(app)
    db.session.commit()
    db.session.close()
    runner.downgrade(engine, "0026i")
    legacy = _write_the_one_chain(app, ["legacy.one", "legacy.two", "legacy.three"])
    db.session.close()
    runner.upgrade(engine)

    events = all_events()
    assert [event.id for event in events] == legacy
    assert {event.chain for event in events} == {NATIONAL_CHAIN}
    assert audit_cli("verify").exit_code == 0
    head = db.session.get(AuditChainHead, NATIONAL_CHAIN, populate_existing=True)
    assert head.last_event_id == legacy[-1]

    client = app.test_client()
    sign_in(client, boroughs[0])  # a borough's first event starts its chain
    search(client, "RIV0000001")
    app.test_client().post_form("/sign-in", {"email": "nobody@example.org", "password": "x"})
    after = all_events()
    assert {event.chain for event in after[3:-1]} == {boroughs[0].borough_id}
    assert after[-1].chain == NATIONAL_CHAIN
    assert after[-1].previous_hash == events[-1].hash  # the national chain goes on
    assert audit_cli("anchor").exit_code == 0
    assert audit_cli("verify").exit_code == 0

    edit_detail(legacy[1], '{"edited": true}')
    result = audit_cli("verify")
    assert result.exit_code == 1
    assert f"First event that fails: event {legacy[1]} (" in result.output


def test_the_migration_does_not_go_down_once_a_borough_has_a_chain(app, boroughs, trail):
    db.session.close()
    with pytest.raises(RuntimeError, match="cannot be put back into one chain"):
        runner.downgrade(db.engine_for(app), "0026i")


# Boroughs do not wait for one another --------------------------------------------------


@pytest.mark.skipif(not POSTGRES_URL, reason="row locks: SQLite has one write lock")
def test_a_borough_appends_while_another_boroughs_append_is_in_flight(
    app, boroughs, trail, audit_cli
):
    """The point of a chain per borough: an append holds its own borough's head only."""
    riverside, hillford = (user.id for user in boroughs)
    engine = db.engine_for(app)
    db.session.commit()
    with Session(engine) as holding, Session(engine) as other, Session(engine) as same:
        audit.record(holding, "test.in_flight", actor_id=riverside)  # not yet committed
        for waiting in (other, same):
            waiting.execute(text("SET LOCAL lock_timeout = '1s'"))

        audit.record(other, "test.other_borough", actor_id=hillford)
        other.commit()
        with pytest.raises(OperationalError, match="lock"):
            audit.record(same, "test.same_borough", actor_id=riverside)
        same.rollback()
        holding.commit()

    assert sorted(event.action for event in all_events()[-2:]) == [
        "test.in_flight",
        "test.other_borough",
    ]
    assert audit_cli("verify").exit_code == 0
