"""`flask --app webapp caf audit ...`: verify, anchor and (once, after upgrading) rekey."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from webapp import db
from webapp.audit.anchors import AnchorsFileLost, take_anchor
from webapp.audit.rekey import RekeyRefused, rekey
from webapp.audit.services import audit_key
from webapp.audit.verification import verify_chain


def _anchors_path() -> Path:
    return Path(current_app.config["AUDIT_ANCHOR_PATH"])


@click.group("audit")
def audit_commands() -> None:
    """The audit trail."""


@audit_commands.command("verify")
def verify() -> None:
    """Check that no audit event has been changed or removed, against every anchor."""
    verification = verify_chain(db.session, audit_key(), _anchors_path())
    if verification.problems:
        click.echo("The audit trail fails verification.", err=True)
        first = verification.first_failing_event
        if first is not None:
            click.echo(f"First event that fails: {first.describe()}", err=True)
        for problem in verification.problems:
            click.echo(problem.describe(), err=True)
        unlisted = verification.problem_count - len(verification.problems)
        if unlisted > 0:
            click.echo(f"... and {unlisted} more.", err=True)
        raise click.exceptions.Exit(1)
    anchors = len(verification.anchors_file.anchors)
    click.echo(
        f"The audit trail is intact: {verification.events} events, {anchors} anchors checked."
    )
    if not anchors:
        click.echo(
            f"No anchors yet in {_anchors_path()}: until `flask --app webapp caf audit anchor` "
            "runs, removing the newest events would not show."
        )


@audit_commands.command("anchor")
def anchor() -> None:
    """Append the chain head to the anchors file, outside the database (run it from cron)."""
    path = _anchors_path()
    try:
        taken = take_anchor(db.session, audit_key(), path)
    except OSError as error:
        raise click.ClickException(f"Could not write the anchors file: {error}") from error
    except AnchorsFileLost as lost:
        raise click.ClickException(f"Not anchored: {lost}.") from lost
    click.echo(f"Anchored event {taken.event_id} in {path}.")


@audit_commands.command("rekey")
def rekey_command() -> None:
    """Once, after upgrading: hash the events written before the audit key with it, then
    anchor. Refused once the trail has been anchored."""
    path = _anchors_path()
    try:
        rekeyed = rekey(db.session, audit_key(), path)
    except RekeyRefused as refusal:
        click.echo(f"Not rekeyed: {refusal}.", err=True)
        raise click.exceptions.Exit(1) from refusal
    if rekeyed is None:
        click.echo("Every audit event already carries the key: nothing to rekey.")
        return
    click.echo(
        f"{rekeyed.events} audit events rehashed with the audit key "
        f"({rekeyed.unkeyed_events} written before it); anchored at event "
        f"{rekeyed.anchor.event_id} in {path}."
    )
