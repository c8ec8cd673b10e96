"""Steps that several views take alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may
from webapp.audit.requests import audited_by_id
from webapp.govuk_fields import show_errors

Row = TypeVar("Row")


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


def permitted_or_404(
    row_type: type[Row], row_id: int, permission: Permission, refused: str, **detail: object
) -> Row:
    """The episode or child record whose id the URL names, if the user holds `permission`
    on it; otherwise the attempt is audited as `refused` and the answer is 404, the same
    whether the record exists or not."""
    row = db.session.get(row_type, row_id)
    if row is None or not may(current_user, permission, row):
        audited_by_id(refused, row_type, row_id, row, **detail)
        db.session.commit()
        abort(404)
    return row


class Saving:
    """A change that the domain's rules may refuse, made in a `with` block: committed when
    the block ends, or, when they refuse it (`refused`, its `errors` by field), nothing is
    kept and each message shows on the form. `committed` says which happened."""

    def __init__(self, form: Any, refused: type[Exception]) -> None:
        self.form = form
        self.refused = refused
        self.committed = False

    def __enter__(self) -> Saving:
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> bool:
        if error is None:
            db.session.commit()
            self.committed = True
            return False
        if not isinstance(error, self.refused):
            return False
        db.session.rollback()
        show_errors(self.form, error.errors)
        return True
