"""Feeding the child index from a local system's CSV file (`caf children import`).

Each row is linked to what the source sent before by the source's own identifier
(`ChildSourceRecord`): the same row again changes nothing, a changed row updates the child,
and a child a full extract no longer names is marked as left by the source, never deleted.
A row the source never sent before is matched on NHS number, then unique pupil number, to a
child of the borough's index (deterministic matching only: nothing is scored here); with
no match it becomes a new child.

The file imports whole or not at all, unless the caller asks for the valid rows only. Every
run is counted (`ChildImportRun`) and audited once. The caller commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from webapp import counters
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.children.import_models import (
    ChildIdentifier,
    ChildImportRun,
    ChildSourceRecord,
    IdentifierKind,
)
from webapp.children.import_rows import COLUMNS, ChildRow, parse
from webapp.children.models import Child
from webapp.db import utcnow
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
        **dict.fromkeys(("new", "linked", "updated", "unchanged", "left"), 0),
        refused=bool(bad_rows) and not request.valid_rows_only,
    )
    if not run.refused:
        _apply(db_session, borough, index, [item for item in rows if item.row not in bad_rows], run)
        if request.complete:
            _mark_leavers(index, named, run)
    db_session.add(run)
    db_session.flush()
    audit.record(
        db_session,
        "children.import_run",
        object_type="child_import_run",
        object_id=run.id,
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


def counts(run: ChildImportRun) -> dict[str, int]:
    return {
        "rows_read": run.rows_read,
        "new": run.new,
        "linked": run.linked,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "left": run.left,
        "rejected": run.rejected,
    }


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
                _set_details(child, item)
                index.keep_identifiers(item, child.id)
            record.row_hash = fingerprint
            record.left_at = None
            run.updated += 1
            continue
        child = index.matching_child(item)
        if child is not None:
            run.linked += 1
        else:
            child = Child(unique_reference=_new_reference(db_session, borough), borough=borough)
            _set_details(child, item)
            db_session.add(child)
            run.new += 1
        index.keep_identifiers(item, child)
        record = ChildSourceRecord(
            borough_id=borough.id,
            source=run.source,
            source_id=item.source_id,
            row_hash=fingerprint,
            first_seen_at=now,
            last_seen_at=now,
        )
        _link(record, child)
        db_session.add(record)
        index.records[item.source_id] = record


def _mark_leavers(index: _Index, named: set[str], run: ChildImportRun) -> None:
    """A full extract names every child the source still has: the others have left it."""
    now = utcnow()
    for source_id, record in index.records.items():
        if source_id not in named and record.left_at is None:
            record.left_at = now
            run.left += 1


def runs_of(db_session: Session, borough_id: int, limit: int = 200) -> list[ChildImportRun]:
    """The borough's latest import runs, newest first."""
    return list(
        db_session.scalars(
            select(ChildImportRun)
            .where(ChildImportRun.borough_id == borough_id)
            .order_by(ChildImportRun.started_at.desc(), ChildImportRun.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class SourceSummary:
    source: str
    sending: int  # children the source still sends
    left: int  # children a full extract from it no longer named


def sources_of(db_session: Session, borough_id: int) -> list[SourceSummary]:
    """Each source of the borough, with how many children it sends and how many left it."""
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
    return [SourceSummary(source, sending, left) for source, sending, left in rows]
