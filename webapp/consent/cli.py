"""`flask --app webapp caf consent ...`: consent housekeeping."""

from __future__ import annotations

import click

from webapp import db


@click.group("consent")
def consent_commands() -> None:
    """Consent records."""


@consent_commands.command("erase-refused")
@click.option("--dry-run", is_flag=True, help="Count them; erase nothing.")
def erase_refused(dry_run: bool) -> None:
    """Erase the CAFs that earlier versions kept after a refusal of consent to record.

    They stopped in the national workflow's "consent refused" stage with the refusal
    recorded; nothing of them may be kept (CWDC 2009, 4.18). Each erasure is audited as a
    refusal, without the child or the episode."""
    from webapp.consent import refusals

    episodes = refusals.kept_refusals(db.session)
    if dry_run:
        click.echo(f"{len(episodes)} CAF(s) kept after a refusal would be erased.")
        return
    stored_paths: list[str] = []
    for episode in episodes:
        stored_paths += refusals.erase_kept_refusal(db.session, episode).stored_paths
    db.session.commit()
    refusals.remove_files(tuple(stored_paths))
    click.echo(f"{len(episodes)} CAF(s) kept after a refusal erased.")
