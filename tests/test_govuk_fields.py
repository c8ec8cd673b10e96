"""The field builders every form uses: one place for GOV.UK widgets and messages."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from webapp.govuk_fields import checkboxes, email_input, radios, select, text_area, text_input


class Questions(FlaskForm):
    class Meta:
        csrf = False

    name = text_input("Full name", required="Enter their full name", max_length=5, strip=True)
    role = text_input("Their role (optional)", max_length=3, subject="Role")
    note = text_area("Note", max_length=4, skip_blank=False)
    email = email_input("Email address (optional)")
    answer = radios("Do you agree?", [("yes", "Yes"), ("no", "No")], required="Select yes or no")
    member = select("Who?", choices=[("1", "Ann")], required="Select who", hint="One person")

    def validate_note(self, field):
        if not field.data:
            raise ValidationError("Enter a note")


def _errors(app, **answers):
    with app.test_request_context(method="POST", data=MultiDict(answers)):
        form = Questions()
        form.validate()
        return form, form.errors


def test_a_blank_required_answer_gets_its_own_message_and_optional_ones_none(app):
    _, errors = _errors(app)
    assert errors["name"] == ["Enter their full name"]
    assert errors["answer"] == ["Select yes or no"]
    assert errors["member"] == ["Select who"]
    assert "role" not in errors and "email" not in errors


def test_too_long_answers_are_named_by_their_subject_or_their_label(app):
    _, errors = _errors(app, name="Ann Smith", role="nurse", note="x")
    assert errors["name"] == ["Full name must be 5 characters or fewer"]
    assert errors["role"] == ["Role must be 3 characters or fewer"]


def test_a_question_that_does_not_skip_blanks_reaches_its_own_check(app):
    _, errors = _errors(app, note="")
    assert errors["note"] == ["Enter a note"]


def test_stripped_answers_are_trimmed_before_they_are_checked(app):
    form, errors = _errors(app, name="  Ann  ")
    assert form.name.data == "Ann" and "name" not in errors


def test_an_email_address_is_checked_for_its_format(app):
    _, errors = _errors(app, email="not an address")
    assert errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]


def test_a_hint_is_given_only_where_one_is_written(app):
    form, _ = _errors(app)
    assert form.member.description == "One person"
    assert form.answer.description == ""


class Ticks(FlaskForm):
    class Meta:
        csrf = False

    must = checkboxes("Which?", [("a", "A"), ("b", "B")], required="Select at least one")
    may = checkboxes("Which else?", [("a", "A"), ("b", "B")], hint="Select all that apply.")


def test_checkboxes_need_a_tick_only_when_required_and_refuse_unknown_choices(app):
    with app.test_request_context(method="POST", data=MultiDict()):
        form = Ticks()
        form.validate()
        assert form.errors == {"must": ["Select at least one"]}
        assert form.may.description == "Select all that apply."
    with app.test_request_context(method="POST", data=MultiDict([("must", "a"), ("may", "z")])):
        form = Ticks()
        form.validate()
        assert "must" not in form.errors and list(form.errors) == ["may"]
