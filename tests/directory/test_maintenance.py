"""Borough administrators add, change, remove and put back their own borough's services,
and nobody else's; every change is audited. Through HTTP."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.directory.helpers import (
    error_messages,
    error_summary,
    make_directory_world,
    make_service,
    result_names,
    soup_of,
)
from tests.factories import make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.directory import services
from webapp.directory.models import Service, ServiceLevel

GOOD = {
    "name": "Bumps and Babies",
    "provider": "Eastmoor Children's Centres",
    "description": "A weekly group for parents-to-be and babies under 1.",
    "level": "universal",
    "client_group": "Expectant parents and parents of babies",
    "min_age": "0",
    "max_age": "1",
    "coverage": "Whole borough",
    "residents_only": "no",
    "address": "Eastmoor Children's Centre\n2 Park Road",
    "access_routes": ["drop_in", "self_referral"],
    "referral_details": "Just come along on Tuesday mornings.",
    "phone": "020 7946 0123",
    "email": "bumps@eastmoor.example",
    "website": "www.eastmoor.example/bumps",
}


@pytest.fixture
def world(app):
    return make_directory_world()


@pytest.fixture
def east(world):
    return world["eastmoor"]


@pytest.fixture
def west_service(world):
    west = world["westfold"]
    service = make_service(west["borough"], west["admin"], name="Westfold Youth Club")
    db.session.commit()
    return service


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def services_named(name: str) -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.name == name)))


def edit_form(client, service) -> dict:
    """What the edit page's form holds, as a browser would send it back."""
    page = soup_of(client.get(f"/directory/services/{service.id}/edit"))
    data: dict = {}
    for element in page.select("form input, form textarea"):
        name = element.get("name")
        if not name or element.get("type") == "submit":
            continue
        if element.get("type") in ("radio", "checkbox"):
            if element.has_attr("checked"):
                data.setdefault(name, []).append(element["value"])
        elif element.name == "textarea":
            data[name] = element.get_text().lstrip("\n")
        else:
            data[name] = element.get("value", "")
    return data


# --- adding ---------------------------------------------------------------------------------


def test_an_administrator_adds_a_service_to_their_own_boroughs_directory(client, east):
    sign_in(client, east["admin"])
    response = client.post_form("/directory/services/new", GOOD)
    assert response.status_code == 302
    [service] = services_named("Bumps and Babies")
    assert response.headers["Location"].endswith(f"/directory/services/{service.id}")
    assert service.borough_id == east["borough"].id
    assert (service.min_age, service.max_age, service.level) == (0, 1, ServiceLevel.UNIVERSAL)
    assert service.drop_in and service.self_referral and not service.professional_referral
    assert service.address == "Eastmoor Children's Centre\n2 Park Road"
    assert service.website == "https://www.eastmoor.example/bumps"
    assert service.active and service.created_by_id == east["admin"].id
    [event] = events("directory.service_created")
    assert (event.actor_id, event.object_id) == (east["admin"].id, str(service.id))
    assert "Bumps and Babies" in soup_of(client.get(response.headers["Location"])).h1.text


def test_a_forged_borough_in_the_form_is_ignored(client, world, east):
    sign_in(client, east["admin"])
    forged = {**GOOD, "borough_id": str(world["westfold"]["borough"].id), "borough": "westfold"}
    assert client.post_form("/directory/services/new", forged).status_code == 302
    [service] = services_named("Bumps and Babies")
    assert service.borough_id == east["borough"].id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the service name"),
        ({"name": "   "}, "name", "Enter the service name"),
        (
            {"provider": ""},
            "provider",
            "Enter the name of the organisation that provides the service",
        ),
        ({"description": ""}, "description", "Enter what the service does"),
        ({"level": ""}, "level", "Select the level of the service"),
        ({"level": "extreme"}, "level", "Select an option from the list"),
        ({"client_group": ""}, "client_group", "Enter who the service is for"),
        ({"min_age": ""}, "min_age", "Enter the minimum age"),
        ({"max_age": ""}, "max_age", "Enter the maximum age"),
        ({"min_age": "two"}, "min_age", "Minimum age must be a whole number of years, like 5"),
        ({"max_age": "1.5"}, "max_age", "Maximum age must be a whole number of years, like 5"),
        ({"min_age": "-1"}, "min_age", "Minimum age must be a whole number of years, like 5"),
        ({"min_age": "30", "max_age": "30"}, "min_age", "Minimum age must be between 0 and 25"),
        ({"max_age": "26"}, "max_age", "Maximum age must be between 0 and 25"),
        (
            {"min_age": "11", "max_age": "5"},
            "max_age",
            "Maximum age must be the same as or more than minimum age",
        ),
        ({"coverage": ""}, "coverage", "Enter the areas the service covers"),
        (
            {"residents_only": ""},
            "residents_only",
            "Select whether the service is only for residents of the borough",
        ),
        ({"address": ""}, "address", "Enter where the service is based"),
        ({"access_routes": []}, "access_routes", "Select how families can get the service"),
        ({"access_routes": ["by_pigeon"]}, "access_routes", "Select an option from the list"),
        (
            {"email": "not-an-email"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"phone": "12345"},
            "phone",
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        (
            {"website": "javascript:alert(1)"},
            "website",
            "Enter a website address in the correct format, like https://www.example.org",
        ),
        (
            {"website": "not a website"},
            "website",
            "Enter a website address in the correct format, like https://www.example.org",
        ),
        (
            {"website": "ftp://files.example.org"},
            "website",
            "Enter a website address in the correct format, like https://www.example.org",
        ),
        ({"name": "n" * 161}, "name", "Service name must be 160 characters or fewer"),
        ({"provider": "p" * 161}, "provider", "Organisation name must be 160 characters or fewer"),
        (
            {"description": "d" * 5001},
            "description",
            "Description must be 5000 characters or fewer",
        ),
        (
            {"client_group": "c" * 501},
            "client_group",
            "Who the service is for must be 500 characters or fewer",
        ),
        ({"coverage": "c" * 501}, "coverage", "Areas covered must be 500 characters or fewer"),
        (
            {"address": "a" * 401},
            "address",
            "Where the service is based must be 400 characters or fewer",
        ),
        (
            {"referral_details": "r" * 2001},
            "referral_details",
            "How to refer must be 2000 characters or fewer",
        ),
        ({"phone": "0" * 41}, "phone", "Telephone number must be 40 characters or fewer"),
        ({"email": "e" * 250 + "@x.org"}, "email", "Email address must be 254 characters or fewer"),
        (
            {"website": "https://" + "w" * 500 + ".org"},
            "website",
            "Website address must be 500 characters or fewer",
        ),
    ],
)
def test_every_bad_answer_gets_a_gov_uk_error_linked_to_its_field(
    client, east, changes, field, message
):
    sign_in(client, east["admin"])
    response = client.post_form("/directory/services/new", {**GOOD, **changes})
    assert response.status_code == 200
    assert (message, f"#{field}") in error_summary(response)
    page = soup_of(response)
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one(f"#{field}") is not None
    assert any(
        message in group.get_text(" ", strip=True)
        for group in page.select(".govuk-form-group--error")
    )
    assert services_named(GOOD["name"]) == []
    assert events("directory.service_created") == []


def test_the_answers_are_kept_when_the_page_is_shown_again_with_errors(client, east):
    sign_in(client, east["admin"])
    page = soup_of(client.post_form("/directory/services/new", {**GOOD, "name": ""}))
    assert page.select_one("#provider")["value"] == GOOD["provider"]
    assert page.select_one("#description").get_text(strip=True) == GOOD["description"]
    assert page.select_one("input[name=level][value=universal]").has_attr("checked")


def test_two_services_of_a_borough_cannot_have_the_same_name(client, east):
    make_service(east["borough"], east["admin"], name="Bumps and Babies")
    db.session.commit()
    sign_in(client, east["admin"])
    response = client.post_form("/directory/services/new", {**GOOD, "name": "bumps and babies"})
    assert error_messages(response) == [
        "Your borough's directory already has a service with this name"
    ]
    assert len(services_named("Bumps and Babies")) == 1


def test_another_borough_may_use_the_same_name(client, world, east):
    west = world["westfold"]
    make_service(west["borough"], west["admin"], name="Bumps and Babies")
    db.session.commit()
    sign_in(client, east["admin"])
    assert client.post_form("/directory/services/new", GOOD).status_code == 302
    assert len(services_named("Bumps and Babies")) == 2


def test_adding_without_the_csrf_token_is_refused(client, east):
    sign_in(client, east["admin"])
    response = client.post(
        "/directory/services/new", data={**GOOD, "csrf_token": "forged"},
        headers={"Referer": "https://localhost/"},
    )  # fmt: skip
    assert response.status_code == 400
    assert services_named(GOOD["name"]) == []


@pytest.mark.parametrize("role", ["practitioner", "manager", "caf_contact"])
def test_only_administrators_may_add_services(client, east, role):
    sign_in(client, east[role])
    assert client.get("/directory/services/new").status_code == 403
    response = client.post_form("/directory/services/new", GOOD, token_from="/")
    assert response.status_code == 403
    assert services_named(GOOD["name"]) == []
    assert "Add a service" not in client.get("/directory").get_data(as_text=True)


# --- changing ---------------------------------------------------------------------------------


def test_an_administrator_changes_their_own_boroughs_service(client, east):
    service = make_service(east["borough"], east["admin"], name="Stay and Play", max_age=5)
    db.session.commit()
    sign_in(client, east["admin"])
    data = edit_form(client, service)
    assert data["name"] == "Stay and Play" and data["max_age"] == "5"
    data.update(max_age="7", coverage="North ward", access_routes=["drop_in"])
    response = client.post_form(f"/directory/services/{service.id}/edit", data)
    assert response.status_code == 302
    db.session.refresh(service)
    assert (service.max_age, service.coverage) == (7, "North ward")
    assert service.drop_in and not service.self_referral
    [event] = events("directory.service_updated")
    assert event.object_id == str(service.id)
    assert set(json.loads(event.detail)["changed"]) == {
        "max_age",
        "coverage",
        "drop_in",
        "self_referral",
    }


def test_changing_with_bad_answers_changes_nothing(client, east):
    service = make_service(east["borough"], east["admin"], name="Stay and Play", max_age=5)
    db.session.commit()
    sign_in(client, east["admin"])
    data = {**edit_form(client, service), "min_age": "9", "name": ""}
    response = client.post_form(f"/directory/services/{service.id}/edit", data)
    assert error_messages(response) == [
        "Enter the service name",
        "Maximum age must be the same as or more than minimum age",
    ]
    db.session.refresh(service)
    assert (service.name, service.min_age) == ("Stay and Play", 0)
    assert events("directory.service_updated") == []


def test_a_change_based_on_an_old_version_is_not_saved_over_a_newer_one(
    client, other_client, world, east
):
    service = make_service(east["borough"], east["admin"], name="Stay and Play")
    colleague = make_user(east["admin"].organisation, Role.BOROUGH_ADMIN)
    db.session.commit()
    sign_in(client, east["admin"])
    sign_in(other_client, colleague)
    mine = edit_form(client, service)
    theirs = {**edit_form(other_client, service), "coverage": "South ward"}
    assert (
        other_client.post_form(f"/directory/services/{service.id}/edit", theirs).status_code == 302
    )
    response = client.post_form(
        f"/directory/services/{service.id}/edit", {**mine, "coverage": "North ward"}
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Someone else changed this service while you were editing it. Check the details and "
        "save them again."
    ]
    db.session.refresh(service)
    assert service.coverage == "South ward"


def test_saving_without_changes_records_nothing(client, east):
    service = make_service(east["borough"], east["admin"], name="Stay and Play")
    db.session.commit()
    sign_in(client, east["admin"])
    response = client.post_form(
        f"/directory/services/{service.id}/edit", edit_form(client, service)
    )
    assert response.status_code == 302
    assert events("directory.service_updated") == []


# --- the borough boundary -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/directory/services/{id}/edit"),
        ("post", "/directory/services/{id}/edit"),
        ("get", "/directory/services/{id}/deactivate"),
        ("post", "/directory/services/{id}/deactivate"),
        ("post", "/directory/services/{id}/reactivate"),
    ],
)
def test_an_administrator_cannot_maintain_another_boroughs_service(
    client, east, west_service, method, path
):
    sign_in(client, east["admin"])
    url = path.format(id=west_service.id)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post_form(url, {**GOOD, "lock_version": "1"}, token_from="/directory")
    assert response.status_code == 404
    db.session.refresh(west_service)
    assert (west_service.name, west_service.active) == ("Westfold Youth Club", True)
    [event] = events("directory.refused")
    assert (event.actor_id, event.object_id) == (east["admin"].id, str(west_service.id))
    assert events("directory.service_updated") == events("directory.service_deactivated") == []


def test_another_boroughs_service_page_offers_no_changes(client, east, west_service):
    sign_in(client, east["admin"])
    page = soup_of(client.get(f"/directory/services/{west_service.id}"))
    assert page.h1.get_text(strip=True) == "Westfold Youth Club"
    assert "Manage this service" not in page.get_text()
    assert not page.select_one("a[href*='/edit'], a[href*='/deactivate']")


def test_a_guessed_id_that_does_not_exist_is_not_found_and_audited(client, east):
    sign_in(client, east["admin"])
    assert client.get("/directory/services/424242/edit").status_code == 404
    [event] = events("directory.refused")
    assert event.object_id == "424242"


@pytest.mark.parametrize("role", ["practitioner", "manager", "caf_contact"])
def test_nobody_but_an_administrator_may_change_or_remove_a_service(client, east, role):
    service = make_service(east["borough"], east["admin"], name="Stay and Play")
    db.session.commit()
    sign_in(client, east[role])
    assert client.get(f"/directory/services/{service.id}/edit").status_code == 403
    assert client.get(f"/directory/services/{service.id}/deactivate").status_code == 403
    for action in ("edit", "deactivate", "reactivate"):
        response = client.post_form(
            f"/directory/services/{service.id}/{action}", GOOD, token_from="/directory"
        )
        assert response.status_code == 403
    db.session.refresh(service)
    assert (service.name, service.active) == ("Stay and Play", True)
    page = soup_of(client.get(f"/directory/services/{service.id}"))
    assert not page.select_one("a[href*='/edit'], a[href*='/deactivate']")


# --- removing and putting back --------------------------------------------------------------------


def test_an_administrator_removes_a_service_and_puts_it_back(client, east):
    service = make_service(east["borough"], east["admin"], name="Stay and Play")
    db.session.commit()
    sign_in(client, east["admin"])
    confirm = soup_of(client.get(f"/directory/services/{service.id}/deactivate"))
    assert "Remove ‘Stay and Play’ from the directory?" in confirm.h1.get_text()
    response = client.post_form(f"/directory/services/{service.id}/deactivate")
    assert response.status_code == 302
    db.session.refresh(service)
    assert not service.active
    assert len(events("directory.service_deactivated")) == 1
    assert "Stay and Play" not in result_names(client.get("/directory"))
    response = client.post_form(
        f"/directory/services/{service.id}/reactivate",
        token_from=f"/directory/services/{service.id}",
    )
    assert response.status_code == 302
    db.session.refresh(service)
    assert service.active
    assert len(events("directory.service_reactivated")) == 1
    assert "Stay and Play" in result_names(client.get("/directory"))


@pytest.mark.parametrize("action", ["edit", "deactivate"])
def test_changing_or_removing_without_the_csrf_token_is_refused(client, east, action):
    service = make_service(east["borough"], east["admin"], name="Stay and Play")
    db.session.commit()
    sign_in(client, east["admin"])
    response = client.post(
        f"/directory/services/{service.id}/{action}",
        data={**GOOD, "lock_version": "1"},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    db.session.refresh(service)
    assert (service.name, service.active) == ("Stay and Play", True)
    assert events("directory.service_updated") == events("directory.service_deactivated") == []


def test_a_name_taken_at_the_same_moment_is_refused_not_an_error_page(client, east, monkeypatch):
    sign_in(client, east["admin"])
    # Someone else saves the same name between the check and the save.
    monkeypatch.setattr(services, "_check", lambda *args, **kwargs: None)
    make_service(east["borough"], east["admin"], name=GOOD["name"])
    db.session.commit()
    response = client.post_form("/directory/services/new", GOOD)
    assert response.status_code == 200
    assert error_messages(response) == [services.NAME_TAKEN]
    assert len(services_named(GOOD["name"])) == 1
