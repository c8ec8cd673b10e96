"""Steps that several views take alike (webapp/pages.py)."""

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from tests.factories import make_borough
from webapp import db
from webapp.boroughs.models import Borough
from webapp.govuk_fields import text_input
from webapp.pages import Saving


class Refused(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("refused")


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = text_input("Name")


def _codes():
    return set(db.session.scalars(select(Borough.code)))


def test_a_change_the_rules_accept_is_committed(app):
    with app.test_request_context():
        form = NameForm()
        saving = Saving(form, Refused)
        with saving:
            make_borough("riverside")
        db.session.rollback()  # nothing left to undo: it was committed
        assert saving.committed
        assert "riverside" in _codes()
        assert not form.name.errors


def test_a_change_the_rules_refuse_keeps_nothing_and_shows_why_on_the_form(app):
    with app.test_request_context():
        form = NameForm()
        saving = Saving(form, Refused)
        with saving:
            make_borough("hillside")
            raise Refused({"name": "Enter a name that is not taken"})
        assert not saving.committed
        assert "hillside" not in _codes()
        assert form.name.errors == ["Enter a name that is not taken"]


def test_any_other_error_is_not_taken_for_a_refusal(app):
    with app.test_request_context():
        form = NameForm()
        saving = Saving(form, Refused)
        with pytest.raises(ValueError), saving:
            raise ValueError("a fault")
        assert not saving.committed
        assert not form.name.errors
