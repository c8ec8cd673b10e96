"""The list of the borough's accounts: only the borough's, searchable, with the DBS rule's
warnings; and only administrators get to it. Through HTTP."""

from datetime import date, timedelta

import pytest

from tests.conftest import sign_in
from tests.factories import make_user
from tests.useradmin.helpers import make_accounts_world, soup_of
from webapp import db
from webapp.access.permissions import Role


@pytest.fixture
def world(app):
    return make_accounts_world()


def listed_ids(response) -> set[int]:
    return {int(row["data-account"]) for row in soup_of(response).select("tr[data-account]")}


def row_text(response, account) -> str:
    row = soup_of(response).select_one(f"tr[data-account='{account.id}']")
    return row.get_text(" ", strip=True)


def test_administrator_sees_every_account_of_their_borough_and_no_other(client, world):
    east, west = world["eastmoor"], world["westfold"]
    sign_in(client, east["admin"])
    response = client.get("/admin/users")
    assert response.status_code == 200
    shown = listed_ids(response)
    assert {east[key].id for key in ("admin", "practitioner", "manager", "caf_contact")} <= shown
    assert not shown & {west[key].id for key in ("admin", "practitioner", "manager")}
    # The system administrators' accounts are national, not the borough's.
    assert world["system_admin"].id not in shown


def test_list_shows_roles_organisation_training_and_status(client, world):
    east = world["eastmoor"]
    person = make_user(east["clinic"], Role.PRACTITIONER, Role.MANAGER, active=False)
    person.caf_trained = False
    db.session.commit()
    sign_in(client, east["admin"])
    text = row_text(client.get("/admin/users"), person)
    assert "Practitioner" in text and "Manager" in text
    assert "Eastmoor Health Centre" in text
    assert "No" in text
    assert "Deactivated" in text


def test_search_finds_by_part_of_the_name_or_email_whatever_the_case(client, world):
    east = world["eastmoor"]
    person = make_user(east["school"], email="Jo.Bloggs@eastmoor.example")
    person.full_name = "Jo Bloggs"
    db.session.commit()
    sign_in(client, east["admin"])
    assert listed_ids(client.get("/admin/users?q=bloggs")) == {person.id}
    assert listed_ids(client.get("/admin/users?q=JO.BLOGGS@")) == {person.id}
    assert listed_ids(client.get("/admin/users?q=nobody-by-this-name")) == set()


def test_search_treats_wildcards_as_plain_characters(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    assert listed_ids(client.get("/admin/users?q=%25")) == set()
    assert listed_ids(client.get("/admin/users?q=_")) == set()


def test_search_never_reaches_another_borough(client, world):
    west_person = world["westfold"]["practitioner"]
    sign_in(client, world["eastmoor"]["admin"])
    assert listed_ids(client.get(f"/admin/users?q={west_person.email}")) == set()


def test_too_long_a_search_is_an_error_not_a_failure(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    response = client.get("/admin/users?q=" + "a" * 101)
    assert response.status_code == 200
    assert "Search must be 100 characters or fewer" in response.get_data(as_text=True)


def test_dbs_tags_follow_the_access_policy_rule(app, client, world):
    east = world["eastmoor"]
    today = date.today()
    years = app.config["DBS_VALID_YEARS"]
    lapsed = make_user(east["school"], dbs_check_date=today - timedelta(days=365 * years + 5))
    due = make_user(east["school"], dbs_check_date=today - timedelta(days=365 * years - 30))
    fine = make_user(east["school"], dbs_check_date=today - timedelta(days=100))
    none = make_user(east["school"])
    none.dbs_check_date = None
    db.session.commit()
    sign_in(client, east["admin"])
    response = client.get("/admin/users")
    assert "Out of date" in row_text(response, lapsed)
    assert "Due within 60 days" in row_text(response, due)
    assert "Not recorded" in row_text(response, none)
    fine_text = row_text(response, fine)
    assert "Out of date" not in fine_text and "Due within" not in fine_text
    assert (today - timedelta(days=100)).strftime("%-d %B %Y") in fine_text


def test_list_pages_through_a_large_borough(client, world):
    east = world["eastmoor"]
    for _ in range(55):
        make_user(east["school"])
    db.session.commit()
    sign_in(client, east["admin"])
    first, second = client.get("/admin/users"), client.get("/admin/users?page=2")
    assert len(listed_ids(first)) == 50
    assert listed_ids(second) and not listed_ids(first) & listed_ids(second)
    assert client.get("/admin/users?page=999999").status_code == 200


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact"])
def test_people_who_are_not_administrators_are_refused_every_page(client, world, who):
    east = world["eastmoor"]
    target = east["practitioner"]
    sign_in(client, east[who])
    for path in (
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{target.id}",
        f"/admin/users/{target.id}/edit",
        f"/admin/users/{target.id}/deactivate",
        f"/admin/users/{target.id}/reactivate",
    ):
        assert client.get(path).status_code == 403, path
    token = client.csrf_token("/")
    headers = {"Referer": "https://localhost/"}
    for path in (
        "/admin/users/new",
        f"/admin/users/{target.id}/edit",
        f"/admin/users/{target.id}/deactivate",
        f"/admin/users/{target.id}/set-password-link",
    ):
        response = client.post(path, data={"csrf_token": token, "reason": "x"}, headers=headers)
        assert response.status_code == 403, path
    db.session.refresh(target)
    assert target.active


def test_system_administrator_does_not_maintain_borough_accounts(client, world):
    sign_in(client, world["system_admin"])
    assert client.get("/admin/users").status_code == 403


def test_home_page_links_administrators_to_the_accounts(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    links = [link["href"] for link in soup_of(client.get("/")).select("a")]
    assert "/admin/users" in links


def test_home_page_has_no_accounts_link_for_practitioners(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    links = [link["href"] for link in soup_of(client.get("/")).select("a")]
    assert "/admin/users" not in links
