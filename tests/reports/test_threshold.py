"""A borough administrator sets the borough's suppression threshold, through HTTP."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_organisation, make_user
from tests.reports.world import PERIOD, tables
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent


def test_an_administrator_raises_the_threshold_and_reports_follow(world, signed_in):
    client = signed_in(world.borough_admin)
    assert 'href="/reports/threshold"' in client.get("/reports").get_data(as_text=True)
    response = client.post_form("/reports/threshold", {"threshold": "10"})
    assert response.status_code == 302
    db.session.refresh(world.borough)
    assert world.borough.report_threshold == 10
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reports.threshold_changed")
    )
    assert event.actor_id == world.borough_admin.id
    assert '"previous": 5' in event.detail and '"threshold": 10' in event.detail
    found = tables(signed_in(world.caf_contact).get("/reports", query_string=PERIOD))
    assert found["closed-by-reason"]["Stepped up to specialist services"] == "fewer than 10"


def test_a_threshold_that_is_not_a_whole_number_from_5_to_50_is_refused(world, signed_in):
    client = signed_in(world.borough_admin)
    for value in ("", "4", "0", "-5", "51", "abc", "1e3", "7.5", "999"):
        response = client.post_form("/reports/threshold", {"threshold": value})
        assert response.status_code == 200, value
        assert "Enter a whole number from 5 to 50" in response.get_data(as_text=True), value
    db.session.refresh(world.borough)
    assert world.borough.report_threshold == 5


def test_only_a_boroughs_administrator_sets_its_threshold(world, signed_in):
    for person in (world.caf_contact, world.school_manager, world.school_practitioner):
        client = signed_in(person)
        assert client.get("/reports/threshold").status_code == 403
        assert (
            client.post_form("/reports/threshold", {"threshold": "9"}, token_from="/").status_code
            == 403
        )
    other_admin = make_user(make_organisation(world.other_borough), Role.BOROUGH_ADMIN)
    db.session.commit()
    signed_in(other_admin).post_form("/reports/threshold", {"threshold": "20"})
    db.session.refresh(world.borough)
    db.session.refresh(world.other_borough)
    assert world.borough.report_threshold == 5
    assert world.other_borough.report_threshold == 20


def test_a_threshold_stored_below_the_default_is_not_used(world, signed_in):
    world.borough.report_threshold = 2
    db.session.commit()
    found = tables(signed_in(world.caf_contact).get("/reports", query_string=PERIOD))
    assert found["started-by-sector"]["Health"] == "fewer than 5"
