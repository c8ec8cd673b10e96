"""The child index search form is written out in GOV.UK markup (children/_search_fields.html)
for speed: it must draw exactly what the govuk-frontend-wtf widgets and GOV.UK macros draw,
in every state of every field, so that it stays as accessible as every other form."""

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from webapp.children.forms import ChildSearchForm

THROUGH_MACROS = """
{% from "macros.html" import radios_with_reveal %}
{% set other_reason %}{{ form.reason_details(params={'rows': 2}) }}{% endset %}
{{ radios_with_reveal(form.reason, {'other': other_reason}) }}
{{ form.given_name(params={'classes': 'govuk-!-width-two-thirds', 'autocomplete': 'off',
                           'spellcheck': false}) }}
{{ form.family_name(params={'classes': 'govuk-!-width-two-thirds', 'autocomplete': 'off',
                            'spellcheck': false}) }}
{{ form.date_of_birth(params={'fieldset': {'legend': {'text': form.date_of_birth.label.text,
                                                      'classes': 'govuk-fieldset__legend--s'}}}) }}
{{ form.postcode(params={'classes': 'govuk-input--width-10', 'autocomplete': 'off'}) }}
{{ form.reference(params={'classes': 'govuk-input--width-20', 'autocomplete': 'off'}) }}
{{ form.submit }}
"""

WRITTEN_OUT = """
{% import "children/_search_fields.html" as fields %}
{% set other_reason %}{{ fields.textarea(form.reason_details, 2) }}{% endset %}
{{ fields.radios(form.reason, {'other': other_reason}) }}
{{ fields.text_input(form.given_name, 'govuk-!-width-two-thirds', spellcheck=false) }}
{{ fields.text_input(form.family_name, 'govuk-!-width-two-thirds', spellcheck=false) }}
{{ fields.date_input(form.date_of_birth) }}
{{ fields.text_input(form.postcode, 'govuk-input--width-10') }}
{{ fields.text_input(form.reference, 'govuk-input--width-20') }}
{{ fields.submit_button(form.submit) }}
"""

STATES = {
    "first visit": None,
    "a valid search": {
        "reason": "existing_caf",
        "given_name": "Zoë",
        "family_name": "O'Brien <b>",
        "date_of_birth-day": "7",
        "date_of_birth-month": "3",
        "date_of_birth-year": "2014",
        "postcode": "se15 4ab",
        "reference": "RIV0000001",
    },
    "nothing chosen or given": {"given_name": "", "family_name": ""},
    "another reason, not given, a day missing, names too long": {
        "reason": "other",
        "given_name": "A" * 121,
        "family_name": "Smith",
        "reference": "R" * 41,
        "date_of_birth-month": "3",
        "date_of_birth-year": "2014",
        "postcode": "XX 1",
    },
    "another reason given, and a date that is not real": {
        "reason": "other",
        "reason_details": "A colleague asked me to check",
        "family_name": "Smith",
        "date_of_birth-day": "31",
        "date_of_birth-month": "2",
        "date_of_birth-year": "2014",
    },
}


def tree(html: str) -> list:
    """The elements, attributes (classes as a set) and words: what a browser reads."""

    def node(element):
        if isinstance(element, NavigableString):
            words = " ".join(element.split())
            return [words] if words else []
        if not isinstance(element, Tag):
            return []
        attributes = {
            name: " ".join(sorted(value)) if isinstance(value, list) else value
            for name, value in element.attrs.items()
        }
        children = [part for child in element.children for part in node(child)]
        return [(element.name, attributes, children)]

    soup = BeautifulSoup(html, "html.parser")
    return [part for child in soup.children for part in node(child)]


@pytest.mark.parametrize("state", STATES)
def test_the_written_out_search_form_draws_what_the_govuk_macros_draw(app, state):
    data = STATES[state]
    method = "GET" if data is None else "POST"
    with app.test_request_context("/child-index", method=method, data=MultiDict(data or {})):
        form = ChildSearchForm(meta={"csrf": False})
        if data is not None:
            form.validate()
        expected = render_template_string(THROUGH_MACROS, form=form)
        drawn = render_template_string(WRITTEN_OUT, form=form)
    assert tree(drawn) == tree(expected)


def test_the_states_compared_include_every_field_in_error(app):
    in_error, inputs = set(), set()
    for data in STATES.values():
        with app.test_request_context("/child-index", method="POST", data=MultiDict(data or {})):
            form = ChildSearchForm(meta={"csrf": False})
            form.validate()
            in_error |= {field.name for field in form if field.errors}
            inputs = {field.name for field in form if field.type != "SubmitField"}
    assert in_error == inputs
