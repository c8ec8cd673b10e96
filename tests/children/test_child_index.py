"""The child index through HTTP: tolerant search, a stated reason, audit, rate limit,
shielding, and starting a CAF only through the index."""

from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from tests.queries import is_page_query
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode


@pytest.fixture
def index(app):
    borough = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(borough, Sector.SCHOOL, name="Riverside Primary")
    practitioner = make_user(school)
    children = {
        "zoe": make_child(
            borough,
            given_names="Zoë",
            family_name="O'Brien",
            date_of_birth=date(2014, 3, 7),
            postcode="SE15 4AB",
            unique_reference="RIV0000001",
        ),
        "william": make_child(
            borough,
            given_names="William",
            family_name="Smith",
            date_of_birth=date(2012, 11, 2),
            postcode="SE22 8QT",
        ),
        "shielded": make_child(
            borough,
            given_names="Amara",
            family_name="Okafor",
            date_of_birth=date(2016, 1, 9),
            postcode="SE5 7RR",
            address_line_1="12 Safe Street",
            shielded=True,
        ),
    }
    db.session.commit()
    return {"borough": borough, "school": school, "practitioner": practitioner, **children}


def search(client, **criteria):
    data = {"reason": "existing_caf", **criteria}
    if "date_of_birth" in data:
        born = data.pop("date_of_birth")
        data.update(
            {
                "date_of_birth-day": str(born.day),
                "date_of_birth-month": str(born.month),
                "date_of_birth-year": str(born.year),
            }
        )
    return client.post_form("/child-index", data)


def found(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [title.get_text(strip=True) for title in soup.select(".govuk-summary-card__title")]


def test_a_search_finds_the_child_despite_accents_typos_and_a_transposed_date(client, index):
    sign_in(client, index["practitioner"])
    response = search(
        client, given_name="Zoe", family_name="OBrian", date_of_birth=date(2014, 7, 3)
    )
    assert found(response) == ["Zoë O'Brien"]


def test_a_nickname_finds_the_child(client, index):
    sign_in(client, index["practitioner"])
    assert found(search(client, given_name="Bill", family_name="Smyth")) == ["William Smith"]


def test_a_reference_alone_finds_the_child(client, index):
    sign_in(client, index["practitioner"])
    assert found(search(client, reference="riv0000001")) == ["Zoë O'Brien"]


def test_results_show_basic_details_and_who_is_working_with_the_child(client, index):
    lead = make_user(index["school"], email="lead@riverside.example")
    make_episode(index["william"], index["practitioner"], lead_professional=lead)
    db.session.commit()
    sign_in(client, index["practitioner"])
    page = search(client, given_name="William", family_name="Smith").get_data(as_text=True)
    assert "Open: started" in page
    assert "lead@riverside.example" in page
    assert "already has an open CAF" in page
    assert "Start a CAF" not in page


def test_results_list_every_caf_and_each_person_working_on_the_open_ones_once(client, index):
    health = make_organisation(
        make_borough("hillside", name="Hillside Council"), Sector.HEALTH, name="Hillside Health"
    )
    lead = make_user(health, email="lead@hillside.example")
    closed_by = make_user(index["school"], email="former@riverside.example")
    make_episode(
        index["william"],
        closed_by,
        lead_professional=closed_by,
        opened_at=datetime(2020, 5, 4, 9, 0),
        closed_at=datetime(2021, 1, 6, 9, 0),
    )
    make_episode(
        index["william"],
        lead,
        borough_id=lead.borough_id,
        lead_professional=lead,
        coordinator=lead,
        opened_at=datetime(2024, 9, 2, 9, 0),
    )
    db.session.commit()
    sign_in(client, index["practitioner"])
    soup = BeautifulSoup(
        search(client, given_name="William", family_name="Smith").get_data(as_text=True),
        "html.parser",
    )
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd")
        for row in soup.select(".govuk-summary-list__row")
    }
    cafs = [" ".join(p.get_text().split()) for p in rows["CAF"].select("p")]
    assert cafs == [
        f"Open: started 2 September 2024 by {lead.full_name} (Hillside Council)",
        f"Closed: started 4 May 2020 by {closed_by.full_name} (London Borough of Riverside)",
    ]
    working = [
        " ".join(p.get_text(" ").split()) for p in rows["Working with the child"].select("p")
    ]
    # The lead is also the assessor and coordinator: shown once. Nobody from a closed CAF.
    assert working == [
        f"Lead professional: {lead.full_name}, Hillside Health lead@hillside.example"
    ]


def test_a_search_runs_the_same_queries_however_many_children_it_shows(client, app, index):
    """No query per child or per episode shown: at national scale a search shows ten."""
    others = [
        make_child(
            index["borough"],
            given_names="William",
            family_name="Smyth",
            date_of_birth=date(2012, 11, 2),
            postcode=f"SE22 {n}QT",
        )
        for n in range(1, 4)
    ]
    for child in [index["william"], *others]:
        make_episode(
            child, make_user(index["school"]), lead_professional=make_user(index["school"])
        )
    db.session.commit()
    sign_in(client, index["practitioner"])

    def statements_of(**criteria) -> tuple[int, int]:
        seen: list[str] = []
        engine = db.engine_for(app)

        def remember(_conn, _cursor, statement, *_rest):
            if is_page_query(statement):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", remember)
        try:
            page = search(client, **criteria)
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        return len(found(page)), len(seen)

    one, one_statements = statements_of(reference=index["william"].unique_reference)
    four, four_statements = statements_of(
        given_name="William", family_name="Smith", date_of_birth=date(2012, 11, 2)
    )
    assert (one, four) == (1, 4)
    assert four_statements == one_statements


def test_every_search_needs_a_reason_and_enough_details(client, index):
    sign_in(client, index["practitioner"])
    no_reason = client.post_form("/child-index", {"family_name": "Smith", "given_name": "W"})
    assert "Select why you are searching" in no_reason.get_data(as_text=True)
    too_little = search(client, family_name="Smith")
    assert (
        "Enter the child&#39;s family name and one other detail, or their unique reference"
        in too_little.get_data(as_text=True)
    )
    other = search(client, reason="other", family_name="Smith", given_name="W")
    assert "Give the reason you are searching" in other.get_data(as_text=True)
    bad_postcode = search(client, family_name="Smith", postcode="XX PC 1")
    assert "Enter a real postcode, like SE15 4AB" in bad_postcode.get_data(as_text=True)


def test_a_search_is_audited_with_its_reason_and_results(client, index):
    sign_in(client, index["practitioner"])
    search(client, given_name="William", family_name="Smith")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "child_index.searched")
    ).one()
    assert event.actor_id == index["practitioner"].id
    assert "checking whether a CAF exists" in event.detail
    assert str(index["william"].id) in event.detail


def test_searches_are_limited_per_user(client, app, index):
    app.config["CHILD_INDEX_SEARCHES_PER_HOUR"] = 2
    sign_in(client, index["practitioner"])
    assert search(client, reference="RIV0000001").status_code == 200
    assert search(client, reference="RIV0000001").status_code == 200
    assert search(client, reference="RIV0000001").status_code == 429


def test_a_shielded_childs_address_and_contacts_are_hidden(client, index):
    sign_in(client, index["practitioner"])
    page = search(client, given_name="Amara", family_name="Okafor").get_data(as_text=True)
    assert "Shielded" in page
    assert "12 Safe Street" not in page
    assert "SE5 7RR" not in page


def test_the_borough_caf_contact_sees_a_shielded_childs_address(client, index):
    contact = make_user(index["school"], Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    sign_in(client, contact)
    page = search(client, given_name="Amara", family_name="Okafor").get_data(as_text=True)
    assert "12 Safe Street" in page


def test_a_practitioner_starts_a_caf_for_a_child_they_found(client, index):
    sign_in(client, index["practitioner"])
    search(client, given_name="William", family_name="Smith")
    response = client.post_form(
        f"/children/{index['william'].id}/episodes",
        {"social_care": "not_known"},
        token_from="/child-index",
    )
    assert response.status_code == 302
    episode = db.session.scalars(select(Episode)).one()
    assert (episode.child_id, episode.assessor_id, episode.state) == (
        index["william"].id,
        index["practitioner"].id,
        "identified",
    )
    assert episode.workflow_id == "caf-riverside"
    assert episode.reference.startswith("RIV-")


def test_a_caf_cannot_be_started_for_a_child_not_found_through_the_index(client, index):
    sign_in(client, index["practitioner"])
    response = client.post_form(
        f"/children/{index['william'].id}/episodes",
        {"social_care": "not_known"},
        token_from="/child-index",
    )
    assert response.status_code == 404
    assert db.session.scalars(select(Episode)).all() == []


def test_a_second_open_caf_is_not_started(client, index):
    make_episode(index["william"], index["practitioner"])
    db.session.commit()
    sign_in(client, index["practitioner"])
    search(client, given_name="William", family_name="Smith")
    client.post_form(
        f"/children/{index['william'].id}/episodes",
        {"social_care": "not_known"},
        token_from="/child-index",
    )
    assert len(db.session.scalars(select(Episode)).all()) == 1


def test_a_practitioner_without_an_in_date_dbs_check_cannot_search(client, index):
    lapsed = make_user(index["school"], dbs_check_date=date(2015, 1, 1))
    db.session.commit()
    sign_in(client, lapsed)
    assert client.get("/child-index").status_code == 403


def test_a_search_with_no_details_at_all_is_refused(client, index):
    sign_in(client, index["practitioner"])
    response = search(client)
    assert "There is a problem" in response.get_data(as_text=True)
    assert found(response) == []
    assert (
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "child_index.searched")
        ).all()
        == []
    )
