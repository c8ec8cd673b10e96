"""Importing a borough's organisations from a CSV file, through the upload page: names
once each, in the file and in the borough; known sectors; nothing kept unless every row is
right."""

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.imports.helpers import problems_of, report, upload
from tests.useradmin.helpers import error_messages, events, make_accounts_world
from webapp import db
from webapp.boroughs.models import Organisation, Sector

PAGE = "/admin/import/organisations"
GOOD = (
    "name,sector,email,phone\n"
    "Eastmoor Academy,school,office@eastmoor-academy.example,020 7946 0200\n"
    "Eastmoor Youth Club,Youth,,\n"
    "Eastmoor Family Hub,early years,hub@eastmoor.example,\n"
)


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    return client


def organisations_of(borough) -> dict[str, Organisation]:
    return {
        organisation.name: organisation
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.borough_id == borough.id)
        )
    }


def test_a_good_file_adds_every_organisation_to_the_borough(admin_client, world):
    response = upload(admin_client, PAGE, GOOD, "organisations.csv")
    assert response.status_code == 302
    added = organisations_of(world["eastmoor"]["borough"])
    assert added["Eastmoor Academy"].sector is Sector.SCHOOL
    assert added["Eastmoor Academy"].email == "office@eastmoor-academy.example"
    assert added["Eastmoor Youth Club"].sector is Sector.YOUTH
    assert added["Eastmoor Family Hub"].sector is Sector.EARLY_YEARS
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert "3 organisations imported" in page and "Eastmoor Family Hub (early years)" in page
    assert len(events("boroughs.organisation_added")) == 3
    (imported,) = events("imports.organisations_imported")
    assert json.loads(imported.detail)["count"] == 3
    # The new organisations are offered when an account is created.
    assert "Eastmoor Youth Club" in admin_client.get("/admin/users/new").get_data(as_text=True)


def test_a_file_with_bad_rows_adds_nothing_and_reports_every_problem(admin_client, world):
    before = db.session.scalar(select(func.count()).select_from(Organisation))
    content = (
        "name,sector,email,phone\n"
        "Eastmoor Academy,school,,\n"  # 2: fine
        "eastmoor academy,school,,\n"  # 3: again
        "Eastmoor Primary School,school,,\n"  # 4: the borough has it
        "Eastmoor Bakery,bakery,,\n"  # 5: no such sector
        "-Eastmoor Hub,youth,,\n"  # 6: a formula
        "Eastmoor Clinic,health,not an address,\n"  # 7
        f"{'B' * 161},health,,\n"  # 8
        ",health,,\n"  # 9
    )
    response = upload(admin_client, PAGE, content)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before
    assert error_messages(response) == [
        "The file has problems on 7 rows. Nothing has been imported: correct every row and "
        "upload the file again"
    ]
    assert problems_of(response, 2) == {}
    assert problems_of(response, 3) == {"name": "Name is also on row 2: each organisation once"}
    assert problems_of(response, 4) == {
        "name": "The borough already has an organisation called Eastmoor Primary School"
    }
    assert problems_of(response, 5)["sector"].startswith("Sector must be one of: school, health")
    assert problems_of(response, 6) == {
        "name": "Name must not start with -: a spreadsheet would run it as a formula"
    }
    assert problems_of(response, 7) == {
        "email": "Enter the organisation's email in the correct format, like name@example.com"
    }
    assert problems_of(response, 8) == {"name": "Name must be 160 characters or fewer"}
    assert problems_of(response, 9) == {"name": "Enter the name"}
    assert len(report(response)) == 7
    assert events("boroughs.organisation_added") == []


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact", "system_admin"])
def test_only_a_borough_administrator_imports_organisations(client, world, who):
    user = world["system_admin"] if who == "system_admin" else world["eastmoor"][who]
    sign_in(client, user)
    assert client.get(PAGE).status_code == 403
    assert upload(client, PAGE, GOOD, token_from="/account").status_code == 403
    assert "Eastmoor Academy" not in organisations_of(world["eastmoor"]["borough"])


def test_the_same_names_may_be_used_by_another_borough(client, world):
    sign_in(client, world["westfold"]["admin"])
    content = "name,sector\nEastmoor Primary School,school\n"
    assert upload(client, PAGE, content).status_code == 302
    assert "Eastmoor Primary School" in organisations_of(world["westfold"]["borough"])
