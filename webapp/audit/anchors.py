"""Anchors: the chain heads written, with an HMAC, to an append-only file outside the database.

The keyed chain stops anyone without the key from editing an event; it cannot stop someone
who can write to the database from deleting the newest events and moving the chain head
back, since what remains is still a valid chain. An anchor records that event N had hash H
at time T, somewhere the database cannot reach, so `caf audit verify` can tell. Each anchor
is also an `audit.anchored` event in the trail, so a lost or rolled-back anchors file shows
too.

The trail is one chain per borough and a national one: each line names an `audit.anchored`
event of the national chain, and that event's detail names every other chain's head as it
stood, so the line anchors every chain."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit.models import NATIONAL_CHAIN, AuditEvent
from webapp.audit.services import chain_heads, record
from webapp.db import utcnow

ANCHORED = "audit.anchored"
_LINE = re.compile(r"(\S+) event=(\d+) hash=([0-9a-f]{64}) mac=([0-9a-f]{64})")
# Keeps an anchor's MAC from ever being mistaken for an event's hash, made with the same key.
_MAC_CONTEXT = b"ecaf audit anchor\n"


@dataclass(frozen=True)
class Anchor:
    anchored_at: datetime
    event_id: int
    event_hash: str
    line_number: int = 0

    def statement(self) -> str:
        return (
            f"{self.anchored_at.isoformat(timespec='microseconds')}Z "
            f"event={self.event_id} hash={self.event_hash}"
        )

    def mac(self, key: bytes) -> str:
        return hmac.new(key, _MAC_CONTEXT + self.statement().encode(), hashlib.sha256).hexdigest()

    def line(self, key: bytes) -> str:
        return f"{self.statement()} mac={self.mac(key)}"

    def where(self, path: Path) -> str:
        return (
            f"the anchor taken at {self.anchored_at:%Y-%m-%d %H:%M:%S} UTC "
            f"(line {self.line_number} of {path})"
        )


@dataclass(frozen=True)
class AnchorsFile:
    """What the anchors file holds: anchors whose line is well formed and has a valid MAC,
    and a sentence for every line that is not, or that goes back in time or in the chain."""

    path: Path
    exists: bool
    anchors: list[Anchor]
    line_problems: list[str]
    lines: int


class AnchorsFileLost(Exception):
    """The trail records anchors taken, but the anchors file holds none."""


def take_anchor(db_session: Session, key: bytes, path: Path) -> Anchor:
    """Record an `audit.anchored` event and append the line naming it to the anchors file.

    The file is opened (and locked, so that anchors are written in the order of their events)
    before anything is recorded; the line is written after the commit, like any effect that
    leaves the database. If an earlier anchor's line could not be written after its commit
    (a full disk), it is written now, before this one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a+", encoding="ascii") as anchors_file:
        fcntl.flock(anchors_file, fcntl.LOCK_EX)  # released when the file is closed
        anchors_file.seek(0)
        last_named = _last_event_named(anchors_file.read())
        unwritten = _anchored_events_after(db_session, last_named)
        if unwritten and last_named == 0:
            raise AnchorsFileLost(
                f"the audit trail records anchors (the newest at event {unwritten[-1].id}) but "
                f"{path} holds none: restore the anchors file, or set CAF_AUDIT_ANCHOR_PATH to it"
            )
        # The line names this event, in the national chain; the event names every other
        # chain's head, so that the line anchors them all.
        heads = [head for head in chain_heads(db_session) if head[0] != NATIONAL_CHAIN]
        event = record(
            db_session,
            ANCHORED,
            object_type="audit_anchors",
            national=True,
            path=str(path),
            heads=heads,
        )
        db_session.commit()
        anchored_at = utcnow()
        anchors = [Anchor(anchored_at, each.id, each.hash) for each in [*unwritten, event]]
        anchors_file.write("".join(anchor.line(key) + "\n" for anchor in anchors))
        anchors_file.flush()
        os.fsync(anchors_file.fileno())
    return anchors[-1]


def _last_event_named(text: str) -> int:
    for line in reversed(text.splitlines()):
        match = _LINE.fullmatch(line)
        if match:
            return int(match.group(2))
    return 0


def _anchored_events_after(db_session: Session, event_id: int) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == ANCHORED, AuditEvent.id > event_id)
            .order_by(AuditEvent.id)
            .execution_options(populate_existing=True)
        )
    )


@contextmanager
def no_anchor_being_taken(path: Path) -> Iterator[None]:
    """Hold off `take_anchor` (between its commit and its line) while the chain head and the
    anchors file are read, so the two agree."""
    try:
        anchors_file = path.open(encoding="ascii")
    except FileNotFoundError:
        yield
        return
    with anchors_file:
        fcntl.flock(anchors_file, fcntl.LOCK_SH)
        yield


def read_anchors(path: Path, key: bytes) -> AnchorsFile:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return AnchorsFile(path, exists=False, anchors=[], line_problems=[], lines=0)
    anchors: list[Anchor] = []
    problems: list[str] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        parsed = _parse(line, number)
        if parsed is None:
            problems.append(f"line {number} of {path} is not an anchor")
            continue
        anchor, mac = parsed
        if not hmac.compare_digest(anchor.mac(key), mac):
            problems.append(
                f"line {number} of {path} has been changed (or was written with another key)"
            )
            continue
        if anchors and anchor.event_id < anchors[-1].event_id:
            problems.append(
                f"line {number} of {path} names an earlier event than the line before it"
            )
        if anchors and anchor.anchored_at < anchors[-1].anchored_at:
            problems.append(f"line {number} of {path} is dated before the line before it")
        anchors.append(anchor)
    return AnchorsFile(path, exists=True, anchors=anchors, line_problems=problems, lines=len(lines))


def _parse(line: str, number: int) -> tuple[Anchor, str] | None:
    match = _LINE.fullmatch(line)
    if match is None or not match.group(1).endswith("Z"):
        return None
    try:
        anchored_at = datetime.fromisoformat(match.group(1)[:-1])
    except ValueError:
        return None
    anchor = Anchor(anchored_at, int(match.group(2)), match.group(3), line_number=number)
    return anchor, match.group(4)
