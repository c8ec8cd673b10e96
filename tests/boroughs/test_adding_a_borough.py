"""The system administrator adds a local authority on /admin/boroughs: its details and CAF
contact, the council as its first organisation, and its first administrator, who is
e-mailed a link to set their password; then more organisations. Bad details are all
reported at once and add nothing. Nobody else may."""

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.mailbox import link_in, written, written_to
from tests.two_factor import pass_second_step
from tests.useradmin.helpers import error_summary, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.accounts.passwords import is_usable
from webapp.audit.models import NATIONAL_CHAIN
from webapp.boroughs.models import Borough, BoroughKind, Organisation, Sector

NEW = "/admin/boroughs/new"


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def system_client(client, world):
    sign_in(client, world["system_admin"])
    return client


def good(**changes) -> dict:
    data = {
        "name": "Shirebrook County Council",
        "code": "Shirebrook",
        "kind": "county",
        "region": "East Midlands",
        "contact_name": "Early help hub",
        "contact_email": "Early.Help@Shirebrook.example",
        "contact_phone": "01632 960000",
        "contact_address": "County Hall, Shirebrook",
        "admin_name": "Dee Admin",
        "admin_email": "dee.admin@shirebrook.example",
    }
    data.update(changes)
    return data


def borough_named(code: str) -> Borough | None:
    return db.session.scalars(select(Borough).where(Borough.code == code)).one_or_none()


def boroughs_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Borough))


def test_the_system_administrator_adds_a_borough_with_its_administrator(app, system_client):
    response = system_client.post_form(NEW, good())
    assert response.status_code == 302
    borough = borough_named("shirebrook")
    assert response.headers["Location"] == f"/admin/boroughs/{borough.id}"
    assert (borough.name, borough.kind, borough.region) == (
        "Shirebrook County Council",
        BoroughKind.COUNTY,
        "East Midlands",
    )
    assert (borough.caf_contact_name, borough.caf_contact_email) == (
        "Early help hub",
        "early.help@shirebrook.example",
    )
    (council,) = db.session.scalars(
        select(Organisation).where(Organisation.borough_id == borough.id)
    ).all()
    assert (council.name, council.sector) == ("Shirebrook County Council", Sector.LOCAL_AUTHORITY)
    admin = db.session.scalars(
        select(User).where(User.email == "dee.admin@shirebrook.example")
    ).one()
    assert (admin.borough_id, admin.organisation_id) == (borough.id, council.id)
    assert admin.roles == {Role.BOROUGH_ADMIN}
    assert not is_usable(admin.password_hash)
    (message,) = written_to(app, "dee.admin@shirebrook.example")
    assert message["Subject"] == "Set your password for eCAF"
    page = system_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have sent a link to set a password to its administrator" in page
    assert link_in(message).rsplit("/", 1)[1] not in page
    assert "Dee Admin (dee.admin@shirebrook.example)" in page
    (added,) = events("boroughs.borough_added")
    assert json.loads(added.detail)["code"] == "shirebrook"
    assert added.actor_id is not None
    assert len(events("useradmin.account_created")) == 1


def test_the_new_administrator_sets_a_password_and_keeps_the_new_borough(
    app, system_client, other_client
):
    system_client.post_form(NEW, good())
    path = link_in(written_to(app, "dee.admin@shirebrook.example")[0])
    password = "a long and personal passphrase"
    other_client.post_form(path, {"password": password, "confirm": password})
    signed_in = other_client.post_form(
        "/sign-in", {"email": "dee.admin@shirebrook.example", "password": password}
    )
    assert signed_in.status_code == 302
    pass_second_step(other_client, signed_in, "dee.admin@shirebrook.example")
    home = other_client.get("/").get_data(as_text=True)
    assert "Import user accounts from a CSV file" in home
    accounts = other_client.get("/admin/users/new").get_data(as_text=True)
    assert "Shirebrook County Council" in accounts
    assert "Eastmoor" not in accounts


def test_every_problem_is_reported_at_once_and_nothing_is_added(system_client, world):
    before = boroughs_count()
    response = system_client.post_form(NEW, {})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("Enter the name of the local authority", "#name"),
        ("Enter the borough's code", "#code"),
        ("Select the kind of local authority", "#kind"),
        ("Enter the CAF contact's email address", "#contact_email"),
        ("Enter the administrator's full name", "#admin_name"),
        ("Enter the administrator's email address", "#admin_email"),
    ]
    assert boroughs_count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "eastmoor"}, "code", "A borough with the code eastmoor already exists"),
        (
            {"code": "shire brook"},
            "code",
            "Code must be 3 to 40 lowercase letters, digits or hyphens, starting with a "
            "letter, like riverside",
        ),
        ({"code": "../etc"}, "code", None),
        ({"code": "x" * 41}, "code", None),
        ({"name": "london borough of EASTMOOR"}, "name", None),
        ({"name": "N" * 121}, "name", "Name must be 120 characters or fewer"),
        ({"kind": "parish"}, "kind", "Select an option from the list"),
        (
            {"contact_email": "not an address"},
            "contact_email",
            "Enter the CAF contact's email address in the correct format, like name@example.com",
        ),
        ({"contact_phone": "0" * 41}, "contact_phone", None),
        (
            {"admin_email": "ADMIN" + "@x.example"},
            "admin_email",
            None,
        ),
    ],
)
def test_bad_details_add_nothing(system_client, world, changes, field, message):
    if field == "admin_email":
        changes = {"admin_email": world["eastmoor"]["admin"].email.upper()}
        message = "An account with this email address already exists"
    if field == "name":
        world["eastmoor"]["borough"].name = "London Borough of Eastmoor"
        db.session.commit()
    before = boroughs_count()
    accounts = db.session.scalar(select(func.count()).select_from(User))
    response = system_client.post_form(NEW, good(**changes))
    assert response.status_code == 400
    errors = dict((href[1:], text) for text, href in error_summary(response))
    assert field in errors, errors
    if message:
        assert errors[field] == message
    assert boroughs_count() == before
    assert db.session.scalar(select(func.count()).select_from(User)) == accounts
    assert events("boroughs.borough_added") == []


def test_the_system_administrator_adds_an_organisation_to_a_borough(system_client, world):
    borough = world["westfold"]["borough"]
    path = f"/admin/boroughs/{borough.id}/organisations/new"
    response = system_client.post_form(
        path, {"name": "Westfold Police", "sector": "police", "email": "", "phone": ""}
    )
    assert response.status_code == 302
    organisation = db.session.scalars(
        select(Organisation).where(Organisation.name == "Westfold Police")
    ).one()
    assert (organisation.borough_id, organisation.sector) == (borough.id, Sector.POLICE)
    assert "Westfold Police" in system_client.get(f"/admin/boroughs/{borough.id}").get_data(
        as_text=True
    )
    again = system_client.post_form(path, {"name": "westfold police", "sector": "police"})
    assert again.status_code == 400
    assert error_summary(again) == [
        ("The borough already has an organisation called westfold police", "#name")
    ]
    forged = system_client.post_form(path, {"name": "Westfold Bakery", "sector": "bakery"})
    assert forged.status_code == 400
    assert [text for text, _ in error_summary(forged)] == [
        "Sector must be one of: school, health, early years, police, youth, social care, "
        "housing, voluntary, local authority"
    ]


def test_an_unknown_borough_is_not_found(system_client, world):
    known = world["westfold"]["borough"].id
    assert system_client.get(f"/admin/boroughs/{known}").status_code == 200
    assert system_client.get("/admin/boroughs/999999").status_code == 404
    assert system_client.get("/admin/boroughs/999999/organisations/new").status_code == 404


def test_the_list_shows_every_borough(system_client, world):
    page = system_client.get("/admin/boroughs").get_data(as_text=True)
    assert "2 local authorities" in page
    assert "London Borough of Eastmoor" in page and "London Borough of Westfold" in page


@pytest.mark.parametrize("who", ["admin", "caf_contact", "practitioner", "manager"])
def test_nobody_but_the_system_administrator_adds_boroughs(app, client, world, who):
    sign_in(client, world["eastmoor"][who])
    borough = world["westfold"]["borough"]
    for path in ("/admin/boroughs", NEW, f"/admin/boroughs/{borough.id}"):
        assert client.get(path).status_code == 403, path
    before = boroughs_count()
    response = client.post_form(NEW, good(), token_from="/account")
    assert response.status_code == 403
    response = client.post_form(
        f"/admin/boroughs/{borough.id}/organisations/new",
        {"name": "Sneaky", "sector": "school"},
        token_from="/account",
    )
    assert response.status_code == 403
    assert boroughs_count() == before
    assert written(app) == []


def test_adding_a_borough_is_audited_in_the_national_chain(app, system_client, world):
    """National administration belongs to no borough: not the administrator's own borough's
    chain, nor the new borough's."""
    assert system_client.post_form(NEW, good()).status_code == 302
    added = (
        events("boroughs.borough_added")
        + events("boroughs.organisation_added")
        + events("useradmin.account_created")
    )
    assert len(added) >= 3
    assert {event.chain for event in added} == {NATIONAL_CHAIN}
    assert app.test_cli_runner().invoke(args=["caf", "audit", "verify"]).exit_code == 0
