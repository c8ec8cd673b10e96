"""Quarterly access reviews through HTTP: a manager reviews what their team looked at in
the quarter that has ended, with the alerts raised about them, and attests that it was
appropriate, or that it was not and why (the CAF contact is told); an attestation never
changes; an overdue review shows as overdue and its managers are e-mailed once; the days
before a review is overdue are the borough's data; nobody else reads or records a review."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from tests.monitoring.world import events, refusals_by, search_for
from webapp import db
from webapp.access.permissions import Role
from webapp.audit import services as audit_services
from webapp.episodes.models import Notification
from webapp.monitoring import access_reviews
from webapp.monitoring.review_models import AccessReview

TODAY = date(2026, 11, 20)  # the quarter ended is July to September 2026
IN_QUARTER = datetime(2026, 8, 10, 10, 0)
QUARTER = "2026-q3"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(access_reviews, "today", lambda: TODAY)


@pytest.fixture
def head(signed_in, world):
    return signed_in(world.school_manager)


@pytest.fixture
def contact(signed_in, world):
    return signed_in(world.caf_contact)


def review_path(world, quarter: str = QUARTER) -> str:
    return f"/access-reviews/teams/{world.assessor.team_id}/{quarter}"


def reviews() -> list[AccessReview]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessReview).order_by(AccessReview.id)))


def table(response, table_id: str) -> list[dict[str, str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = soup.select_one(f"#{table_id}")
    if found is None:
        return []
    headings = [cell.get_text(" ", strip=True) for cell in found.select("thead th")]
    return [
        dict(
            zip(
                headings, (cell.get_text(" ", strip=True) for cell in row.select("td")), strict=True
            )
        )
        | {"status": row.get("data-status", "")}
        for row in found.select("tbody tr")
    ]


def in_the_quarter(monkeypatch, moment: datetime = IN_QUARTER) -> None:
    monkeypatch.setattr(audit_services, "utcnow", lambda: moment)


def test_the_manager_reviews_the_quarter_with_the_teams_access_and_alerts_and_attests_it(
    app, head, monkeypatch, signed_in, world
):
    in_the_quarter(monkeypatch)
    world.child.shielded = True
    db.session.commit()
    assessor = signed_in(world.assessor)
    search_for(assessor, world.child)  # a shielded child: an alert
    search_for(assessor, world.child)
    assert assessor.get(f"/episodes/{world.episode.id}").status_code == 200
    assert assessor.get(f"/episodes/{world.episode.id}/documents").status_code == 200
    for action in ("document.generated", "break_glass.granted"):
        audit_services.record(db.session, action, actor_id=world.assessor.id)
    in_the_quarter(monkeypatch, datetime(2026, 10, 2, 9, 0))  # the next quarter's: not counted
    search_for(assessor, world.child)
    db.session.commit()

    worklist = head.get("/access-reviews")
    (due,) = table(worklist, "your-team")
    assert (due["Quarter"], due["status"]) == ("July to September 2026", "overdue")
    page = head.get(review_path(world))
    assert page.status_code == 200
    (row,) = table(page, "team-access")  # the team, the manager aside
    assert row == {
        "Who": world.assessor.full_name,
        "Searches": "2",
        "Records opened": "1",
        "Documents": "1",
        "Urgent access": "1",
        "Alerts": "1",
        "status": "",
    }
    (alert,) = table(page, "quarter-alerts")
    assert alert["Alert"] == "Searches that found a shielded child"
    assert alert["Outcome"] == "Not yet looked into"
    (viewed,) = events("monitoring.access_review_viewed", world.school_manager)
    assert json.loads(viewed.detail)["quarter"] == QUARTER

    response = head.post_form(review_path(world), {"appropriate": "yes", "comment": ""})

    assert response.status_code == 302
    (review,) = reviews()
    assert (review.team_id, review.quarter_start, review.appropriate) == (
        world.assessor.team_id,
        date(2026, 7, 1),
        True,
    )
    kept = json.loads(review.summary)
    assert kept["members"][0]["searches"] == 2 and len(kept["alerts"]) == 1
    (attested,) = events("monitoring.access_review_attested", world.school_manager)
    assert json.loads(attested.detail)["appropriate"] is True
    (due,) = table(head.get("/access-reviews"), "your-team")
    assert due["status"] == "reviewed"
    page = head.get(review_path(world)).get_data(as_text=True)
    assert "Record the review" not in page  # read only from now on


def test_an_attestation_is_never_changed(app, head, world):
    assert head.post_form(review_path(world), {"appropriate": "yes"}).status_code == 302
    second_manager = make_user(world.assessor.organisation, Role.MANAGER)
    db.session.commit()
    client = app.test_client()

    sign_in(client, second_manager)
    response = client.post_form(
        review_path(world), {"appropriate": "no", "comment": "Changed my mind"}
    )
    assert response.status_code == 302
    assert "already been recorded" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    (review,) = reviews()
    assert review.appropriate is True
    for statement in (
        "UPDATE access_review SET appropriate = false",
        "UPDATE access_review SET comment = 'edited'",
        "DELETE FROM access_review",
    ):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
        db.session.rollback()
    assert reviews()[0].comment == ""


def test_access_found_not_appropriate_needs_a_reason_and_reaches_the_caf_contact(
    contact, head, world
):
    response = head.post_form(review_path(world), {"appropriate": "no", "comment": "  "})
    assert response.status_code == 200
    assert "Enter why the access was not appropriate" in response.get_data(as_text=True)
    response = head.post_form(review_path(world), {"comment": "x"})
    assert "Select whether your team" in response.get_data(as_text=True)
    assert not reviews()

    reason = "Two searches for a child next door, with no reason to look"
    response = head.post_form(review_path(world), {"appropriate": "no", "comment": reason})

    assert response.status_code == 302
    db.session.expire_all()
    (told,) = db.session.scalars(
        select(Notification).where(Notification.user_id == world.caf_contact.id)
    )
    assert told.kind == access_reviews.NOT_APPROPRIATE_KIND and "not appropriate" in told.message
    worklist = contact.get("/access-reviews")
    (found,) = table(worklist, "not-appropriate")
    assert found["Why"] == reason
    teams = table(worklist, "borough-teams")
    assert {row["status"] for row in teams} == {"reviewed", "overdue"}  # the health team's
    page = contact.get(review_path(world))
    assert page.status_code == 200 and reason in page.get_data(as_text=True)
    assert "Record the review" not in page.get_data(as_text=True)
    # The CAF contact reads; only the team's manager records.
    assert contact.post_form(review_path(world), {"appropriate": "yes"}).status_code == 403


def test_no_one_else_reads_or_records_a_teams_review(app, head, world):
    assert head.post_form(review_path(world), {"appropriate": "yes"}).status_code == 302
    other_borough_manager = make_user(
        make_organisation(make_borough("eastwick")), Role.MANAGER, email="boss@eastwick.example"
    )
    db.session.commit()

    refused_404 = (
        world.health_manager,  # manages another team of the borough
        other_borough_manager,
        world.other_caf_contact,  # another borough's CAF contact
    )
    for person in refused_404:
        client = app.test_client()
        sign_in(client, person)
        before = len(refusals_by(person))
        response = client.get(review_path(world))
        assert response.status_code == 404, person.email
        assert world.assessor.full_name not in response.get_data(as_text=True)
        assert client.post_form(
            review_path(world), {"appropriate": "no", "comment": "x"}, token_from="/access-reviews"
        ).status_code in (403, 404), person.email
        assert len(refusals_by(person)) >= before + 1, person.email
        assert review_path(world) not in client.get("/access-reviews").get_data(as_text=True)
    for person in (world.assessor, world.nurse, world.other_practitioner, world.administrator):
        client = app.test_client()
        sign_in(client, person)
        assert client.get("/access-reviews").status_code == 403, person.email
        assert client.get(review_path(world)).status_code == 403, person.email
        assert (
            client.post_form(review_path(world), {"appropriate": "no"}, token_from="/")
        ).status_code == 403, person.email
    anonymous = app.test_client()
    response = anonymous.get(review_path(world))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert len(reviews()) == 1 and reviews()[0].appropriate is True
    assert {event.actor_id for event in events("monitoring.access_review_viewed")} == {
        world.school_manager.id
    }


@pytest.mark.parametrize("quarter", ["2026-q4", "2027-q1", "2026-q5", "2026-3", "q3-2026"])
def test_a_quarter_not_yet_ended_or_not_a_quarter_is_not_found(head, world, quarter):
    assert head.get(review_path(world, quarter)).status_code == 404
    assert (
        head.post_form(
            review_path(world, quarter), {"appropriate": "yes"}, token_from="/access-reviews"
        ).status_code
        == 404
    )
    assert not reviews()


def test_an_overdue_review_is_reminded_by_email_once_to_the_teams_managers(
    contact, head, mail_server, runner_cli, world
):
    def remind(day: date):
        result = runner_cli.invoke(
            args=["caf", "access-reviews", "remind", "--today", day.isoformat()]
        )
        assert result.exit_code == 0, result.output
        return result.output

    # Due by 30 October (30 days after the quarter ended): not overdue on the 30th.
    assert "0 manager(s) reminded" in remind(date(2026, 10, 30))
    assert "2 manager(s) reminded; 2 emailed" in remind(TODAY)  # the school's and health's
    (email,) = mail_server.to(world.school_manager.email)
    assert "access review for July to September 2026 is overdue" in email["Subject"]
    body = email.get_body(("plain",)).get_content()
    assert f"/access-reviews/teams/{world.assessor.team_id}/{QUARTER}" in body
    assert world.child.family_name not in body
    assert "0 manager(s) reminded" in remind(TODAY)  # once only
    assert len(mail_server.messages) == 2
    reminded = events("monitoring.access_review_reminded")
    assert {json.loads(event.detail)["recipient_id"] for event in reminded} == {
        world.school_manager.id,
        world.health_manager.id,
    }
    home = head.get("/").get_data(as_text=True)
    assert "is overdue" in home and "/access-reviews" in home


def test_the_days_before_a_review_is_overdue_are_the_boroughs_to_set(contact, head, world):
    assert table(head.get("/access-reviews"), "your-team")[0]["status"] == "overdue"
    for value, message in (
        ("", "Enter the number of days"),
        ("ten", "The number of days must be a whole number"),
        ("0", "The number of days must be between 1 and 92"),
        ("93", "The number of days must be between 1 and 92"),
    ):
        response = contact.post_form("/access-reviews/overdue-days", {"days": value})
        assert response.status_code == 200 and message in response.get_data(as_text=True), value

    response = contact.post_form("/access-reviews/overdue-days", {"days": "60"})

    assert response.status_code == 302
    (due,) = table(head.get("/access-reviews"), "your-team")
    assert (due["Due by"], due["status"]) == ("29 November 2026", "due")
    (changed,) = events("monitoring.access_review_days_set", world.caf_contact)
    assert json.loads(changed.detail) == {"before": 30, "after": 60}
    assert head.get("/access-reviews/overdue-days").status_code == 403
