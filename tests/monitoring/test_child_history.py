"""A child's access history, through HTTP: the borough CAF contact of the child's borough
sees every search that returned the child and every page of their episodes opened, by
whom, with the reason given, oldest first; filters narrow it; the CSV export is audited.
Nobody else reads it, whatever their role, and each refusal is audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.monitoring.world import (
    events,
    refusals_by,
    search_for,
)
from tests.monitoring.world import history_rows as rows
from webapp import db
from webapp.monitoring import history
from webapp.monitoring.models import SearchHit


@pytest.fixture
def accessed(signed_in, world):
    """The nurse searches for the child (a concern); the assessor opens the episode."""
    search_for(signed_in(world.nurse), world.child)
    assessor = signed_in(world.assessor)
    assert assessor.get(f"/episodes/{world.episode.id}").status_code == 200
    return world


def history_path(world) -> str:
    return f"/children/{world.child.id}/access-history"


def test_the_caf_contact_sees_who_searched_and_who_opened_the_episode_in_time_order(
    client, accessed
):
    world = accessed
    sign_in(client, world.caf_contact)

    response = client.get(history_path(world))

    assert response.status_code == 200
    found = rows(response)
    assert [row["kind"] for row in found] == ["search", "page"]
    search, opened = found
    assert world.nurse.full_name in search["Who"] and "Riverside Health" in search["Who"]
    assert search["Reason given"] == "I have a concern about a child I work with"
    assert world.assessor.full_name in opened["Who"]
    assert opened["Episode"] == world.episode.reference
    assert "Looked at the episode" in opened["What"]
    # Reading the history is itself audited, as a read of the child's record.
    (viewed,) = events("monitoring.child_history_viewed", world.caf_contact)
    assert viewed.child_id == world.child.id


def test_a_search_that_returned_the_child_is_found_through_its_hit_row(client, accessed):
    world = accessed
    (search,) = events("child_index.searched", world.nurse)
    assert search.child_id is None  # the event itself names no child
    hits = db.session.query(SearchHit).filter_by(event_id=search.id).all()
    assert [hit.child_id for hit in hits] == [world.child.id]


def test_the_caf_contact_filters_by_kind_person_and_dates(client, accessed):
    world = accessed
    sign_in(client, world.caf_contact)
    path = history_path(world)

    searches = rows(client.get(path, query_string={"kind": "search"}))
    assert [row["kind"] for row in searches] == ["search"]
    by_assessor = rows(client.get(path, query_string={"person": str(world.assessor.id)}))
    assert [row["kind"] for row in by_assessor] == ["page"]
    assert all(world.assessor.full_name in row["Who"] for row in by_assessor)
    tomorrow = date.today() + timedelta(days=1)
    later = client.get(
        path,
        query_string={
            "since-day": tomorrow.day,
            "since-month": tomorrow.month,
            "since-year": tomorrow.year,
        },
    )
    assert rows(later) == []
    assert "Nothing matches these filters" in later.get_data(as_text=True)
    today = date.today()
    until_today = client.get(
        path,
        query_string={"until-day": today.day, "until-month": today.month, "until-year": today.year},
    )
    others = [row for row in rows(until_today) if world.caf_contact.full_name not in row["Who"]]
    assert [row["kind"] for row in others] == ["search", "page"]


def test_wrong_filters_are_told_as_gov_uk_errors_never_a_server_error(client, accessed):
    world = accessed
    sign_in(client, world.caf_contact)
    path = history_path(world)
    today, yesterday = date.today(), date.today() - timedelta(days=1)
    backwards = {
        "since-day": today.day,
        "since-month": today.month,
        "since-year": today.year,
        "until-day": yesterday.day,
        "until-month": yesterday.month,
        "until-year": yesterday.year,
    }
    for query, message in (
        (backwards, "The date to show to must be the same as or after the date to show from"),
        ({"since-day": "31", "since-month": "2", "since-year": "2026"}, "must be a real date"),
        ({"since-day": "1", "since-year": "2026"}, "must include a month"),
        ({"kind": "gossip"}, "Select an option from the list"),
        ({"person": "999999"}, "Select an option from the list"),
    ):
        response = client.get(path, query_string=query)
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        assert "<title>Error: " in page, query
        assert message in page, query
        assert rows(response) == [], query


def test_the_csv_export_holds_the_filtered_history_and_is_audited(client, accessed):
    world = accessed
    sign_in(client, world.caf_contact)

    response = client.get(
        f"/children/{world.child.id}/access-history.csv", query_string={"kind": "search"}
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:5] == ["When (UTC)", "Who", "Organisation", "Kind of access", "What"]
    assert len(table) == 2
    assert table[1][1] == world.nurse.full_name
    assert table[1][6] == "I have a concern about a child I work with"
    (exported,) = events("monitoring.child_history_exported", world.caf_contact)
    assert exported.child_id == world.child.id
    detail = json.loads(exported.detail)
    assert detail["rows"] == 1 and detail["filters"]["kind"] == "search"
    # The export shows in the child's history as a document that left the service.
    page = rows(client.get(history_path(world), query_string={"kind": "document"}))
    assert [row["What"] for row in page][-1].endswith("Exported the child's access history")


def test_the_csv_export_never_writes_a_cell_a_spreadsheet_would_run(client, app, world):
    world.nurse.full_name = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    nurse = app.test_client()
    sign_in(nurse, world.nurse)
    search_for(nurse, world.child)
    sign_in(client, world.caf_contact)

    response = client.get(f"/children/{world.child.id}/access-history.csv")

    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_the_caf_contact_finds_the_history_from_the_episode_and_the_search(client, accessed):
    world = accessed
    sign_in(client, world.caf_contact)
    link = f'href="/children/{world.child.id}/access-history"'
    assert link in client.get(f"/episodes/{world.episode.id}").get_data(as_text=True)
    assert link in search_for(client, world.child).get_data(as_text=True)


def test_no_one_else_reads_the_history_or_its_export_and_each_attempt_is_audited(app, accessed):
    world = accessed
    for person in (
        world.assessor,  # works on the episode
        world.nurse,  # searched for the child
        world.school_manager,  # manages the assessor's team
        world.health_manager,
        world.other_caf_contact,  # another borough's CAF contact
        world.other_practitioner,
        world.administrator,
    ):
        client = app.test_client()
        sign_in(client, person)
        before = len(refusals_by(person))
        for path in (history_path(world), f"/children/{world.child.id}/access-history.csv"):
            response = client.get(path)
            assert response.status_code == 404, (person.email, path)
            assert "I have a concern" not in response.get_data(as_text=True)
        assert len(refusals_by(person)) == before + 2, person.email
        assert not events("monitoring.child_history_exported", person)
    anonymous = app.test_client()
    for path in (history_path(world), f"/children/{world.child.id}/access-history.csv"):
        response = anonymous.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_a_long_history_comes_in_pages_that_keep_the_filters(client, accessed, monkeypatch):
    world = accessed
    monkeypatch.setattr(history, "PAGE_SIZE", 1)
    sign_in(client, world.caf_contact)
    client.get(history_path(world))  # a second page opened: this look at the history
    first = client.get(history_path(world), query_string={"kind": "page"})
    (opened,) = rows(first)
    assert world.assessor.full_name in opened["Who"]
    later = BeautifulSoup(first.get_data(as_text=True), "html.parser").select_one("a[rel=next]")
    assert "kind=page" in later["href"] and "page=2" in later["href"]
    (viewed,) = rows(client.get(later["href"]))
    assert viewed["kind"] == "page" and world.caf_contact.full_name in viewed["Who"]


def test_a_guessed_child_id_answers_404_as_a_hidden_one_does(client, world):
    sign_in(client, world.caf_contact)
    assert client.get("/children/999999/access-history").status_code == 404
    assert client.get("/children/999999/access-history.csv").status_code == 404
