"""Reading reports through HTTP: who may, whose episodes they count, the period."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_child, make_episode
from tests.reports.world import PERIOD, SINCE, months_ago, tables
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.govuk_dates import govuk_date
from webapp.reports.forms import end_of_month


def test_a_manager_reads_their_teams_figures(world, signed_in):
    response = signed_in(world.school_manager).get("/reports", query_string=PERIOD)
    assert response.status_code == 200
    found = tables(response)
    # 12 + 16 + 3 of the school's started in the period; health's 3 are not the team's.
    assert found["summary"]["CAFs started in the period"] == "31"
    assert found["summary"]["CAFs closed in the period"] == "16"
    assert found["closed-by-reason"]["Needs met"] == "10"
    assert found["closed-by-reason"]["Stepped up to specialist services"] == "6"
    assert found["started-by-sector"]["Health"] == "0"


def test_a_borough_caf_contact_reads_the_boroughs_figures(world, signed_in):
    found = tables(signed_in(world.caf_contact).get("/reports", query_string=PERIOD))
    assert found["summary"]["CAFs started in the period"] == "34"
    assert found["started-by-sector"]["Health"] == "fewer than 5"
    assert found["started-by-area"]["SE5"] == "fewer than 5"


def test_a_borough_administrator_reads_the_boroughs_figures_too(world, signed_in):
    found = tables(signed_in(world.borough_admin).get("/reports", query_string=PERIOD))
    assert found["summary"]["CAFs started in the period"] == "34"


def test_the_system_administrator_reads_every_borough_counts_only(world, signed_in):
    response = signed_in(world.system_admin).get("/reports", query_string=PERIOD)
    found = tables(response)
    assert found["summary"]["CAFs started in the period"] == "41"
    assert set(found["started-by-borough"]) == {"Riverside Council", "Northgate Council", "Total"}
    assert "waiting-times" not in found
    only_northgate = tables(
        signed_in(world.system_admin).get(
            "/reports", query_string=PERIOD | {"borough": str(world.other_borough.id)}
        )
    )
    assert only_northgate["summary"]["CAFs closed in the period"] == "0"


def test_a_practitioner_is_refused(world, signed_in):
    client = signed_in(world.school_practitioner)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/export.csv").status_code == 403
    assert "/reports" not in client.get("/").get_data(as_text=True)


def test_someone_signed_out_is_sent_to_sign_in(client):
    assert client.get("/reports").status_code == 302


def test_the_home_page_links_to_reports_for_those_who_may_read_them(world, signed_in):
    for person in (
        world.school_manager,
        world.caf_contact,
        world.borough_admin,
        world.system_admin,
    ):
        assert 'href="/reports"' in signed_in(person).get("/").get_data(as_text=True)


def test_a_manager_never_sees_another_team_or_borough_whatever_the_address(world, signed_in):
    client = signed_in(world.other_manager)  # Northgate: their team started 7
    for query in ({}, {"borough": str(world.borough.id)}):
        found = tables(client.get("/reports", query_string=PERIOD | query))
        assert found["summary"]["CAFs started in the period"] == "7"
        assert found["summary"]["CAFs closed in the period"] == "0"
    # Riverside's areas are not even offered.
    page = client.get("/reports", query_string=PERIOD | {"area": "SE15"}).get_data(as_text=True)
    assert "Select an option from the list" in page and "<table" not in page
    health = tables(signed_in(world.health_manager).get("/reports", query_string=PERIOD))
    assert health["summary"]["CAFs started in the period"] == "fewer than 5"


def test_stages_are_titled_by_the_workflow(world, signed_in):
    found = tables(signed_in(world.caf_contact).get("/reports", query_string=PERIOD))
    assert "Delivering the plan" in found["open-by-stage"]
    assert "Referred to children's social care" in found["open-by-stage"]


def test_waiting_times_come_from_the_history(world, signed_in):
    response = signed_in(world.school_manager).get("/reports", query_string=PERIOD)
    found = tables(response)
    # 12 reached assessment after 10 to 21 days (median 15.5), 6 their first review.
    row = response.get_data(as_text=True)
    assert "From the start of the CAF to the assessment completed" in found["waiting-times"]
    assert found["waiting-times"]["From the start of the CAF to the assessment completed"] in (
        "16 days",
        "15 days",
    )
    assert "Median" in row


def test_a_wrong_period_gets_govuk_messages_not_an_error(world, signed_in):
    client = signed_in(world.caf_contact)
    cases = [
        ({"since-day": "31", "since-month": "2", "since-year": "2026"}, "must be a real date"),
        ({"since-day": "1", "since-month": "", "since-year": "2026"}, "must include a month"),
        (
            {
                "since-day": "1",
                "since-month": "6",
                "since-year": "2026",
                "until-day": "1",
                "until-month": "1",
                "until-year": "2026",
            },
            "must be the same as or after the date it starts",
        ),
        (
            {
                "since-day": "1",
                "since-month": "1",
                "since-year": "2001",
                "until-day": "1",
                "until-month": "1",
                "until-year": "2026",
            },
            "must cover 3 years or less",
        ),
        ({"since-day": "1", "since-month": "1", "since-year": "2999"}, "today or in the past"),
        ({"sector": "pirates"}, "Select an option from the list"),
        ({"age": "'; drop table episode;--"}, "Select an option from the list"),
        ({"area": "ZZ99"}, "Select an option from the list"),
        ({"borough": "1"}, None),  # not a filter for a borough's reader: ignored
    ]
    for query, message in cases:
        response = client.get("/reports", query_string=query)
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        if message:
            assert "govuk-error-summary" in page and message in page, query
            assert "<table" not in page
            assert client.get("/reports/export.csv", query_string=query).status_code == 302


def test_reading_a_report_is_audited(world, signed_in):
    signed_in(world.caf_contact).get("/reports", query_string=PERIOD | {"sector": "school"})
    events = list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reports.viewed"))
    )
    assert len(events) == 1 and events[0].actor_id == world.caf_contact.id
    assert '"sector": "school"' in events[0].detail


def test_a_report_counts_whole_months_so_days_cannot_be_subtracted(world, signed_in):
    one_day = months_ago(2, day=14)
    make_episode(
        make_child(world.borough), world.health_practitioner, state="delivering", opened_at=one_day
    )
    db.session.commit()
    client = signed_in(world.caf_contact)

    def report_to(day: date):
        query = PERIOD | {"until-day": day.day, "until-month": day.month, "until-year": day.year}
        return client.get("/reports", query_string=query)

    before, on = report_to(one_day.date() - timedelta(days=1)), report_to(one_day.date())
    assert tables(before) == tables(on)
    page = before.get_data(as_text=True)
    heading = page.split('id="period">')[1].split("<")[0]
    last_day = end_of_month(one_day.date())
    assert heading == f"{govuk_date(SINCE)} to {govuk_date(last_day)}"
