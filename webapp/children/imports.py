"""Feeding the child index from a local system's CSV file (`caf children import`).

Each row is linked to what the source sent before by the source's own identifier
(`ChildSourceRecord`): the same row again changes nothing, a changed row updates the child,
and a child a full extract no longer names is marked as left by the source, never deleted.
A row the source never sent before is matched on NHS number, then unique pupil number, to a
child of the borough's index; with no such match it becomes a new child, which record
linkage (webapp/children/linkage.py, the borough's model) then scores against the index on
names, date of birth, sex and postcode: above the model's upper threshold it is merged into
the child found (webapp/children/merges.py), between the thresholds — or whenever the child
found is shielded — the pair waits in the borough CAF contact's review queue.

The file imports whole or not at all, unless the caller asks for the valid rows only. Every
run is counted (`ChildImportRun`) and audited once. The caller commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from webapp import counters
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.children import duplicates, linkage, merges, provenance
from webapp.children.import_models import (
    ChildIdentifier,
    ChildImportRun,
    ChildSourceRecord,
    IdentifierKind,
)
from webapp.children.import_rows import COLUMNS, ChildRow, parse
from webapp.children.merge_models import MergeHow
from webapp.children.models import Child
from webapp.db import newest_first, utcnow
from webapp.imports.reading import Problem

REFERENCE_PREFIX = "I"
FLUSH_EVERY = 1000


@dataclass
class ImportOutcome:
    run: ChildImportRun
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ImportRequest:
    borough_id: int
    source: str
    filename: str
    complete: bool = False
    valid_rows_only: bool = False


def _identifiers(item: ChildRow) -> list[tuple[IdentifierKind, str]]:
    found = []
    if item.nhs_number:
        found.append((IdentifierKind.NHS_NUMBER, item.nhs_number))
    if item.unique_pupil_number:
        found.append((IdentifierKind.UNIQUE_PUPIL_NUMBER, item.unique_pupil_number))
    return found


class _Index:
    """The borough's identifiers and the source's records, read once for the file."""

    def __init__(self, db_session: Session, borough_id: int, source: str):
        self.db_session = db_session
        self.borough_id = borough_id
        self.records = {
            record.source_id: record
            for record in db_session.scalars(
                select(ChildSourceRecord).where(
                    ChildSourceRecord.borough_id == borough_id, ChildSourceRecord.source == source
                )
            )
        }
        # The child each identifier belongs to: its id, or a new child not yet written.
        self.owners: dict[tuple[IdentifierKind, str], int | Child] = {
            (identifier.kind, identifier.value): identifier.child_id
            for identifier in db_session.scalars(
                select(ChildIdentifier).where(ChildIdentifier.borough_id == borough_id)
            )
        }
        # Rows no identifier tied to a child: record linkage scores them once, at the end.
        self.unmatched: list[ChildRow] = []
        self.priorities = provenance.Priorities({})

    def matching_child(self, item: ChildRow) -> int | Child | None:
        """The child of the index the row's NHS number, else its pupil number, belongs to."""
        for key in _identifiers(item):
            if key in self.owners:
                return self.owners[key]
        return None

    def conflict(self, item: ChildRow, child_id: int | None) -> Problem | None:
        """A row whose identifiers belong to two children, or to another child than the one
        its source identifier is linked to, is not the index's to settle by itself."""
        owners = {self.owners[key] for key in _identifiers(item) if key in self.owners}
        if child_id is not None:
            owners.add(child_id)
        if len(owners) < 2:
            return None
        column = "nhs_number" if item.nhs_number else "unique_pupil_number"
        return Problem(
            item.row,
            column,
            "The NHS number or unique pupil number belongs to another child in the child "
            "index: check the row, or ask the borough CAF contact to look into it",
        )

    def keep_identifiers(self, item: ChildRow, child: int | Child) -> None:
        for kind, value in _identifiers(item):
            if (kind, value) not in self.owners:
                identifier = ChildIdentifier(borough_id=self.borough_id, kind=kind, value=value)
                _link(identifier, child)
                self.db_session.add(identifier)
                self.owners[(kind, value)] = child


def _link(row: ChildIdentifier | ChildSourceRecord, child: int | Child) -> None:
    if isinstance(child, Child):
        row.child = child
    else:
        row.child_id = child


def _new_reference(db_session: Session, borough: Borough) -> str:
    prefix = f"{borough.code[:3].upper()}{REFERENCE_PREFIX}"
    number = counters.allocate(db_session, f"child-reference:{prefix}")
    return f"{prefix}{number:07d}"


def _set_details(child: Child, item: ChildRow) -> None:
    for name, value in item.details().items():
        setattr(child, name, value)


def import_file(
    db_session: Session, request: ImportRequest, content: bytes, *, today: date
) -> ImportOutcome:
    """Import the file's rows, or none of them if one is wrong (unless `valid_rows_only`).
    Raises ImportRefused when the file as a whole cannot be read (and then records
    nothing); otherwise records the run, refused or not, and its audit event."""
    rows, problems, rows_read, named = parse(content, today)
    # One run of a source at a time in a borough: the upsert of its counter holds the row
    # until this transaction ends, so a second run reads what the first one wrote.
    counters.allocate(db_session, f"child-import:{request.borough_id}:{request.source}")
    borough = db_session.get_one(Borough, request.borough_id)
    index = _Index(db_session, borough.id, request.source)
    index.priorities = provenance.load_priorities(borough.code)
    for item in rows:
        record = index.records.get(item.source_id)
        if conflict := index.conflict(item, record.child_id if record else None):
            problems.append(conflict)
    bad_rows = {problem.row for problem in problems}
    run = ChildImportRun(
        borough_id=borough.id,
        source=request.source,
        filename=request.filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        complete=request.complete,
        valid_rows_only=request.valid_rows_only,
        rows_read=rows_read,
        rejected=len(bad_rows),
        **dict.fromkeys(RUN_COUNTS, 0),
        refused=bool(bad_rows) and not request.valid_rows_only,
    )
    db_session.add(run)
    db_session.flush()
    if not run.refused:
        _apply(db_session, borough, index, [item for item in rows if item.row not in bad_rows], run)
        _link_unmatched(db_session, borough, index, run)
        if request.complete:
            _mark_leavers(index, named, run)
        run.likely_duplicates = merges.count_waiting(db_session, borough.id)
    db_session.flush()
    audit.record_about(
        db_session,
        "children.import_run",
        run,
        None,
        borough_id=borough.id,
        source=run.source,
        filename=run.filename,
        sha256=run.sha256,
        complete=run.complete,
        valid_rows_only=run.valid_rows_only,
        refused=run.refused,
        **counts(run),
    )
    return ImportOutcome(run, sorted(problems, key=_problem_order))


_COLUMN_ORDER = {column.name: number for number, column in enumerate(COLUMNS, start=1)}


def _problem_order(problem: Problem) -> tuple[int, int]:
    return problem.row, _COLUMN_ORDER.get(problem.column, 0)


RUN_COUNTS = ("new", "linked", "merged", "queued", "updated", "unchanged", "left")
RUN_COUNTS += ("likely_duplicates",)


def counts(run: ChildImportRun) -> dict[str, int]:
    names = ("rows_read", *RUN_COUNTS, "rejected")
    return {name: getattr(run, name) for name in names}


def _apply(
    db_session: Session, borough: Borough, index: _Index, rows: list[ChildRow], run: ChildImportRun
) -> None:
    # New children are written together (a statement for many rows), not one at a time.
    with db_session.no_autoflush:
        for start in range(0, len(rows), FLUSH_EVERY):
            _apply_rows(db_session, borough, index, rows[start : start + FLUSH_EVERY], run)
            db_session.flush()


def _apply_rows(
    db_session: Session, borough: Borough, index: _Index, rows: list[ChildRow], run: ChildImportRun
) -> None:
    now = utcnow()
    for item in rows:
        fingerprint = item.fingerprint()
        record = index.records.get(item.source_id)
        if record is not None:
            record.last_seen_at = now
            if record.row_hash == fingerprint and record.left_at is None:
                run.unchanged += 1
                continue
            if record.row_hash != fingerprint:
                child = db_session.get_one(Child, record.child_id)
                _take_details(db_session, index, child, item, run.source, now)
                index.keep_identifiers(item, child.id)
            record.row_hash = fingerprint
            record.left_at = None
            run.updated += 1
            continue
        child = index.matching_child(item)
        if child is None:
            index.unmatched.append(item)
            continue
        run.linked += 1
        _keep_record(db_session, index, item, child, run.source)
        linked = child if isinstance(child, Child) else db_session.get_one(Child, child)
        _take_details(db_session, index, linked, item, run.source, now)


def _take_details(
    db_session: Session, index: _Index, child: Child, item: ChildRow, source: str, now: datetime
) -> None:
    """Keep what the source says of the child; show the most trusted source's values."""
    db_session.flush()
    provenance.record(db_session, child.id, source, item, now)
    provenance.resolve(db_session, child, index.priorities)


def _keep_record(
    db_session: Session, index: _Index, item: ChildRow, child: int | Child, source: str
) -> None:
    """Link the row's source identifier (and its national identifiers) to the child."""
    now = utcnow()
    index.keep_identifiers(item, child)
    record = ChildSourceRecord(
        borough_id=index.borough_id,
        source=source,
        source_id=item.source_id,
        row_hash=item.fingerprint(),
        first_seen_at=now,
        last_seen_at=now,
    )
    _link(record, child)
    db_session.add(record)
    index.records[item.source_id] = record


def _link_record(item: ChildRow) -> linkage.LinkRecord:
    return linkage.LinkRecord(
        f"r{item.row}",
        item.given_names,
        item.family_name,
        item.date_of_birth,
        item.gender.value,
        item.postcode,
    )


def _link_unmatched(
    db_session: Session, borough: Borough, index: _Index, run: ChildImportRun
) -> None:
    """Each row no identifier tied to a child becomes a new child; record linkage then
    merges it into the child of the index it scores as, queues it for review, or leaves it
    a new child."""
    rows, index.unmatched = index.unmatched, []
    if not rows:
        return
    model = linkage.load_model(borough.code)
    pairs = linkage.score(
        model,
        duplicates.index_records(db_session, borough.id),
        [_link_record(item) for item in rows],
        at_least=model.review_at,
    )
    identifiers_of: dict[int, dict[IdentifierKind, str]] = {}
    for (kind, value), owner in index.owners.items():
        if isinstance(owner, int):
            identifiers_of.setdefault(owner, {})[kind] = value

    def compatible(pair: linkage.ScoredPair, item: ChildRow) -> bool:
        # Two different NHS numbers (or pupil numbers) are two different children.
        theirs = identifiers_of.get(int(pair.index_id), {})
        return all(theirs.get(kind, value) == value for kind, value in _identifiers(item))

    by_row = {f"r{item.row}": item for item in rows}
    best = linkage.best_per_incoming(
        [pair for pair in pairs if compatible(pair, by_row[pair.incoming_id])]
    )
    with db_session.no_autoflush:
        for start in range(0, len(rows), FLUSH_EVERY):
            created = []
            for item in rows[start : start + FLUSH_EVERY]:
                child = Child(unique_reference=_new_reference(db_session, borough), borough=borough)
                _set_details(child, item)
                db_session.add(child)
                _keep_record(db_session, index, item, child, run.source)
                created.append((item, child))
            db_session.flush()
            for item, child in created:
                # A new child has only this source: its details are the row's already.
                provenance.record(db_session, child.id, run.source, item, utcnow())
                _link_new_child(db_session, model, child, best.get(f"r{item.row}"), run)


def _link_new_child(
    db_session: Session,
    model: linkage.Model,
    child: Child,
    pair: linkage.ScoredPair | None,
    run: ChildImportRun,
) -> None:
    candidate = db_session.get_one(Child, int(pair.index_id)) if pair else None
    decision = (
        model.decide(pair, shielded=candidate.shielded)
        if pair and candidate
        else linkage.Decision.NEW
    )
    if decision is linkage.Decision.MERGE and not merges.why_not(db_session, candidate, child):
        merges.merge(
            db_session,
            candidate,
            child,
            how=MergeHow.AUTOMATIC,
            actor=merges.Actor(),
            match_weight=pair.match_weight,
            import_run_id=run.id,
        )
        run.merged += 1
        return
    run.new += 1
    if decision is linkage.Decision.REVIEW:
        reason = (
            "The child already in the index is shielded: never merged automatically"
            if candidate.shielded and pair.match_weight >= model.merge_at
            else "The records may be of the same child"
        )
        merges.queue(db_session, child, candidate, pair, reason=reason, import_run_id=run.id)
        run.queued += 1


def _mark_leavers(index: _Index, named: set[str], run: ChildImportRun) -> None:
    """A full extract names every child the source still has: the others have left it."""
    now = utcnow()
    for source_id, record in index.records.items():
        if source_id not in named and record.left_at is None:
            record.left_at = now
            run.left += 1


def runs_of(db_session: Session, borough_id: int, limit: int = 200) -> list[ChildImportRun]:
    """The borough's latest import runs, newest first."""
    return newest_first(
        db_session, ChildImportRun.started_at, ChildImportRun.borough_id == borough_id, limit=limit
    )


@dataclass(frozen=True)
class SourceSummary:
    source: str
    sending: int  # children the source still sends
    left: int  # children a full extract from it no longer named
    # Over all its imported runs (refused runs changed nothing): rows merged into a child
    # already in the index, queued for review, and rejected.
    merged: int = 0
    queued: int = 0
    rejected: int = 0


def sources_of(db_session: Session, borough_id: int) -> list[SourceSummary]:
    """Each source of the borough, with how many children it sends and how many left it,
    and its runs' merged, queued and rejected rows."""
    totals = {
        source: (merged, queued, rejected)
        for source, merged, queued, rejected in db_session.execute(
            select(
                ChildImportRun.source,
                func.sum(ChildImportRun.merged),
                func.sum(ChildImportRun.queued),
                func.sum(ChildImportRun.rejected),
            )
            .where(ChildImportRun.borough_id == borough_id, ChildImportRun.refused.is_(False))
            .group_by(ChildImportRun.source)
        )
    }
    left = ChildSourceRecord.left_at.is_not(None)
    rows = db_session.execute(
        select(
            ChildSourceRecord.source,
            func.count(case((~left, 1))),
            func.count(case((left, 1))),
        )
        .where(ChildSourceRecord.borough_id == borough_id)
        .group_by(ChildSourceRecord.source)
        .order_by(ChildSourceRecord.source)
    )
    return [
        SourceSummary(source, sending, left, *(int(n or 0) for n in totals.get(source, ())))
        for source, sending, left in rows
    ]
