"""Importing a borough's user accounts from a CSV file.

Columns: full_name, email, organisation, roles, team, job_title, phone, dbs_check_date,
caf_trained (README, "Importing organisations and accounts"). Every row is checked first;
then each account is created by the user administration's own `services.create`, so every
rule it applies (now and later) applies to imported accounts too, and a row it refuses is
reported like any other. A team named in the file is created in the row's organisation if
it has none of that name; a manager in it is put in charge, a practitioner is put in it,
through the teams service. Nothing is kept unless every row is right; each new person is
e-mailed their link to set a password once the caller commits."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs import onboarding
from webapp.boroughs.models import Organisation, Team
from webapp.imports.reading import Column, ImportRefused, Problem, read
from webapp.useradmin import services as accounts
from webapp.useradmin import teams

COLUMNS = (
    Column("full_name", "Full name", 120, required=True),
    Column("email", "Email address", onboarding.EMAIL_MAX, required=True),
    Column("organisation", "Organisation", onboarding.ORGANISATION_NAME_MAX, required=True),
    Column("roles", "Roles", 200, required=True),
    Column("team", "Team", teams.NAME_MAX),
    Column("job_title", "Job title", 120),
    Column("phone", "Telephone number", onboarding.PHONE_MAX),
    Column("dbs_check_date", "Date of the DBS check", 20),
    Column("caf_trained", "CAF trained", 5),
)

# What an import may give. An administrator's or a borough CAF contact's role is given on
# the person's account page, one at a time, where its rules are seen; never in bulk.
IMPORTABLE_ROLES = (Role.PRACTITIONER, Role.MANAGER)
YES = {"yes", "y", "true"}
NO = {"no", "n", "false", ""}
# Where the account service's messages belong in the file.
FIELD_COLUMNS = {
    "full_name": "full_name",
    "email": "email",
    "organisation": "organisation",
    "roles": "roles",
    "dbs_check_date": "dbs_check_date",
    "caf_trained": "caf_trained",
}


@dataclass(frozen=True)
class AccountRow:
    row: int
    full_name: str
    email: str
    organisation: str
    roles: frozenset[Role]
    team: str
    job_title: str
    phone: str
    dbs_check_date: date | None
    caf_trained: bool


def _role_named(text: str) -> Role | None:
    wanted = " ".join(text.replace("_", " ").split()).lower()
    return next((role for role in Role if role.title.lower() == wanted), None)


def _roles(row: int, text: str, problems: list[Problem]) -> frozenset[Role]:
    roles = set()
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        role = _role_named(part)
        if role is None:
            problems.append(
                Problem(
                    row,
                    "roles",
                    f"‘{part.strip()}’ is not a role: write practitioner, manager or both, "
                    "separated by ;",
                )
            )
        elif role not in IMPORTABLE_ROLES:
            problems.append(
                Problem(
                    row,
                    "roles",
                    f"The {role.title[0].lower()}{role.title[1:]} role cannot be given by "
                    "import: import the person as a practitioner or manager, then give it on "
                    "their account page",
                )
            )
        else:
            roles.add(role)
    return frozenset(roles)


def _date(row: int, text: str, problems: list[Problem]) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if value > date.today():
            problems.append(
                Problem(
                    row, "dbs_check_date", "The date of the DBS check must be today or in the past"
                )
            )
        return value
    problems.append(
        Problem(
            row,
            "dbs_check_date",
            "Date of the DBS check must be a real date, written like 2025-03-27 or 27/03/2025",
        )
    )
    return None


def _trained(row: int, text: str, problems: list[Problem]) -> bool:
    answer = text.lower()
    if answer in YES:
        return True
    if answer not in NO:
        problems.append(Problem(row, "caf_trained", "CAF trained must be yes or no"))
    return False


def parse(content: bytes) -> tuple[list[AccountRow], list[Problem]]:
    records, problems = read(content, COLUMNS)
    rows = []
    for record in records:
        values, row = record.values, record.row
        bad_cells = {problem.column for problem in problems if problem.row == row}
        email = values["email"].lower()
        if "email" not in bad_cells and (
            message := onboarding.email_problem(email, "The email address")
        ):
            problems.append(Problem(row, "email", message))
        rows.append(
            AccountRow(
                row=row,
                full_name=" ".join(values["full_name"].split()),
                email=email,
                organisation=" ".join(values["organisation"].split()),
                roles=_roles(row, values["roles"], problems)
                if "roles" not in bad_cells
                else frozenset(),
                team=" ".join(values["team"].split()),
                job_title=values["job_title"],
                phone=values["phone"],
                dbs_check_date=_date(row, values["dbs_check_date"], problems)
                if "dbs_check_date" not in bad_cells
                else None,
                caf_trained=_trained(row, values["caf_trained"], problems)
                if "caf_trained" not in bad_cells
                else False,
            )
        )
    return rows, problems


def _organisations(db_session: Session, borough_id: int) -> dict[str, Organisation]:
    return {
        organisation.name.lower(): organisation
        for organisation in accounts.organisations_of(db_session, borough_id)
    }


def _existing_emails(db_session: Session, emails: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(emails), 500):
        found |= set(
            db_session.scalars(
                select(func.lower(User.email)).where(
                    func.lower(User.email).in_(emails[start : start + 500])
                )
            )
        )
    return found


def check_rows(
    db_session: Session, borough_id: int, rows: list[AccountRow], problems: list[Problem]
) -> list[Problem]:
    """The problems of the rows against the borough and each other."""
    organisations = _organisations(db_session, borough_id)
    existing = _existing_emails(db_session, [item.email for item in rows if item.email])
    first_row: dict[str, int] = {}
    found: list[Problem] = []
    for item in rows:
        bad_cells = {problem.column for problem in problems if problem.row == item.row}
        if "email" not in bad_cells and item.email:
            if item.email in existing:
                found.append(
                    Problem(item.row, "email", "An account with this email address already exists")
                )
            elif item.email in first_row:
                found.append(
                    Problem(
                        item.row,
                        "email",
                        f"Email address is also on row {first_row[item.email]}: accounts are "
                        "personal, one for each address",
                    )
                )
            first_row.setdefault(item.email, item.row)
        if "organisation" not in bad_cells and item.organisation.lower() not in organisations:
            found.append(
                Problem(
                    item.row,
                    "organisation",
                    f"Your borough has no organisation called ‘{item.organisation}’: check the "
                    "spelling, or import the organisation first",
                )
            )
        if (
            "roles" not in bad_cells
            and not item.roles
            and not any(
                problem.row == item.row and problem.column == "roles" for problem in problems
            )
        ):
            found.append(
                Problem(item.row, "roles", "Enter the roles: practitioner, manager or both")
            )
    return found


def import_file(
    db_session: Session,
    admin: User,
    filename: str,
    content: bytes,
    *,
    client_address: str = "",
) -> list[User]:
    """Create every account of the file in the administrator's borough, or none (raises
    ImportRefused naming every problem). The caller commits, or rolls back."""
    rows, problems = parse(content)
    problems += check_rows(db_session, admin.borough_id, rows, problems)
    if problems:
        raise ImportRefused(problems=problems, columns=COLUMNS)
    organisations = _organisations(db_session, admin.borough_id)
    created: list[tuple[AccountRow, User]] = []
    for item in rows:
        organisation = organisations[item.organisation.lower()]
        details = accounts.AccountDetails(
            organisation_id=organisation.id,
            roles=item.roles,
            dbs_check_date=item.dbs_check_date,
            caf_trained=item.caf_trained,
        )
        try:
            with db_session.begin_nested():
                account = accounts.create(
                    db_session,
                    admin,
                    item.full_name,
                    item.email,
                    details,
                    client_address=client_address,
                )
        except accounts.AccountInvalid as invalid:
            problems += [
                Problem(item.row, FIELD_COLUMNS.get(field, "roles"), message)
                for field, message in invalid.errors.items()
            ]
            continue
        account.job_title = item.job_title
        account.phone = item.phone
        created.append((item, account))
    problems += _put_in_teams(db_session, admin, created, client_address)
    if problems:
        raise ImportRefused(problems=problems, columns=COLUMNS)
    db_session.flush()
    audit.record_by(
        db_session,
        "imports.users_imported",
        admin,
        client_address,
        borough_id=admin.borough_id,
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        count=len(created),
        account_ids=[account.id for _, account in created],
    )
    return [account for _, account in created]


def _put_in_teams(
    db_session: Session,
    admin: User,
    created: list[tuple[AccountRow, User]],
    client_address: str,
) -> list[Problem]:
    """Each account named with a team goes in it (created if its organisation has none of
    that name): a manager in charge, anyone else as a member."""
    wanted: dict[tuple[int, str], list[tuple[AccountRow, User]]] = defaultdict(list)
    for item, account in created:
        if item.team:
            wanted[(account.organisation_id, item.team.lower())].append((item, account))
    problems: list[Problem] = []
    for (organisation_id, team_name), members in wanted.items():
        team = db_session.scalars(
            select(Team).where(
                Team.organisation_id == organisation_id, func.lower(Team.name) == team_name
            )
        ).first()
        try:
            if team is None:
                team = teams.create(
                    db_session,
                    admin,
                    organisation_id,
                    members[0][0].team,
                    client_address=client_address,
                )
            db_session.flush()
            managers = {account.id for _, account in members if teams.is_manager(account)}
            if managers:
                current = {member.id for member in teams.members_of(db_session, team).managers}
                teams.set_managers(
                    db_session, team, admin, current | managers, client_address=client_address
                )
            for _, account in members:
                if not teams.is_manager(account):
                    teams.add_practitioner(
                        db_session, team, admin, account.id, client_address=client_address
                    )
        except teams.TeamInvalid as invalid:
            problems += [
                Problem(item.row, "team", message)
                for item, _ in members
                for message in invalid.errors.values()
            ]
    return problems
