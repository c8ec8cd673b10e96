"""Exit 0 if the PostgreSQL test database answers, 77 if it does not (the Makefile reads this)."""

import sys

import sqlalchemy

url = sys.argv[1]
try:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT 1"))
except Exception as error:  # noqa: BLE001 - any failure means "not available"
    print(f"PostgreSQL at {url} is not available: {error.__class__.__name__}", file=sys.stderr)
    sys.exit(77)
sys.exit(0)
