"""Messages shown once, on the next page. Most confirm that something was done: GOV.UK's
green success banner (`flask.flash`). What the person must know instead (they were signed
out, a step must come first, nothing was changed) goes in the blue "Important" banner."""

from __future__ import annotations

from flask import flash

IMPORTANT = "important"


def important(message: str) -> None:
    flash(message, IMPORTANT)


def saved_or_unchanged(message: str, changed: object) -> None:
    """`message` confirms a change; with nothing `changed`, the person is told so instead."""
    if changed:
        flash(message)
    else:
        important("Nothing was changed")
