"""A practitioner's access history, through HTTP: their team's manager and the CAF contact
of their borough see the searches they made, with the reason and what followed each (a CAF
started, a request to join, nothing), and the records they opened. Nobody else reads it,
the practitioner included."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import make_child, make_organisation, make_user
from tests.monitoring.world import (
    events,
    refusals_by,
    search_for,
)
from tests.monitoring.world import history_rows as rows
from webapp import db
from webapp.access.permissions import Role


@pytest.fixture
def nurse(signed_in, world):
    return signed_in(world.nurse)


def history_path(person) -> str:
    return f"/people/{person.id}/access-history"


def test_the_manager_sees_each_search_with_its_reason_and_what_followed(client, nurse, world):
    newborn = make_child(world.child.borough, given_names="Bea", family_name="Nightingale")
    db.session.commit()
    search_for(nurse, world.child, reason="other", details="Checking on a sibling")
    search_for(nurse, world.child, reason="find_lead")
    joined = nurse.post_form(
        f"/children/{world.child.id}/join-request",
        {"role": "School nurse", "reason": "I see Ada weekly about her asthma"},
    )
    assert joined.status_code == 302
    search_for(nurse, newborn, reason="existing_caf")
    started = nurse.post_form(f"/children/{newborn.id}/episodes", {"social_care": "no"})
    assert started.status_code == 302
    sign_in(client, world.health_manager)

    response = client.get(history_path(world.nurse))

    assert response.status_code == 200
    searches = [row for row in rows(response) if row["kind"] == "search"]
    assert [row["Reason given"] for row in searches] == [
        "Another reason: Checking on a sibling",
        "I need to contact the lead professional or others working with the child",
        "I am checking whether a CAF exists before I start one",
    ]
    # The first search was followed by the request to join too: it came within the hour.
    assert [row["What followed"] for row in searches] == [
        "Asked to join the team around the child",
        "Asked to join the team around the child",
        "Started a CAF",
    ]
    assert all("1 child found" in row["What"] for row in searches)
    (viewed,) = events("monitoring.person_history_viewed", world.health_manager)
    assert viewed.object_id == str(world.nurse.id)


def test_a_search_nothing_came_of_says_so_and_names_no_child(client, nurse, world):
    search_for(nurse, world.child)
    sign_in(client, world.caf_contact)

    response = client.get(history_path(world.nurse))

    (row,) = rows(response)
    assert row["What followed"] == "Nothing followed"
    # The history says why and how many, never whom the search was for.
    assert world.child.family_name not in response.get_data(as_text=True)


def test_records_and_documents_opened_are_in_the_history(client, app, world):
    assessor = app.test_client()
    sign_in(assessor, world.assessor)
    assert assessor.get(f"/episodes/{world.episode.id}").status_code == 200
    assert assessor.get(f"/episodes/{world.episode.id}/documents").status_code == 200
    sign_in(client, world.school_manager)

    response = client.get(history_path(world.assessor), query_string={"kind": "page"})

    found = rows(response)
    assert [row["Episode"] for row in found] == [world.episode.reference] * 2
    assert "Looked at the episode" in found[0]["What"]
    assert "Looked at the episode's documents" in found[1]["What"]


def test_the_manager_and_the_caf_contact_find_the_people_they_may_watch(
    client, other_client, world
):
    sign_in(client, world.health_manager)
    page = client.get("/access-monitoring/people").get_data(as_text=True)
    assert history_path(world.nurse) in page
    assert history_path(world.assessor) not in page  # another team's
    assert history_path(world.health_manager) not in page  # never their own
    assert "/access-monitoring/people" in client.get("/").get_data(as_text=True)

    sign_in(other_client, world.caf_contact)
    page = other_client.get("/access-monitoring/people", query_string={"name": "%"})
    assert "Nobody found" in page.get_data(as_text=True)  # a % is found, not a wildcard
    page = other_client.get("/access-monitoring/people").get_data(as_text=True)
    assert history_path(world.nurse) in page and history_path(world.assessor) in page
    assert history_path(world.other_practitioner) not in page


def test_no_one_else_reads_a_practitioners_history(app, nurse, world):
    search_for(nurse, world.child)
    another_team = make_user(make_organisation(world.child.borough), Role.MANAGER)
    colleague = make_user(world.nurse.organisation)  # same team, not a manager
    db.session.commit()
    refused_404 = (
        world.school_manager,  # manages another team
        another_team,
        world.other_caf_contact,  # another borough's CAF contact
    )
    for person in refused_404:
        client = app.test_client()
        sign_in(client, person)
        before = len(refusals_by(person))
        response = client.get(history_path(world.nurse))
        assert response.status_code == 404, person.email
        assert "I have a concern" not in response.get_data(as_text=True)
        assert len(refusals_by(person)) == before + 1, person.email
    # Those who hold no right to read anyone's history (the nurse included) are refused it.
    for person in (world.nurse, colleague, world.other_practitioner, world.administrator):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(history_path(world.nurse)).status_code == 403, person.email
        assert client.get("/access-monitoring/people").status_code == 403, person.email
    anonymous = app.test_client()
    response = anonymous.get(history_path(world.nurse))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert not events("monitoring.person_history_viewed")


def test_a_manager_never_reads_their_own_history(client, world):
    sign_in(client, world.health_manager)
    assert client.get(history_path(world.health_manager)).status_code == 404


def test_a_guessed_person_id_answers_404(client, world):
    sign_in(client, world.caf_contact)
    assert client.get("/people/999999/access-history").status_code == 404
