"""Anchors: the chain head written with an HMAC to an append-only file outside the database,
so that removing the newest events, or editing the anchors, shows."""

import os
import stat
from pathlib import Path

from tests.audit.attacker import edit_detail, rehash_from, remove_events_from, unkeyed_sha256
from tests.audit.conftest import all_events, search_the_child_index
from webapp.audit.anchors import ANCHORED, Anchor


def anchors_file(app) -> Path:
    return Path(app.config["AUDIT_ANCHOR_PATH"])


def test_an_intact_chain_with_anchors_verifies_with_a_zero_exit(app, client, trail, audit_cli):
    assert audit_cli("anchor").exit_code == 0
    search_the_child_index(client, times=2)
    assert audit_cli("anchor").exit_code == 0

    result = audit_cli("verify")

    assert result.exit_code == 0, result.output
    events = len(all_events())
    assert f"The audit trail is intact: {events} events, 2 anchors checked." in result.output


def test_an_anchor_is_one_appended_line_naming_the_chain_head_by_default_in_the_instance(
    app, client, trail, audit_cli
):
    path = anchors_file(app)
    assert path == Path(app.instance_path) / "audit-anchors.log"
    first = audit_cli("anchor")
    first_line = path.read_text()
    search_the_child_index(client)
    second = audit_cli("anchor")

    lines = path.read_text().splitlines()
    assert len(lines) == 2
    assert path.read_text().startswith(first_line)  # appended, never rewritten
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    head = all_events()[-1]
    assert head.action == ANCHORED  # taking an anchor is itself audited
    assert f" event={head.id} hash={head.hash} mac=" in lines[1]
    assert f"Anchored event {head.id} in {path}." in second.output
    assert first.exit_code == second.exit_code == 0


def test_the_anchors_file_can_be_put_elsewhere(app, trail, audit_cli, tmp_path):
    elsewhere = tmp_path / "write-once" / "anchors.log"
    app.config["AUDIT_ANCHOR_PATH"] = str(elsewhere)

    assert audit_cli("anchor").exit_code == 0
    assert len(elsewhere.read_text().splitlines()) == 1
    assert audit_cli("verify").exit_code == 0


def test_removing_the_newest_events_and_moving_the_head_back_fails_against_an_earlier_anchor(
    app, client, trail, audit_cli
):
    search_the_child_index(client)
    audit_cli("anchor")
    anchored = all_events()[-1]
    search_the_child_index(client, times=2)
    first_removed = next(event for event in all_events() if event.id > trail[-1].id)
    remove_events_from(first_removed.id)
    assert all_events()[-1].id < anchored.id

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert (
        f"First event that fails: event {anchored.id}: this event is missing, though the "
        "anchor taken at " in result.output
    )
    assert "names it: events have been removed" in result.output


def test_an_event_rewritten_after_it_was_anchored_fails_against_the_anchor(app, trail, audit_cli):
    audit_cli("anchor")
    anchored = all_events()[-1]
    edit_detail(anchored.id, '{"path": "/dev/null"}')
    rehash_from(anchored.id, unkeyed_sha256)

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert "its hash is not the one in the anchor taken at " in result.output
    assert f"First event that fails: event {anchored.id} (" in result.output


def test_editing_an_anchor_line_fails_verification(app, client, trail, audit_cli):
    audit_cli("anchor")
    search_the_child_index(client)
    audit_cli("anchor")
    path = anchors_file(app)
    lines = path.read_text().splitlines()
    # Point the first anchor at an older event, keeping the line's MAC.
    older = trail[0]
    time, _event, _hash, mac = lines[0].split(" ")
    lines[0] = f"{time} event={older.id} hash={older.hash} {mac}"
    path.write_text("\n".join(lines) + "\n")

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"line 1 of {path} has been changed (or was written with another key)" in result.output
    # The anchor it replaced is recorded in the trail, so its absence shows too.
    assert "the anchor taken by this event is not in" in result.output


def test_anchor_lines_out_of_order_fail_verification(app, client, trail, audit_cli):
    audit_cli("anchor")
    search_the_child_index(client)
    audit_cli("anchor")
    path = anchors_file(app)
    first, second = path.read_text().splitlines()
    path.write_text(f"{second}\n{first}\n")

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert f"line 2 of {path} names an earlier event than the line before it" in result.output
    assert f"line 2 of {path} is dated before the line before it" in result.output


def test_a_missing_anchors_file_fails_once_the_trail_records_anchors_taken(app, trail, audit_cli):
    audit_cli("anchor")
    anchored = all_events()[-1]
    anchors_file(app).unlink()

    result = audit_cli("verify")

    assert result.exit_code == 1
    assert (
        f"First event that fails: event {anchored.id} "
        f"({anchored.occurred_at:%Y-%m-%d %H:%M:%S} UTC, audit.anchored): an anchor was taken "
        f"by this event, but {anchors_file(app)} does not exist"
    ) in result.output


def test_a_trail_never_anchored_verifies_and_says_that_anchors_are_missing(app, trail, audit_cli):
    result = audit_cli("verify")

    assert result.exit_code == 0
    assert f"No anchors yet in {anchors_file(app)}" in result.output


def test_an_anchors_file_that_cannot_be_opened_records_nothing(app, trail, audit_cli, tmp_path):
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path)  # a folder, not a file

    result = audit_cli("anchor")

    assert result.exit_code == 1
    assert "Could not write the anchors file" in result.output
    assert all_events()[-1].action != ANCHORED


def test_an_anchor_line_that_could_not_be_written_shows_until_the_next_anchor_writes_it(
    app, trail, audit_cli, monkeypatch
):
    audit_cli("anchor")

    def disk_full(_anchor, _key):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(Anchor, "line", disk_full)
        failed = audit_cli("anchor")
    unwritten = all_events()[-1]

    assert failed.exit_code == 1
    assert "Could not write the anchors file: [Errno 28] No space left on device" in failed.output
    assert unwritten.action == ANCHORED  # recorded: the line comes after the commit
    verified = audit_cli("verify")
    assert verified.exit_code == 1
    assert f"First event that fails: event {unwritten.id} (" in verified.output
    assert "the anchor taken by this event is not in" in verified.output

    assert audit_cli("anchor").exit_code == 0
    lines = anchors_file(app).read_text().splitlines()
    assert [line.split(" ")[1] for line in lines[1:]] == [
        f"event={unwritten.id}",
        f"event={all_events()[-1].id}",
    ]
    assert audit_cli("verify").exit_code == 0


def test_anchoring_is_refused_when_the_anchors_file_has_been_lost(app, trail, audit_cli):
    audit_cli("anchor")
    anchored = all_events()[-1]
    anchors_file(app).unlink()

    result = audit_cli("anchor")

    assert result.exit_code == 1
    assert (
        f"Not anchored: the audit trail records anchors (the newest at event {anchored.id}) "
        f"but {anchors_file(app)} holds none" in result.output
    )
    assert all_events()[-1].id == anchored.id
