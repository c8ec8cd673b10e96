"""Counting the queries a page runs, for tests that its cost does not grow with the data."""


def is_page_query(statement: str) -> bool:
    """A statement the page runs for its content: not the session store's own (a session is
    written when it changes, or once a minute) nor a transaction's BEGIN."""
    return "sign_in_session" not in statement and not statement.startswith("BEGIN")
