"""Numbers handed out one at a time (episode references, version numbers), allocated by the
database in one statement so that two requests at the same moment never get the same one.

Each counter is a row; `allocate` moves it on with an upsert that locks only that row until
the caller's transaction ends, so a counter serialises only the requests that need it (one
borough's references in one year, say), never the whole service. A rolled-back transaction
gives its number back."""

from __future__ import annotations

from sqlalchemy import Integer, ScalarSelect, String, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from webapp.db import Base


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(160), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


_COUNTERS = Counter.__table__


def allocate(db_session: Session, name: str, highest_taken: ScalarSelect | None = None) -> int:
    """The next number of counter `name`, in the caller's transaction.

    `highest_taken` (a scalar subquery) is read only when the counter does not exist yet, so
    a counter introduced over existing rows carries on after the highest number they hold."""
    moved = db_session.execute(
        update(_COUNTERS)
        .where(_COUNTERS.c.name == name)
        .values(last_value=_COUNTERS.c.last_value + 1)
        .returning(_COUNTERS.c.last_value)
    ).scalar_one_or_none()
    if moved is not None:
        return moved
    dialect = postgresql if db_session.get_bind().dialect.name == "postgresql" else sqlite
    first = func.coalesce(highest_taken, 0) + 1 if highest_taken is not None else 1
    statement = dialect.insert(_COUNTERS).values(name=name, last_value=first)
    # Two requests may both find no counter: the second one's insert moves the first's on.
    statement = statement.on_conflict_do_update(
        index_elements=[_COUNTERS.c.name],
        set_={"last_value": _COUNTERS.c.last_value + 1},
    ).returning(_COUNTERS.c.last_value)
    return db_session.execute(statement).scalar_one()


def highest(column, *conditions) -> ScalarSelect:
    """`max(column)` of the rows matching `conditions`, for `allocate`'s `highest_taken`."""
    return select(func.max(column)).where(*conditions).scalar_subquery()
