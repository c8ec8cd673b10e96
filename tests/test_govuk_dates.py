"""Dates and times on every page in GOV.UK's words, from one filter each."""

from datetime import date, datetime

from flask import render_template_string

from webapp.govuk_dates import govuk_date, govuk_date_time


def test_a_date_has_no_leading_zero_and_the_month_in_full():
    assert govuk_date(date(2024, 3, 5)) == "5 March 2024"
    assert govuk_date(datetime(2024, 12, 25, 23, 59)) == "25 December 2024"


def test_a_time_is_on_the_24_hour_clock_after_the_date():
    assert govuk_date_time(datetime(2024, 3, 5, 9, 7)) == "5 March 2024 at 09:07"


def test_pages_use_the_same_functions_as_filters(app):
    with app.test_request_context():
        page = render_template_string(
            "{{ day | govuk_date }}; {{ moment | govuk_date_time }}",
            day=date(2024, 3, 5),
            moment=datetime(2024, 3, 5, 14, 30),
        )
    assert page == "5 March 2024; 5 March 2024 at 14:30"
