"""Access alerts through HTTP: searches that match a rule raise an alert on the worklist of
the CAF contacts of the searcher's borough, who look into it and record an outcome, audited.
The thresholds come from data: the national defaults, tuned by the borough."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from tests.monitoring.world import events, search_for
from webapp import db
from webapp.access.permissions import Role
from webapp.audit import services as audit_services
from webapp.monitoring.alert_models import AccessAlert, AlertOutcome, AlertSetting


def alerts(rule: str | None = None) -> list[AccessAlert]:
    db.session.expire_all()
    statement = select(AccessAlert).order_by(AccessAlert.id)
    if rule:
        statement = statement.where(AccessAlert.rule == rule)
    return list(db.session.scalars(statement))


def tune(client, rule: str, threshold, hours, enabled: str = "yes"):
    return client.post_form(
        f"/access-alerts/rules/{rule}",
        {"threshold": str(threshold), "window_hours": str(hours), "enabled": enabled},
    )


@pytest.fixture
def contact(signed_in, world):
    return signed_in(world.caf_contact)


@pytest.fixture
def nurse(signed_in, world):
    return signed_in(world.nurse)


def test_a_search_for_a_shielded_child_with_no_follow_up_reaches_the_caf_contact_who_records_an_outcome(  # noqa: E501
    contact, nurse, world
):
    world.child.shielded = True
    db.session.commit()

    search_for(nurse, world.child)

    (alert,) = alerts("shielded_child")
    assert (alert.user_id, alert.borough_id) == (world.nurse.id, world.nurse.borough_id)
    (raised,) = events("monitoring.alert_raised")
    assert json.loads(raised.detail)["rule"] == "shielded_child"
    worklist = contact.get("/access-alerts").get_data(as_text=True)
    assert f"/access-alerts/{alert.id}" in worklist
    assert "Searches that found a shielded child" in worklist
    page = contact.get(f"/access-alerts/{alert.id}").get_data(as_text=True)
    history_link = f"/people/{world.nurse.id}/access-history"
    assert history_link in page
    history = contact.get(f"{history_link}?kind=search").get_data(as_text=True)
    assert "Nothing followed" in history

    for data, message in (
        ({"comment": "Spoke to her"}, "Select what the alert came to"),
        ({"outcome": "warning", "comment": "  "}, "Enter what you found"),
        ({"outcome": "sacked", "comment": "x"}, "Select an option from the list"),
    ):
        response = contact.post_form(f"/access-alerts/{alert.id}", data)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    response = contact.post_form(
        f"/access-alerts/{alert.id}",
        {"outcome": "explained", "comment": "The school asked her to check on Ada; she did."},
    )

    assert response.status_code == 302
    (done,) = alerts("shielded_child")
    assert done.outcome is AlertOutcome.EXPLAINED
    assert done.reviewed_by_id == world.caf_contact.id
    (reviewed,) = events("monitoring.alert_reviewed", world.caf_contact)
    assert json.loads(reviewed.detail)["outcome"] == "explained"
    assert f"/access-alerts/{alert.id}" not in contact.get("/access-alerts").get_data(as_text=True)
    again = contact.post_form(
        f"/access-alerts/{alert.id}", {"outcome": "referred", "comment": "Changed my mind"}
    )
    assert again.status_code == 200
    assert alerts("shielded_child")[0].outcome is AlertOutcome.EXPLAINED


def test_the_thresholds_come_from_the_boroughs_data(contact, nurse, world):
    for _ in range(3):
        search_for(nurse, world.child)
    assert alerts("no_follow_up") == []  # the national default: 10 searches in 24 hours

    response = tune(contact, "no_follow_up", 4, 2)

    assert response.status_code == 302
    setting = db.session.scalars(select(AlertSetting)).one()
    assert (setting.borough_id, setting.threshold, setting.window_hours) == (
        world.caf_contact.borough_id,
        4,
        2,
    )
    (tuned,) = events("monitoring.alert_rule_tuned", world.caf_contact)
    detail = json.loads(tuned.detail)
    assert detail["before"]["threshold"] == 10 and detail["after"]["threshold"] == 4
    rules_page = contact.get("/access-alerts/rules").get_data(as_text=True)
    assert "4 or more searches within 2 hours" in rules_page
    search_for(nurse, world.child)
    (alert,) = alerts("no_follow_up")
    assert alert.summary.startswith("4 searches in 2 hours")
    # One open alert per person and rule in a window.
    search_for(nurse, world.child)
    assert len(alerts("no_follow_up")) == 1


def test_a_rule_the_borough_turns_off_raises_nothing(contact, nurse, world):
    world.child.shielded = True
    db.session.commit()
    assert tune(contact, "shielded_child", 1, 24, enabled="no").status_code == 302
    search_for(nurse, world.child)
    assert alerts("shielded_child") == []


def test_one_boroughs_thresholds_leave_another_boroughs_alone(contact, signed_in, world):
    assert tune(contact, "no_follow_up", 1, 24).status_code == 302
    outsider = signed_in(world.other_practitioner)
    search_for(outsider, world.child)
    assert alerts("no_follow_up") == []


def test_wrong_thresholds_are_told_as_gov_uk_errors(contact, world):
    for threshold, hours, message in (
        ("", "24", "Enter the number of searches"),
        ("ten", "24", "The number of searches must be a whole number"),
        ("0", "24", "The number of searches must be between 1 and 1000"),
        ("5", "100000", "The number of hours must be between 1 and 744"),
        ("5", "-1", "The number of hours must be a whole number"),
    ):
        response = tune(contact, "no_follow_up", threshold, hours)
        assert response.status_code == 200, (threshold, hours)
        page = response.get_data(as_text=True)
        assert "<title>Error: " in page and message in page, (threshold, hours)
    assert db.session.scalars(select(AlertSetting)).all() == []
    assert contact.get("/access-alerts/rules/no-such-rule").status_code == 404


def test_a_search_for_a_child_who_shares_the_searchers_surname_raises_an_alert(nurse, world):
    world.nurse.full_name = "Nell Quillfeather"
    db.session.commit()
    search_for(nurse, world.child)
    (alert,) = alerts("same_surname")
    assert alert.user_id == world.nurse.id


def test_repeated_other_reasons_raise_an_alert(contact, nurse, world):
    tune(contact, "other_reasons", 2, 24)
    search_for(nurse, world.child, reason="other", details="Curious")
    assert alerts("other_reasons") == []
    search_for(nurse, world.child, reason="other", details="Still curious")
    assert len(alerts("other_reasons")) == 1


def test_searches_that_find_only_children_of_other_boroughs_raise_an_alert(
    contact, signed_in, world
):
    far = make_child(make_borough("farshire"), given_names="Cai", family_name="Distantson")
    db.session.commit()
    tune(contact, "outside_borough", 2, 24)
    nurse = signed_in(world.nurse)
    search_for(nurse, far)
    search_for(nurse, world.child)  # a child of their own borough: not counted
    assert alerts("outside_borough") == []
    search_for(nurse, far)
    assert len(alerts("outside_borough")) == 1


def test_searches_at_unusual_hours_raise_an_alert(contact, nurse, world, monkeypatch):
    tune(contact, "unusual_hours", 1, 24)
    monkeypatch.setattr(audit_services, "utcnow", lambda: datetime(2026, 12, 3, 14, 30))
    search_for(nurse, world.child)
    assert alerts("unusual_hours") == []
    monkeypatch.setattr(audit_services, "utcnow", lambda: datetime(2026, 12, 3, 23, 30))
    search_for(nurse, world.child)
    assert len(alerts("unusual_hours")) == 1


def test_only_the_caf_contact_of_the_persons_borough_sees_and_decides_alerts(
    app, contact, nurse, world
):
    world.child.shielded = True
    db.session.commit()
    search_for(nurse, world.child)
    (alert,) = alerts("shielded_child")
    path = f"/access-alerts/{alert.id}"
    outsider = app.test_client()
    sign_in(outsider, world.other_caf_contact)
    assert outsider.get(path).status_code == 404
    assert (
        outsider.post_form(
            path, {"outcome": "referred", "comment": "x"}, token_from="/"
        ).status_code
        == 404
    )
    assert f'{path}"' not in outsider.get("/access-alerts").get_data(as_text=True)
    for person in (world.nurse, world.health_manager, world.assessor, world.administrator):
        client = app.test_client()
        sign_in(client, person)
        for page in (path, "/access-alerts", "/access-alerts/rules"):
            assert client.get(page).status_code == 403, (person.email, page)
        assert tune(client, "no_follow_up", 1, 1).status_code in (400, 403)
    assert alerts("shielded_child")[0].reviewed_at is None
    assert db.session.scalars(select(AlertSetting)).all() == []
    assert app.test_client().get("/access-alerts").headers["Location"].startswith("/sign-in")


def test_a_caf_contact_never_decides_an_alert_about_themselves(app, world):
    second = make_user(make_organisation(world.child.borough), Role.BOROUGH_CAF_CONTACT)
    far = make_child(make_borough("eastshire"), family_name="Faraway", shielded=True)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.caf_contact)
    search_for(client, far)
    (alert,) = alerts("shielded_child")
    assert alert.user_id == world.caf_contact.id
    assert client.get(f"/access-alerts/{alert.id}").status_code == 404
    colleague = app.test_client()
    sign_in(colleague, second)
    assert colleague.get(f"/access-alerts/{alert.id}").status_code == 200


def test_bulk_downloads_raise_an_alert_for_another_caf_contact_to_decide(
    signed_in, contact, nurse, world
):
    second = make_user(make_organisation(world.child.borough), Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    assert tune(contact, "bulk_downloads", 2, 1).status_code == 302
    for _ in range(3):
        search_for(nurse, world.child)  # searches are not documents
    export = f"/children/{world.child.id}/access-history.csv"
    assert contact.get(export).status_code == 200
    assert alerts("bulk_downloads") == []

    assert contact.get(export).status_code == 200

    (alert,) = alerts("bulk_downloads")
    assert alert.user_id == world.caf_contact.id
    assert alert.summary.startswith("2 documents in 1 hour: ")
    assert contact.get(f"/access-alerts/{alert.id}").status_code == 404
    colleague = signed_in(second)
    assert f"/access-alerts/{alert.id}" in colleague.get("/access-alerts").get_data(as_text=True)
