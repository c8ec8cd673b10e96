"""`flask --app webapp caf ...`: database, demo data and audit commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click
from flask import Flask, current_app

from webapp import db
from webapp.migrations import runner


@click.group("caf")
def caf() -> None:
    """eCAF administration commands."""


@caf.group("db")
def database() -> None:
    """Database schema (Alembic migrations)."""


@database.command("upgrade")
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    runner.upgrade(db.engine_for(current_app), revision)
    click.echo(f"Database migrated to {revision}.")


@database.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate the database back to REVISION."""
    runner.downgrade(db.engine_for(current_app), revision)
    click.echo(f"Database migrated to {revision}.")


@database.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    runner.new_revision(db.engine_for(current_app), message)


@caf.command("seed-demo")
@click.option("--children", default=300, show_default=True, help="How many synthetic children.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(children: int, seed: int) -> None:
    """Create demo boroughs, organisations, users and synthetic children (once)."""
    from webapp.demo import seed as demo
    from webapp.episodes import workflow

    created = demo.seed(
        db.session, children=children, random_seed=seed, catalogue=workflow.catalogue()
    )
    db.session.commit()
    if created:
        click.echo(f"Demo data created: {created}.")
    else:
        click.echo("Demo data is already present; nothing changed.")
    click.echo(
        f"Demo sign-ins (README): password {demo.DEMO_PASSWORD}; for the code, add the "
        f"two-factor secret {demo.DEMO_TOTP_SECRET} to an authenticator app."
    )


#: The command groups that exist to say what is wrong with the definitions: they run even
#: when the workflow or form definitions stop the app from starting.
CHECKING_GROUPS = ("workflows", "formdefs")


def runs_checking_command(argv: Sequence[str] | None = None) -> bool:
    """Whether this process is `flask ... caf workflows ...` or `flask ... caf formdefs ...`
    (Flask sets FLASK_RUN_FROM_CLI before it builds the app for a command)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return bool(os.environ.get("FLASK_RUN_FROM_CLI")) and any(
        args[position : position + 2] == ["caf", group]
        for position in range(len(args))
        for group in CHECKING_GROUPS
    )


def with_checking_commands_only(app: Flask) -> Flask:
    """The app whose workflow or form definitions are invalid, with only `caf workflows`
    and `caf formdefs`: they check and report the definitions, and serve nothing."""
    from webapp.formdefs.cli import formdefs
    from webapp.workflow.cli import workflows

    group = click.Group("caf", help="eCAF definition commands (the definitions are invalid).")
    group.add_command(workflows)
    group.add_command(formdefs)
    app.cli.add_command(group)
    return app


def init_app(app: Flask) -> None:
    from webapp.audit.cli import audit_commands
    from webapp.boroughs.cli import boroughs
    from webapp.children.import_cli import children
    from webapp.consent.cli import consent_commands
    from webapp.documents.cli import documents
    from webapp.episodes.reminders import reminders
    from webapp.formdefs.cli import formdefs
    from webapp.mail.cli import mail
    from webapp.monitoring.cli import access_review_commands
    from webapp.reports.cli import reports
    from webapp.workflow.cli import workflows

    caf.add_command(workflows)
    caf.add_command(formdefs)
    caf.add_command(reminders)
    caf.add_command(documents)
    caf.add_command(audit_commands)
    caf.add_command(consent_commands)
    caf.add_command(mail)
    caf.add_command(boroughs)
    caf.add_command(children)
    caf.add_command(reports)
    caf.add_command(access_review_commands)
    app.cli.add_command(caf)
