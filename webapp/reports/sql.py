"""SQL pieces the report queries share, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class answer_text(FunctionElement):  # noqa: N801 - reads as the SQL function it is
    """One answer of a stored section (its JSON text), as text: `answer_text(column, key)`."""

    type = String()
    inherit_cache = True
    name = "answer_text"


@compiles(answer_text, "sqlite")
def _answer_text_sqlite(element, compiler, **kw):
    column, key = list(element.clauses)
    return f"json_extract({compiler.process(column, **kw)}, '$.' || {compiler.process(key, **kw)})"


@compiles(answer_text, "postgresql")
def _answer_text_postgresql(element, compiler, **kw):
    column, key = list(element.clauses)
    return f"(CAST({compiler.process(column, **kw)} AS JSONB) ->> {compiler.process(key, **kw)})"


class days_between(FunctionElement):  # noqa: N801 - reads as the SQL function it is
    """The days (with their fraction) from one timestamp to another: `days_between(a, b)`,
    worked out in the database rather than by reading both timestamps into Python."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"
