"""Importing a borough's accounts from a CSV file, through the upload page: every row is
checked first and a file with any bad row is refused whole, with a report naming every
problem; a good file creates every account in one go, gives only the roles an import may
give, puts people in their teams, and e-mails each person their own set-password link."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.imports.helpers import problems_of, report, upload
from tests.mailbox import link_in, written, written_to
from tests.two_factor import pass_second_step
from tests.useradmin.helpers import error_messages, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.accounts.passwords import is_usable
from webapp.boroughs.models import Team
from webapp.mail.models import OutboxMessage

PAGE = "/admin/import/users"
DBS = (date.today() - timedelta(days=100)).isoformat()
HEADER = "full_name,email,organisation,roles,team,job_title,phone,dbs_check_date,caf_trained\n"


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world["eastmoor"]["admin"])
    return client


def accounts_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).one_or_none()


GOOD = (
    HEADER + f"Priya Shah,Priya.Shah@eastmoor.example,Eastmoor Primary School,practitioner,"
    f"Pastoral team,Learning mentor,020 7946 0101,{DBS},yes\n"
    + f"Tom Okafor,tom.okafor@eastmoor.example,eastmoor primary school,Manager,"
    f"pastoral team,Inclusion lead,,{DBS},yes\n"
    + "Jo Reed,jo.reed@eastmoor.example,Eastmoor Health Centre,practitioner;manager,,,,,no\n"
)


def test_a_good_file_creates_every_account_in_the_borough(admin_client, world):
    before = accounts_count()
    response = upload(admin_client, PAGE, GOOD, "people.csv")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert accounts_count() == before + 3
    priya = by_email("priya.shah@eastmoor.example")
    assert priya.borough_id == world["eastmoor"]["borough"].id
    assert priya.organisation_id == world["eastmoor"]["school"].id
    assert priya.roles == {Role.PRACTITIONER}
    assert (priya.job_title, priya.phone) == ("Learning mentor", "020 7946 0101")
    assert priya.dbs_check_date == date.fromisoformat(DBS) and priya.caf_trained
    assert not is_usable(priya.password_hash)
    jo = by_email("jo.reed@eastmoor.example")
    assert jo.roles == {Role.PRACTITIONER, Role.MANAGER}
    assert jo.dbs_check_date is None and not jo.caf_trained and jo.team_id is None
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "3 accounts imported. We have sent each person a link to set their password" in page


def test_a_team_named_in_the_file_is_created_with_its_manager_in_charge(admin_client, world):
    upload(admin_client, PAGE, GOOD)
    school = world["eastmoor"]["school"]
    team = db.session.scalars(
        select(Team).where(Team.organisation_id == school.id, Team.name == "Pastoral team")
    ).one()
    tom = by_email("tom.okafor@eastmoor.example")
    priya = by_email("priya.shah@eastmoor.example")
    assert tom.team_id == team.id and priya.team_id == team.id
    (managers_changed,) = events("useradmin.team_managers_changed")
    assert json.loads(managers_changed.detail)["after"] == [tom.id]
    (added,) = events("useradmin.team_member_added")
    assert json.loads(added.detail)["account_id"] == priya.id
    page = admin_client.get(f"/admin/teams/{team.id}").get_data(as_text=True)
    assert "Tom Okafor" in page and "Priya Shah" in page


def test_an_existing_team_is_used_not_created_again(admin_client, world):
    school = world["eastmoor"]["school"]
    existing = school.teams[0]  # "Team A"
    upload(
        admin_client,
        PAGE,
        HEADER + "Ann Lee,ann.lee@eastmoor.example,"
        "Eastmoor Primary School,practitioner,team a,,,,\n",
    )
    assert by_email("ann.lee@eastmoor.example").team_id == existing.id
    assert (
        db.session.scalar(
            select(func.count()).select_from(Team).where(Team.organisation_id == school.id)
        )
        == 1
    )


def test_each_person_is_emailed_their_own_link_after_the_import(
    app, admin_client, world, other_client
):
    upload(admin_client, PAGE, GOOD)
    for email in (
        "priya.shah@eastmoor.example",
        "tom.okafor@eastmoor.example",
        "jo.reed@eastmoor.example",
    ):
        (message,) = written_to(app, email)
        assert message["Subject"] == "Set your password for eCAF"
    path = link_in(written_to(app, "jo.reed@eastmoor.example")[0])
    password = "a long and personal passphrase"
    assert (
        other_client.post_form(path, {"password": password, "confirm": password}).status_code == 302
    )
    signed_in = other_client.post_form(
        "/sign-in", {"email": "jo.reed@eastmoor.example", "password": password}
    )
    assert signed_in.status_code == 302
    set_up = pass_second_step(other_client, signed_in, "jo.reed@eastmoor.example")
    assert "Two-factor sign-in is set up" in set_up.get_data(as_text=True)
    assert len(events("useradmin.account_created")) == 3
    (imported,) = events("imports.users_imported")
    assert (
        json.loads(imported.detail)["count"] == 3
        and json.loads(imported.detail)["filename"] == "import.csv"
    )
    assert imported.actor_id == world["eastmoor"]["admin"].id


def test_the_links_are_never_shown_to_the_administrator(app, admin_client, world):
    response = upload(admin_client, PAGE, GOOD)
    token = link_in(written_to(app, "jo.reed@eastmoor.example")[0]).rsplit("/", 1)[1]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert token not in page and "/account/set-password/" not in page


BAD_ROWS = [
    # row 2: fine on its own, but its address is used again on row 3
    "Ann Lee,ann.lee@eastmoor.example,Eastmoor Primary School,practitioner,,,,,",
    "Ann Lea,ANN.LEE@eastmoor.example,Eastmoor Primary School,practitioner,,,,,",
    # 4: an address that already has an account
    "Pat Old,{taken},Eastmoor Primary School,practitioner,,,,,",
    # 5: another borough's organisation
    "Sam Far,sam.far@eastmoor.example,Westfold Primary School,practitioner,,,,,",
    # 6: no such role
    "Kim Odd,kim.odd@eastmoor.example,Eastmoor Primary School,headteacher,,,,,",
    # 7, 8: roles an import may not give
    "Al Admin,al.admin@eastmoor.example,Eastmoor Primary School,borough administrator,,,,,",
    "Cy Contact,cy.contact@eastmoor.example,Eastmoor Primary School,borough_caf_contact,,,,,",
    # 9: a formula
    '=HYPERLINK("http://evil.example"),eve@eastmoor.example,Eastmoor Primary School,'
    "practitioner,,,,,",
    # 10: too long
    "{long_name},long@eastmoor.example,Eastmoor Primary School,practitioner,,,,,",
    # 11: a date in the future, and not a yes or no
    "Fi Future,fi@eastmoor.example,Eastmoor Primary School,practitioner,,,,{future},maybe",
    # 12: not an email address, no organisation
    "No Mail,not-an-address,,practitioner,,,,,",
    # 13: a cell missing
    "Short Row,short@eastmoor.example,Eastmoor Primary School,practitioner",
    # 14: a formula hidden behind spaces, in the team, and one starting with @
    "Tab Team,tab@eastmoor.example,Eastmoor Primary School,practitioner,  +SUM(A1),@x,,,",
]


def bad_file(world) -> str:
    rows = "\n".join(BAD_ROWS).format(
        taken=world["eastmoor"]["practitioner"].email.upper(),
        long_name="A" * 121,
        future=(date.today() + timedelta(days=3)).isoformat(),
    )
    return HEADER + rows + "\n"


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem(admin_client, world):
    before = accounts_count()
    response = upload(admin_client, PAGE, bad_file(world), "people.csv")
    assert response.status_code == 400
    assert accounts_count() == before
    assert error_messages(response) == [
        "The file has problems on 12 rows. Nothing has been imported: correct every row and "
        "upload the file again"
    ]
    assert problems_of(response, 2) == {}
    assert problems_of(response, 3) == {
        "email": "Email address is also on row 2: accounts are personal, one for each address"
    }
    assert problems_of(response, 4) == {
        "email": "An account with this email address already exists"
    }
    assert (
        "no organisation called ‘Westfold Primary School’"
        in problems_of(response, 5)["organisation"]
    )
    assert problems_of(response, 6)["roles"].startswith("‘headteacher’ is not a role")
    assert problems_of(response, 7)["roles"].startswith(
        "The borough administrator role cannot be given by import"
    )
    assert problems_of(response, 8)["roles"].startswith(
        "The borough CAF contact role cannot be given by import"
    )
    assert problems_of(response, 9) == {
        "full_name": "Full name must not start with =: a spreadsheet would run it as a formula"
    }
    assert problems_of(response, 10) == {"full_name": "Full name must be 120 characters or fewer"}
    assert problems_of(response, 11) == {
        "dbs_check_date": "The date of the DBS check must be today or in the past",
        "caf_trained": "CAF trained must be yes or no",
    }
    assert problems_of(response, 12) == {
        "email": "Enter the email address in the correct format, like name@example.com",
        "organisation": "Enter the organisation",
    }
    assert problems_of(response, 13) == {
        "Whole row": "The row has 4 cells but the first row names 9 columns"
    }
    assert problems_of(response, 14) == {
        "team": "Team must not start with +: a spreadsheet would run it as a formula",
        "job_title": "Job title must not start with @: a spreadsheet would run it as a formula",
    }
    # By row, then in the order of the file's columns.
    assert [row for row, _, _ in report(response)] == sorted(row for row, _, _ in report(response))
    assert [column for row, column, _ in report(response) if row == 12] == [
        "email",
        "organisation",
    ]
    assert [column for row, column, _ in report(response) if row == 14] == ["team", "job_title"]


def test_a_refused_file_sends_no_email_and_is_audited(app, admin_client, world):
    upload(admin_client, PAGE, bad_file(world), "people.csv")
    assert written(app) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert events("useradmin.account_created") == []
    (refused,) = events("imports.refused")
    assert (
        json.loads(refused.detail)["kind"] == "users"
        and json.loads(refused.detail)["bad_rows"] == 12
    )


def test_one_bad_row_among_good_ones_keeps_nothing(admin_client, world):
    before = accounts_count()
    content = GOOD + "Bad Role,bad.role@eastmoor.example,Eastmoor Primary School,chef,,,,,\n"
    response = upload(admin_client, PAGE, content)
    assert response.status_code == 400
    assert accounts_count() == before
    assert [row for row, _, _ in report(response)] == [5]
    assert (
        db.session.scalar(
            select(func.count()).select_from(Team).where(Team.name == "Pastoral team")
        )
        == 0
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (
            "full_name,email\n".encode("utf-16"),
            "The selected file must be a CSV file saved as UTF-8 (in Excel, CSV UTF-8)",
        ),
        (
            b"Priya Shah,priya@eastmoor.example,Eastmoor Primary School,practitioner\n",
            "The first row of the file must name the columns: full_name, email, organisation, "
            "roles, team, job_title, phone, dbs_check_date, caf_trained",
        ),
        (
            b"full_name,email,organisation\nPriya,p@eastmoor.example,Eastmoor Primary School\n",
            "The first row must name the column roles",
        ),
        (
            b"full_name,email,organisation,roles,password\n",
            "The first row names columns eCAF does not import: password. The columns are: "
            "full_name, email, organisation, roles, team, job_title, phone, dbs_check_date, "
            "caf_trained",
        ),
        (HEADER.encode(), "The selected file has no rows below the column names"),
        (
            b"PK\x03\x04\x00\x00binary",
            "The selected file must be a CSV file, not a spreadsheet or other file",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(admin_client, world, content, message):
    before = accounts_count()
    response = upload(admin_client, PAGE, content)
    assert response.status_code == 400
    assert error_messages(response) == [message]
    assert accounts_count() == before


def test_the_byte_order_mark_excel_writes_is_accepted(admin_client, world):
    response = upload(admin_client, PAGE, "\ufeff" + GOOD)
    assert response.status_code == 302
    assert by_email("jo.reed@eastmoor.example") is not None


def test_a_file_too_large_is_refused(admin_client, world):
    content = GOOD + ("," * 8 + "\n") * 200_000
    assert len(content) > 1024 * 1024
    response = upload(admin_client, PAGE, content)
    assert response.status_code == 400
    assert error_messages(response) == ["The selected file must be smaller than 1MB"]


def test_a_file_of_too_many_rows_is_refused(admin_client, world):
    rows = "".join(
        f"Person {number},p{number}@eastmoor.example,Eastmoor Primary School,practitioner,,,,,\n"
        for number in range(2001)
    )
    response = upload(admin_client, PAGE, HEADER + rows)
    assert response.status_code == 400
    assert error_messages(response) == ["The selected file must have 2,000 rows or fewer"]


def test_no_file_selected(admin_client, world):
    response = admin_client.post_form(PAGE, {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_messages(response) == ["Select a CSV file"]


def test_without_a_csrf_token_nothing_is_imported(admin_client, world):
    from io import BytesIO

    before = accounts_count()
    response = admin_client.post(
        PAGE,
        data={"file": (BytesIO(GOOD.encode()), "people.csv")},
        content_type="multipart/form-data",
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert accounts_count() == before


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact", "system_admin"])
def test_only_a_borough_administrator_imports_accounts(client, world, who):
    user = world["system_admin"] if who == "system_admin" else world["eastmoor"][who]
    sign_in(client, user)
    before = accounts_count()
    assert client.get(PAGE).status_code == 403
    response = upload(client, PAGE, GOOD, token_from="/account")
    assert response.status_code == 403
    assert accounts_count() == before


def test_accounts_go_to_the_administrators_own_borough_only(client, world):
    sign_in(client, world["westfold"]["admin"])
    response = upload(client, PAGE, GOOD)
    assert response.status_code == 400
    assert {column for _, column, _ in report(response)} == {"organisation"}
    assert by_email("priya.shah@eastmoor.example") is None
