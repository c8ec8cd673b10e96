"""Importing a borough's organisations from a CSV file (columns: name, sector, email,
phone). Every row is checked against the same rules as an organisation added on its own
(webapp/boroughs/onboarding.py), and against the other rows; nothing is added unless every
row is right."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs import onboarding
from webapp.boroughs.models import Organisation
from webapp.imports.reading import MAX_BYTES, Column, ImportRefused, Problem, read

__all__ = ["COLUMNS", "MAX_BYTES", "check_rows", "import_file", "parse"]

COLUMNS = (
    Column("name", "Name", onboarding.ORGANISATION_NAME_MAX, required=True),
    Column("sector", "Sector", 40, required=True),
    Column("email", "Email address", onboarding.EMAIL_MAX),
    Column("phone", "Telephone number", onboarding.PHONE_MAX),
)


@dataclass(frozen=True)
class OrganisationRow:
    row: int
    details: onboarding.OrganisationDetails


def parse(content: bytes) -> tuple[list[OrganisationRow], list[Problem]]:
    records, problems = read(content, COLUMNS)
    rows = [
        OrganisationRow(
            record.row,
            onboarding.OrganisationDetails(
                name=record.values["name"],
                sector=record.values["sector"],
                email=record.values["email"],
                phone=record.values["phone"],
            ).tidied(),
        )
        for record in records
    ]
    return rows, problems


def check_rows(rows: list[OrganisationRow], taken_names: set[str]) -> list[Problem]:
    """The problems of every row: the borough's organisations are `taken_names` (lowercased),
    and a name used by an earlier row is taken too."""
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for item in rows:
        name = item.details.name.lower()
        errors = onboarding.check_organisation(item.details, taken_names)
        if "name" not in errors and name in first_row:
            errors["name"] = f"Name is also on row {first_row[name]}: each organisation once"
        first_row.setdefault(name, item.row)
        problems += [Problem(item.row, column, message) for column, message in errors.items()]
    return problems


def import_file(
    db_session: Session,
    admin: User,
    filename: str,
    content: bytes,
    *,
    client_address: str = "",
) -> list[Organisation]:
    """Add every organisation of the file to the administrator's borough, or none (raises
    ImportRefused naming every problem). The caller commits, or rolls back."""
    rows, problems = parse(content)
    bad_rows = {problem.row for problem in problems}
    problems += check_rows(
        [item for item in rows if item.row not in bad_rows],
        onboarding.organisation_names(db_session, admin.borough_id),
    )
    if problems:
        raise ImportRefused(problems=problems, columns=COLUMNS)
    organisations = [
        onboarding.add_organisation(
            db_session, admin.borough, item.details, admin, client_address=client_address
        )
        for item in rows
    ]
    audit.record_by(
        db_session,
        "imports.organisations_imported",
        admin,
        client_address,
        borough_id=admin.borough_id,
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        count=len(organisations),
    )
    return organisations
