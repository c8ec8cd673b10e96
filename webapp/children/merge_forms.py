"""The forms of record linkage's review queue and of undoing a merge."""

from __future__ import annotations

from flask_wtf import FlaskForm

from webapp.govuk_fields import radios, submit_button


class ReviewForm(FlaskForm):
    same_child = radios(
        "Are these records of the same child?",
        [
            ("yes", "Yes, merge them into the record already in the index"),
            ("no", "No, keep them apart"),
        ],
        required="Select whether these records are of the same child",
    )
    submit = submit_button("Save")


class UnmergeForm(FlaskForm):
    submit = submit_button("Undo this merge")
