"""`flask --app webapp caf boroughs add`: a local authority from the command line, with its
organisations given as options or in a CSV file, and its first administrator e-mailed a
set-password link. Bad input prints every problem, adds nothing and exits with status 2."""

import json

import pytest
from sqlalchemy import func, select

from tests.factories import make_borough
from tests.mailbox import written_to
from tests.useradmin.helpers import events
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, BoroughKind, Organisation, Sector

BASE = [
    "boroughs",
    "add",
    "--code",
    "harbourside",
    "--name",
    "Harbourside Council",
    "--kind",
    "unitary",
    "--contact-email",
    "caf@harbourside.example",
]


def run(runner_cli, *arguments: str):
    from webapp.cli import caf

    return runner_cli.invoke(caf, list(arguments), catch_exceptions=False)


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Borough, Organisation, User)
    )


def organisations_of(code: str) -> dict[str, Sector]:
    return {
        organisation.name: organisation.sector
        for organisation in db.session.scalars(
            select(Organisation).join(Borough).where(Borough.code == code)
        )
    }


def test_a_borough_is_added_with_its_organisations_and_administrator(app, runner_cli):
    result = run(
        runner_cli,
        *BASE,
        "--organisation",
        "Harbourside Academy:school",
        "--organisation",
        "Harbour Lights: Youth",
        "--admin-name",
        "Rae Admin",
        "--admin-email",
        "rae.admin@harbourside.example",
    )
    assert result.exit_code == 0, result.output
    assert "Added Harbourside Council (harbourside) with 3 organisations" in result.output
    borough = db.session.scalars(select(Borough).where(Borough.code == "harbourside")).one()
    assert borough.kind is BoroughKind.UNITARY
    assert borough.caf_contact_name == "Harbourside Council CAF team"
    assert organisations_of("harbourside") == {
        "Harbourside Council": Sector.LOCAL_AUTHORITY,
        "Harbourside Academy": Sector.SCHOOL,
        "Harbour Lights": Sector.YOUTH,
    }
    admin = db.session.scalars(
        select(User).where(User.email == "rae.admin@harbourside.example")
    ).one()
    assert admin.roles == {Role.BOROUGH_ADMIN}
    (message,) = written_to(app, "rae.admin@harbourside.example")
    assert message["Subject"] == "Set your password for eCAF"
    (added,) = events("boroughs.borough_added")
    assert added.actor_id is None
    assert json.loads(added.detail)["via"] == "command_line"


def test_organisations_come_from_a_csv_file(runner_cli, tmp_path):
    source = tmp_path / "organisations.csv"
    source.write_bytes(
        (
            "\ufeffname,sector,email,phone\r\n"
            "Harbour Primary,school,,\r\nHarbour Clinic,health,,\r\n"
        ).encode()
    )
    result = run(runner_cli, *BASE, "--organisations-csv", str(source))
    assert result.exit_code == 0, result.output
    assert set(organisations_of("harbourside")) == {
        "Harbourside Council",
        "Harbour Primary",
        "Harbour Clinic",
    }


def test_a_bad_csv_file_adds_nothing_and_names_every_bad_row(runner_cli, tmp_path):
    source = tmp_path / "organisations.csv"
    source.write_text("name,sector\nHarbour Primary,school\nHarbour Bakery,bakery\n=cmd,health\n")
    before = counts()
    result = run(runner_cli, *BASE, "--organisations-csv", str(source))
    assert result.exit_code == 2
    assert "row 3, sector: Sector must be one of" in result.output
    assert "row 4, name: Name must not start with =" in result.output
    assert "Nothing was added." in result.output
    assert counts() == before


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--code", "Bad Code!"], "--code: Code must be 3 to 40 lowercase letters"),
        (["--contact-email", "nobody"], "--contact-email: Enter the CAF contact's email"),
        (["--organisation", "No sector given"], "write the organisation as NAME:SECTOR"),
        (["--organisation", "Harbour Bakery:bakery"], "organisation 1: Sector must be one of"),
        (["--admin-name", "Rae Admin"], "--admin-email: Enter the administrator's email"),
        (["--kind", "parish"], "Invalid value for '--kind'"),
    ],
)
def test_bad_input_adds_nothing_and_exits_2(runner_cli, arguments, expected):
    before = counts()
    changed = list(BASE)
    for option, value in zip(arguments[::2], arguments[1::2], strict=True):
        if option in changed:
            changed[changed.index(option) + 1] = value
        else:
            changed += [option, value]
    result = run(runner_cli, *changed)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert counts() == before


def test_a_code_already_used_is_refused(app, runner_cli):
    make_borough("harbourside")
    db.session.commit()
    before = counts()
    result = run(runner_cli, *BASE)
    assert result.exit_code == 2
    assert "--code: A borough with the code harbourside already exists" in result.output
    assert counts() == before
