"""What access alerts and urgent access grants share: a CAF contact of the borough reviews
each, once, and never one about themselves. Both models have `borough_id`, `user_id` (the
person whose access is reviewed) and `reviewed_at`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.accounts.models import User


class AlreadyReviewed(Exception):
    """Someone else recorded the review first; the first answer stands."""


def waiting(db_session: Session, model: Any, reviewer: User, *order_by: Any) -> list[Any]:
    """The rows of the reviewer's borough without a review, about others than the reviewer."""
    return list(
        db_session.scalars(
            select(model)
            .where(
                model.borough_id == reviewer.borough_id,
                model.reviewed_at.is_(None),
                model.user_id != reviewer.id,
            )
            .order_by(*order_by)
        )
    )


def claim(db_session: Session, row: Any, **review: object) -> None:
    """Write the review on `row` if it has none yet, in one statement, so that two reviewers
    answering at once cannot both succeed (the second gets AlreadyReviewed)."""
    model = type(row)
    claimed = db_session.execute(
        update(model)
        .where(model.id == row.id, model.reviewed_at.is_(None))
        .values(**review)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyReviewed
    db_session.refresh(row)
