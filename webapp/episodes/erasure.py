"""Erasing an episode with everything that hangs off it.

When the family refuses consent to record, nothing of the CAF may be kept (CWDC 2009
4.16-4.18). Every table that refers to the episode, directly or through another such table
(its consents, history, forms, team, register, documents, uploads, notes, notifications,
form pins...), is found from the schema itself, so a table added later is erased too
without anyone remembering to list it here.

The audit trail is the exception: it is append-only and hash-chained, so its events keep
the erased episode's id as a plain number (no foreign key) and are never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from webapp.episodes.models import Episode
from webapp.uploads.models import StoredFile

# Append-only: its rows are never deleted, and it holds no foreign key to an episode.
KEPT_TABLES = frozenset({"audit_event"})


@dataclass(frozen=True)
class Erased:
    """What an erasure removed: rows per table, and the uploaded files' stored names, which
    the caller deletes from disk once the transaction has committed."""

    rows: dict[str, int]
    stored_paths: tuple[str, ...]


def _metadata():
    from webapp.models import metadata  # every domain's models, imported once they exist

    return metadata


def dependent_tables() -> list[Table]:
    """The episode table and every table whose rows hang off an episode, parents first."""
    tables = [table for table in _metadata().sorted_tables if table.name not in KEPT_TABLES]
    found = {Episode.__tablename__}
    grown = True
    while grown:
        grown = False
        for table in tables:
            if table.name not in found and any(
                key.column.table.name in found for key in table.foreign_keys
            ):
                found.add(table.name)
                grown = True
    return [table for table in tables if table.name in found]


def _selections(episode_id: int, tables: list[Table]) -> dict[str, ColumnElement[bool]]:
    """For each table, the condition that picks the rows of this episode: those referring
    to a picked row of a table that comes before it (parents first)."""
    order = {table.name: position for position, table in enumerate(tables)}
    episode_table = Episode.__table__
    chosen: dict[str, ColumnElement[bool]] = {episode_table.name: episode_table.c.id == episode_id}
    for table in tables:
        if table.name in chosen:
            continue
        paths = [
            key.parent.in_(select(key.column).where(chosen[key.column.table.name]))
            for key in table.foreign_keys
            if key.column.table.name in chosen and order[key.column.table.name] < order[table.name]
        ]
        if not paths:
            raise RuntimeError(f"cannot tell which rows of {table.name} belong to an episode")
        chosen[table.name] = or_(*paths)
    return chosen


def erase(db_session: Session, episode: Episode) -> Erased:
    """Delete the episode and every row that hangs off it, in the caller's transaction.
    Audit events are kept (see the module's docstring); the child's index entry stays."""
    tables = dependent_tables()
    chosen = _selections(episode.id, tables)
    order = {table.name: position for position, table in enumerate(tables)}
    stored_paths = tuple(
        db_session.scalars(select(StoredFile.stored_path).where(chosen[StoredFile.__tablename__]))
    )
    db_session.flush()
    # A reference to a table deleted first (the episode's lead member, a row of the team)
    # is cut before the deletes, so that no row is left pointing at a deleted one.
    for table in tables:
        for key in table.foreign_keys:
            target = key.column.table.name
            if target in chosen and order[target] > order[table.name]:
                if not key.parent.nullable:
                    raise RuntimeError(f"{table.name}.{key.parent.name} cannot be cut")
                db_session.execute(
                    update(table)
                    .where(chosen[table.name], key.parent.is_not(None))
                    .values({key.parent.name: None})
                )
    rows: dict[str, int] = {}
    for table in reversed(tables):  # children before their parents
        result = db_session.execute(delete(table).where(chosen[table.name]))
        if result.rowcount:
            rows[table.name] = result.rowcount
    # Nothing of it may linger in the session either.
    names = {table.name for table in tables}
    for instance in list(db_session.identity_map.values()):
        table = getattr(type(instance), "__table__", None)
        if table is not None and table.name in names:
            db_session.expunge(instance)
    return Erased(rows, stored_paths)
