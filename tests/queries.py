"""Counting the queries a page runs, for tests that its cost does not grow with the data."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from webapp import db


def is_page_query(statement: str) -> bool:
    """A statement the page runs for its content: not the session store's own (a session is
    written when it changes, or once a minute) nor a transaction's BEGIN."""
    return "sign_in_session" not in statement and not statement.startswith("BEGIN")


@contextmanager
def statements_run(app) -> Iterator[list[str]]:
    """Every statement the app's engine runs inside the block, in order, as it runs."""
    seen: list[str] = []

    def remember(_conn, _cursor, statement, *_rest):
        seen.append(statement)

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)
