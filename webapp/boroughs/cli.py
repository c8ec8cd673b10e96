"""`flask --app webapp caf boroughs ...`: adding a local authority from the command line.

Bad input changes nothing: every problem is printed, and the command exits with status 2,
as click does for a usage error."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp import db
from webapp.boroughs import onboarding
from webapp.boroughs.models import BoroughKind
from webapp.imports import organisations as organisation_import
from webapp.imports.reading import ImportRefused

# Option names as the command line spells the fields of onboarding's messages.
OPTION_NAMES = {
    "code": "--code",
    "name": "--name",
    "kind": "--kind",
    "region": "--region",
    "contact_name": "--contact-name",
    "contact_email": "--contact-email",
    "contact_phone": "--contact-phone",
    "contact_address": "--contact-address",
    "admin_name": "--admin-name",
    "admin_email": "--admin-email",
}


@click.group("boroughs")
def boroughs() -> None:
    """Local authorities and their organisations."""


def _organisation_option(value: str) -> onboarding.OrganisationDetails:
    name, separator, sector = value.rpartition(":")
    if not separator:
        raise click.BadParameter(
            f"'{value}': write the organisation as NAME:SECTOR, like "
            "'Eastmoor Primary School:school'",
            param_hint="--organisation",
        )
    return onboarding.OrganisationDetails(name=name, sector=sector)


def _fail(problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    click.echo("Nothing was added.", err=True)
    raise SystemExit(2)


@boroughs.command("add")
@click.option("--code", required=True, help="Short code, like riverside (lowercase).")
@click.option("--name", required=True, help="Name, like 'London Borough of Riverside'.")
@click.option(
    "--kind", required=True, type=click.Choice([kind.value for kind in BoroughKind]), help="Kind."
)
@click.option("--contact-email", required=True, help="The borough CAF contact's email address.")
@click.option("--contact-name", default="", help="Default: '<name> CAF team'.")
@click.option("--contact-phone", default="")
@click.option("--contact-address", default="")
@click.option("--region", default="")
@click.option(
    "--organisation",
    "organisation_options",
    multiple=True,
    help="An organisation as NAME:SECTOR (repeat the option for each).",
)
@click.option(
    "--organisations-csv",
    type=click.File("rb"),
    help="A CSV file of organisations (columns name, sector, email, phone; see README).",
)
@click.option("--admin-name", default="", help="The borough's first administrator's name.")
@click.option("--admin-email", default="", help="Their email address: a link is e-mailed.")
@with_appcontext
def add(
    code: str,
    name: str,
    kind: str,
    contact_email: str,
    contact_name: str,
    contact_phone: str,
    contact_address: str,
    region: str,
    organisation_options: tuple[str, ...],
    organisations_csv,
    admin_name: str,
    admin_email: str,
) -> None:
    """Add a local authority, the council as its first organisation, the organisations
    given, and its first administrator (e-mailed a link to set their password)."""
    organisations = [_organisation_option(value) for value in organisation_options]
    if organisations_csv is not None:
        source = organisations_csv.name
        try:
            rows, problems = organisation_import.parse(
                organisations_csv.read(organisation_import.MAX_BYTES + 1)
            )
        except ImportRefused as refused:
            _fail([f"{source}: {problem}" for problem in refused.file_problems])
        bad_rows = {problem.row for problem in problems}
        problems += organisation_import.check_rows(
            [item for item in rows if item.row not in bad_rows], set()
        )
        if problems:
            _fail(
                [
                    f"{source}, row {problem.row}, {problem.column}: {problem.message}"
                    for problem in sorted(problems, key=lambda problem: problem.row)
                ]
            )
        organisations += [item.details for item in rows]
    administrator = None
    if admin_name or admin_email:
        administrator = onboarding.AdministratorDetails(full_name=admin_name, email=admin_email)
    details = onboarding.BoroughDetails(
        code=code,
        name=name,
        kind=kind,
        contact_email=contact_email,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_address=contact_address,
        region=region,
    )
    try:
        onboarded = onboarding.add_borough(
            db.session,
            details,
            onboarding.CommandLine(),
            organisations=organisations,
            administrator=administrator,
        )
    except onboarding.OnboardingInvalid as invalid:
        db.session.rollback()
        _fail([_with_option(field, message) for field, message in invalid.errors.items()])
    db.session.commit()
    borough = onboarded.borough
    click.echo(
        f"Added {borough.name} ({borough.code}) with {len(onboarded.organisations)} "
        f"organisation{'s' if len(onboarded.organisations) != 1 else ''}:"
    )
    for organisation in onboarded.organisations:
        click.echo(f"  {organisation.name} ({organisation.sector.title.lower()})")
    if onboarded.administrator is not None:
        # As after a request: the message committed with the account leaves now (cron's
        # `caf mail send` tries again if the mail server is away).
        from flask import g

        from webapp.mail import COMMITTED, outbox

        outbox.deliver(db.session, g.pop(COMMITTED, []))
        click.echo(
            f"Administrator {onboarded.administrator.full_name}: a link to set a password "
            f"has been e-mailed to {onboarded.administrator.email}."
        )


def _with_option(field: str, message: str) -> str:
    if field.startswith("organisations-"):
        _, number, _name = field.split("-", 2)
        return f"organisation {number}: {message}"
    option = OPTION_NAMES.get(field)
    return f"{option}: {message}" if option else message
