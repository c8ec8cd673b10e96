"""SQL pieces the report queries share, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import String
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
