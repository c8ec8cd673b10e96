"""Database engine and per-request session (SQLAlchemy 2, no Flask-SQLAlchemy)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import ColumnElement, Enum, Index, MetaData, create_engine, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_class: type[StrEnum], length: int = 32) -> Enum:
    """Store a StrEnum by value as VARCHAR (no native enum type), the same on every database."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _sqlite_write_lock_before_writing)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE below applies.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # NORMAL can lose a committed transaction
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# SQLite allows one writer at a time. A request that changes something (a POST) takes the
# write lock when its transaction begins (BEGIN IMMEDIATE), so that what it reads cannot
# change before it writes and two read-then-write transactions cannot deadlock. A request
# that only shows something (a GET) changes nothing it read: it writes only records of
# itself (its audit event, the session's last activity). It reads in a deferred
# transaction, beside other readers and the writer, and takes the write lock at its first
# write: it ends its read snapshot first (in WAL mode a reader that has read cannot become
# the writer once another has committed) and starts a write transaction.
# Whatever a record needs from the database under the lock it reads after taking it: the
# audit chain's head is read with FOR UPDATE, which counts as a write here.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READING = "caf_sqlite_reading"  # in a deferred transaction that has not written yet
_READ_PREFIXES = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN")


def _reads_first() -> bool:
    return has_request_context() and request.method in SAFE_METHODS


def _sqlite_begin(connection) -> None:
    reading = _reads_first()
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
    connection.info[_READING] = reading


def _sqlite_write_lock_before_writing(
    connection, _cursor, statement, _parameters, context, _executemany
) -> None:
    if not connection.info.get(_READING):
        return
    compiled = getattr(context, "compiled", None)
    locks = getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None
    if statement.lstrip()[:7].upper().startswith(_READ_PREFIXES) and not locks:
        return
    # Nothing was written in this transaction yet: ending it loses nothing. The driver's
    # own calls, below SQLAlchemy, which still sees one transaction and commits it later.
    connection.info[_READING] = False
    driver_connection = connection.connection.dbapi_connection
    driver_connection.execute("COMMIT")
    driver_connection.execute("BEGIN IMMEDIATE")


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows that meet `where` only (a partial index, the same on
    SQLite and PostgreSQL): one open episode per child, one waiting request, and the like."""
    return Index(
        name,
        *columns,
        unique=True,
        sqlite_where=text(where),
        postgresql_where=text(where),
    )


def violates(error: IntegrityError, index: Index) -> bool:
    """Whether `error` is a breach of the unique `index` (PostgreSQL names it; SQLite names
    its table and columns)."""
    diagnostics = getattr(error.orig, "diag", None)
    if diagnostics is not None:
        return diagnostics.constraint_name == index.name
    columns = ", ".join(f"{index.table.name}.{column.name}" for column in index.columns)
    return f"UNIQUE constraint failed: {columns}" in str(error.orig)


def flush_or_refuse(db_session: Session, refusal: Exception) -> None:
    """Flush the caller's new rows in a savepoint. When a database rule refuses them (most
    often a unique row that someone else saved at the same moment) raise `refusal`, in the
    caller's words, with the session still usable for auditing the refusal."""
    try:
        with db_session.begin_nested():
            db_session.flush()
    except IntegrityError:
        raise refusal from None


def newest_first(
    db_session: Session,
    when: InstrumentedAttribute,
    *where: ColumnElement[bool],
    limit: int | None = None,
) -> list[Any]:
    """The rows of `when`'s table that meet every condition of `where`, the latest `when`
    first and, of two at the same moment, the one added last."""
    row = when.class_
    query = select(row).where(*where).order_by(when.desc(), row.id.desc())
    return list(db_session.scalars(query if limit is None else query.limit(limit)))


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["caf_db"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine_for(app: Flask) -> Engine:
    return app.extensions["caf_db"].kw["bind"]


def _get_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["caf_db"]()
    return g.db_session


def _close_session(_exception: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


session: Session = LocalProxy(_get_session)  # type: ignore[assignment]
