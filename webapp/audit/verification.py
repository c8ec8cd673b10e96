"""Verify the audit trail: every chain's events and keyed hashes, the chain heads, and the
anchors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit.anchors import ANCHORED, AnchorsFile, no_anchor_being_taken, read_anchors
from webapp.audit.models import AuditEvent
from webapp.audit.services import Chains, digest, events_in_order, unkeyed_digest

CHANGED = "this event's content has been changed"
WRITTEN_BEFORE_THE_KEY = (
    "this event was written before the audit key was introduced: "
    "run `flask --app webapp caf audit rekey` once"
)


@dataclass(frozen=True)
class ChainProblem:
    problem: str
    event_id: int | None = None  # None: a problem of the anchors file itself
    occurred_at: datetime | None = None  # None with an event id: the event is missing
    action: str = ""

    def describe(self) -> str:
        if self.event_id is None:
            return self.problem
        if self.occurred_at is None:
            return f"event {self.event_id}: {self.problem}"
        return (
            f"event {self.event_id} ({self.occurred_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{self.action}): {self.problem}"
        )


@dataclass
class Verification:
    anchors_file: AnchorsFile
    events: int = 0
    problems: list[ChainProblem] = field(default_factory=list)  # the first LISTED, in order
    problem_count: int = 0

    @property
    def first_failing_event(self) -> ChainProblem | None:
        return next((p for p in self.problems if p.event_id is not None), None)


# An edit recomputed through the rest of the chain fails every later event: list the first.
LISTED = 100


def verify_chain(db_session: Session, key: bytes, anchors_path: Path) -> Verification:
    """Recompute every hash of every chain in order with the key; report rows altered,
    removed or inserted out of turn, then check the chains against every anchor. Problems
    come in the order of the events, those of the anchors file itself last."""
    problems: list[ChainProblem] = []
    problem_count = 0
    # Events hashed without a key from the very first one: how many, and the last one's id.
    unkeyed_from_the_start = 0
    last_unkeyed_from_the_start = 0
    anchored_events: list[AuditEvent] = []
    chains = Chains()
    events = 0

    def report(problem: ChainProblem) -> None:
        nonlocal problem_count
        problem_count += 1
        if len(problems) < LISTED:
            problems.append(problem)

    for event in events_in_order(db_session):
        if event.previous_hash != chains.previous_hash(event):
            report(_problem(event, "the event before this one is missing or changed"))
        if digest(key, event.previous_hash, event) != event.hash:
            if unkeyed_from_the_start == events and (
                unkeyed_digest(event.previous_hash, event) == event.hash
            ):
                unkeyed_from_the_start += 1
                last_unkeyed_from_the_start = event.id
            report(_problem(event, CHANGED))
        if event.action == ANCHORED:
            anchored_events.append(event)
        chains.follow(event)
        events += 1
    removed = "events after this one have been removed"
    for _chain, last_event in chains.heads_out_of_step(db_session):
        report(_problem(last_event, removed) if last_event else ChainProblem(removed, 0))

    # Read after the walk, and while no anchor is half taken, so that every `audit.anchored`
    # event seen above already has its line.
    with no_anchor_being_taken(anchors_path):
        anchors_file = read_anchors(anchors_path, key)
    if anchors_file.lines == 0:
        # Never anchored: events hashed without a key from the very first one are taken to
        # predate the key, and `rekey` is offered. Once anchored, such events are forgeries.
        problems = [
            _reworded(problem, WRITTEN_BEFORE_THE_KEY)
            if problem.problem == CHANGED and (problem.event_id or 0) <= last_unkeyed_from_the_start
            else problem
            for problem in problems
        ]
    for problem in _check_anchors(db_session, anchors_file, anchored_events):
        problem_count += 1
        problems.append(problem)
    problems.sort(key=lambda p: p.event_id or 0)
    problems = problems[:LISTED] + _file_problems(anchors_file)[:LISTED]
    return Verification(
        anchors_file, events, problems, problem_count + len(anchors_file.line_problems)
    )


def _check_anchors(
    db_session: Session, anchors_file: AnchorsFile, anchored_events: list[AuditEvent]
) -> list[ChainProblem]:
    """Each anchor's event must still be there with the same hash, and so must each chain
    head that an anchor's event names; each anchor the trail records taking must be in the
    file."""
    problems: list[ChainProblem] = []
    path = anchors_file.path
    heads = {event: _heads_named(event) for event in anchored_events}
    stored = _events_named(
        db_session,
        {anchor.event_id for anchor in anchors_file.anchors}
        | {event_id for named in heads.values() for event_id in named},
    )
    for anchor in anchors_file.anchors:
        event = stored.get(anchor.event_id)
        if event is None:
            problems.append(
                ChainProblem(
                    f"this event is missing, though {anchor.where(path)} names it: "
                    "events have been removed",
                    anchor.event_id,
                )
            )
        elif event.hash != anchor.event_hash:
            problems.append(_problem(event, f"its hash is not the one in {anchor.where(path)}"))
    for anchored, named_heads in heads.items():
        taken = f"the anchor taken by event {anchored.id}"
        for event_id, event_hash in named_heads.items():
            event = stored.get(event_id)
            if event is None:
                problems.append(
                    ChainProblem(
                        f"this event is missing, though {taken} names it as the head of its "
                        "chain: events have been removed",
                        event_id,
                    )
                )
            elif event.hash != event_hash:
                problems.append(_problem(event, f"its hash is not the one {taken} names"))
    named = {anchor.event_id for anchor in anchors_file.anchors}
    for event in anchored_events:
        if event.id in named:
            continue
        if anchors_file.exists:
            problems.append(_problem(event, f"the anchor taken by this event is not in {path}"))
        else:
            problems.append(
                _problem(event, f"an anchor was taken by this event, but {path} does not exist")
            )
    return problems


def _heads_named(anchored: AuditEvent) -> dict[int, str]:
    """The other chains' heads an `audit.anchored` event names: event id to hash (none in
    anchors taken while there was one chain)."""
    try:
        heads = json.loads(anchored.detail).get("heads", [])
        return {int(event_id): str(event_hash) for _chain, event_id, event_hash in heads}
    except (ValueError, TypeError, AttributeError):
        return {}


def _events_named(db_session: Session, event_ids: set[int]) -> dict[int, AuditEvent]:
    found: dict[int, AuditEvent] = {}
    ordered = sorted(event_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for event in db_session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id.in_(chunk))
            .execution_options(populate_existing=True)
        ):
            found[event.id] = event
    return found


def _file_problems(anchors_file: AnchorsFile) -> list[ChainProblem]:
    return [ChainProblem(problem) for problem in anchors_file.line_problems]


def _problem(event: AuditEvent, problem: str) -> ChainProblem:
    return ChainProblem(problem, event.id, event.occurred_at, event.action)


def _reworded(problem: ChainProblem, wording: str) -> ChainProblem:
    return ChainProblem(wording, problem.event_id, problem.occurred_at, problem.action)
