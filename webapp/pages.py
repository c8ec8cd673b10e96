"""Steps that several views take alike."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.wrappers import Response

from webapp import db, flashes


def first_answer_stands(
    record: Callable[[], object],
    refused: type[Exception],
    *,
    taken: str,
    back: str,
    recorded: str,
    then: str,
) -> Response:
    """The end of a POST that records an answer only one person may give (a review, an
    attestation): commit `record`'s change, say `recorded` and go on to `then`; if it raises
    `refused` because someone else answered first, keep their answer, say so (`taken`) and
    go `back` to the page that shows it."""
    try:
        record()
    except refused:
        db.session.rollback()
        flashes.important(taken)
        return redirect(back)
    db.session.commit()
    flash(recorded)
    return redirect(then)
