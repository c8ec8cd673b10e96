"""The home page's worklists, through HTTP: each user sees the episodes they stand in the
list's role to, and nobody else's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event

from tests.conftest import sign_in
from tests.factories import make_organisation, make_user
from tests.home.conftest import days_from_today, northgate_episode, riverside_episode
from tests.queries import is_page_query
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


def home_worklists(client) -> dict[str, dict]:
    """{worklist key: {"count": n, "references": [...], "statuses": [...]}} from the page."""
    response = client.get("/")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    lists = {}
    for section in page.select("section[data-worklist]"):
        heading = section.select_one("h3").get_text(strip=True)
        rows = section.select("tbody tr")
        lists[section["data-worklist"]] = {
            "count": int(heading.rsplit("(", 1)[1].rstrip(")")),
            "references": [row.select_one("a").get_text(strip=True) for row in rows],
            "statuses": [tag.get_text(strip=True) for tag in section.select("tbody .govuk-tag")],
            "links": [row.select_one("a")["href"] for row in rows],
        }
    return lists


def test_a_practitioner_sees_their_open_episodes_in_any_role_but_not_closed_ones(client, people):
    led = riverside_episode(people, "delivering")
    assessed = riverside_episode(people, "assessing", lead_professional=None)
    coordinated = riverside_episode(
        people,
        "delivering",
        assessor=people["health_worker"],
        lead_professional=None,
        coordinator=people["assessor"],
    )
    riverside_episode(people, "closed")
    riverside_episode(
        people, "delivering", assessor=people["health_worker"], lead_professional=None
    )
    sign_in(client, people["assessor"])

    mine = home_worklists(client)["my_open_episodes"]

    assert mine["count"] == 3
    assert sorted(mine["references"]) == sorted(
        [led.reference, assessed.reference, coordinated.reference]
    )


def test_every_link_in_a_worklist_opens_the_episode(client, people):
    riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
    riverside_episode(people, "assessing")
    sign_in(client, people["lead"])

    links = [link for worklist in home_worklists(client).values() for link in worklist["links"]]

    assert len(links) == 3
    assert all(client.get(link).status_code == 200 for link in links)


def test_an_episode_is_not_listed_to_a_role_that_may_not_see_it_at_its_stage(client, people):
    # In "Needs identified" only the assessor, managers and the CAF contact may see it.
    riverside_episode(people, "identified", lead_professional=None, coordinator=people["lead"])
    sign_in(client, people["lead"])

    assert home_worklists(client)["my_open_episodes"]["count"] == 0


def test_reviews_overdue_due_today_and_due_within_two_weeks_are_listed_oldest_first(client, people):
    soon = riverside_episode(people, "delivering", next_review_on=days_from_today(10))
    overdue = riverside_episode(people, "reviewing", next_review_on=days_from_today(-3))
    today = riverside_episode(people, "delivering", next_review_on=days_from_today(0))
    riverside_episode(people, "delivering", next_review_on=days_from_today(30))
    riverside_episode(people, "delivering", next_review_on=None)
    riverside_episode(people, "assessing", next_review_on=days_from_today(-5))
    sign_in(client, people["lead"])

    reviews = home_worklists(client)["reviews_due"]

    assert reviews["count"] == 3
    assert reviews["references"] == [overdue.reference, today.reference, soon.reference]
    assert reviews["statuses"] == ["Overdue by 3 days", "Due today", "Due soon: in 10 days"]


def test_the_assessor_is_not_asked_for_reviews_only_the_lead_and_coordinator(client, people):
    riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
    sign_in(client, people["assessor"])

    assert "reviews_due" not in home_worklists(client) or (
        home_worklists(client)["reviews_due"]["count"] == 0
    )


def test_a_manager_sees_closure_requests_of_their_own_team_only(client, people):
    ours = riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    riverside_episode(
        people,
        "closure_requested",
        assessor=people["health_worker"],
        lead_professional=people["health_worker"],
        closure_requested_by_id=people["health_worker"].id,
    )
    northgate_episode(
        people, "closure_requested", closure_requested_by_id=people["northgate_worker"].id
    )
    sign_in(client, people["manager"])

    approvals = home_worklists(client)["awaiting_my_approval"]

    assert approvals["count"] == 1
    assert approvals["references"] == [ours.reference]


def test_a_manager_of_another_team_sees_none_of_this_teams_episodes(client, people):
    riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
    sign_in(client, people["health_manager"])

    lists = home_worklists(client)

    assert lists["awaiting_my_approval"]["count"] == 0
    assert all(worklist["references"] == [] for worklist in lists.values())


def test_a_manager_does_not_see_a_closure_they_requested_themselves(client, people):
    riverside_episode(
        people,
        "closure_requested",
        lead_professional=people["manager"],
        closure_requested_by_id=people["manager"].id,
    )
    sign_in(client, people["manager"])

    assert home_worklists(client)["awaiting_my_approval"]["count"] == 0


def test_the_riverside_caf_contact_approves_closures_and_checks_quality_in_their_borough(
    client, people
):
    closing = riverside_episode(
        people, "closure_requested", closure_requested_by_id=people["lead"].id
    )
    checking = riverside_episode(people, "assessed")
    northgate_episode(people, "assessed")
    northgate_episode(
        people, "closure_requested", closure_requested_by_id=people["northgate_worker"].id
    )
    sign_in(client, people["caf_contact"])

    lists = home_worklists(client)

    assert lists["awaiting_quality_check"]["references"] == [checking.reference]
    assert lists["awaiting_my_approval"]["references"] == [closing.reference]


def test_a_caf_contact_of_another_borough_sees_none_of_riversides_episodes(client, people):
    riverside_episode(people, "assessed")
    riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    sign_in(client, people["northgate_contact"])

    lists = home_worklists(client)

    # Northgate runs the national workflow: no quality check, and its CAF contact does not
    # approve closures.
    assert "awaiting_quality_check" not in lists
    assert "awaiting_my_approval" not in lists
    assert all(worklist["references"] == [] for worklist in lists.values())


def test_a_practitioner_sees_no_one_elses_episodes_and_no_approval_lists(client, people):
    riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    riverside_episode(people, "assessed")
    riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
    sign_in(client, people["health_worker"])

    lists = home_worklists(client)

    assert set(lists) == {"my_open_episodes", "reviews_due"}
    assert all(worklist["count"] == 0 for worklist in lists.values())


def test_counts_cover_the_whole_list_when_only_the_first_rows_are_shown(
    client, people, monkeypatch
):
    from webapp.home import worklists

    monkeypatch.setattr(worklists, "ROW_LIMIT", 2)
    for _ in range(3):
        riverside_episode(people, "assessing")
    sign_in(client, people["assessor"])

    mine = home_worklists(client)["my_open_episodes"]

    assert mine["count"] == 3
    assert len(mine["references"]) == 2
    assert "Showing 2 of 3." in client.get("/").get_data(as_text=True)


def test_a_practitioner_whose_dbs_check_has_lapsed_sees_no_worklists_and_is_told_why(
    client, people
):
    from datetime import date

    lapsed = make_user(
        make_organisation(people["riverside"], Sector.SCHOOL), dbs_check_date=date(2001, 1, 1)
    )
    riverside_episode(people, "assessing", assessor=lapsed)
    sign_in(client, lapsed)

    page = client.get("/").get_data(as_text=True)

    assert home_worklists(client) == {}
    assert "in-date enhanced DBS check" in page


@pytest.mark.parametrize("role", [Role.BOROUGH_ADMIN, Role.SYSTEM_ADMIN])
def test_administrators_have_no_worklists_but_a_link_to_the_workflows(client, people, role):
    admin = make_user(make_organisation(people["riverside"], Sector.LOCAL_AUTHORITY), role)
    db.session.commit()
    sign_in(client, admin)

    page = client.get("/").get_data(as_text=True)

    assert home_worklists(client) == {}
    assert "/admin/workflows" in page


def test_the_number_of_queries_does_not_grow_with_the_number_of_episodes(client, people, app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if is_page_query(statement):
            statements.append(statement)

    def queries_for_home() -> int:
        statements.clear()
        engine = db.engine_for(app)
        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get("/")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    sign_in(client, people["manager"])
    riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
    riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
    few = queries_for_home()
    for _ in range(15):
        riverside_episode(people, "closure_requested", closure_requested_by_id=people["lead"].id)
        riverside_episode(people, "delivering", next_review_on=days_from_today(-1))
        riverside_episode(people, "assessing")

    assert queries_for_home() == few
