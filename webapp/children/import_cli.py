"""`flask --app webapp caf children import FILE --borough CODE --source NAME`: load a local
system's file of children into the borough's child index (README, "Feeding the child
index").

A refused file changes no child: every problem is printed, and the command exits with
status 2, as click does for a usage error. Every run that reads the rows is counted and
audited, refused or not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp import db
from webapp.boroughs.models import Borough
from webapp.children import duplicates, imports, merges
from webapp.children.import_models import SOURCE_NAME_MAX
from webapp.children.import_rows import MAX_BYTES
from webapp.imports.reading import ImportRefused

COUNT_TITLES = {
    "rows_read": "Rows read",
    "new": "New children",
    "linked": "Linked to a child already in the index",
    "merged": "Merged into a child already in the index (record linkage)",
    "queued": "New children who may be a child already in the index (review queue)",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "left": "Marked as left",
    "rejected": "Rejected",
    "likely_duplicates": "Likely duplicates in the index awaiting review",
}


@click.group("children")
def children() -> None:
    """The child index."""


def _source_name(_context, _parameter, value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > SOURCE_NAME_MAX:
        raise click.BadParameter(f"the source's name must be 1 to {SOURCE_NAME_MAX} characters")
    return name


def _borough(code: str) -> Borough:
    borough = db.session.scalar(select(Borough).where(Borough.code == code))
    if borough is None:
        raise click.BadParameter(f"no borough has the code '{code}'", param_hint="--borough")
    return borough


@children.command("find-duplicates")
@click.option("--borough", "borough_code", required=True, help="The borough's code.")
@with_appcontext
def find_duplicates(borough_code: str) -> None:
    """Queue the likely duplicates inside the borough's child index for its CAF contact."""
    borough = _borough(borough_code)
    queued = duplicates.find(db.session, borough)
    db.session.commit()
    click.echo(
        f"{borough.name}: {queued} new pair{'s' if queued != 1 else ''} of records queued "
        f"for review; {merges.count_waiting(db.session, borough.id)} waiting in all."
    )


@children.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--borough", "borough_code", required=True, help="The borough's code.")
@click.option(
    "--source",
    required=True,
    callback=_source_name,
    help="The system the file comes from, like 'School census' (the same name every time).",
)
@click.option(
    "--valid-rows-only",
    is_flag=True,
    help="Import the good rows and report the others, instead of refusing the whole file.",
)
@click.option(
    "--complete",
    is_flag=True,
    help="The file is a full extract: a child the source sent before and not now has left it.",
)
@with_appcontext
def import_children(
    file, borough_code: str, source: str, valid_rows_only: bool, complete: bool
) -> None:
    """Import FILE, a CSV file of children from one source (columns: README)."""
    borough = _borough(borough_code)
    request = imports.ImportRequest(
        borough_id=borough.id,
        source=source,
        filename=Path(file.name).name,
        complete=complete,
        valid_rows_only=valid_rows_only,
    )
    try:
        outcome = imports.import_file(
            db.session, request, file.read(MAX_BYTES + 1), today=date.today()
        )
    except ImportRefused as refused:
        db.session.rollback()
        for problem in refused.file_problems:
            click.echo(f"Error: {file.name}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(2) from None
    db.session.commit()
    for problem in outcome.problems:
        click.echo(f"{file.name}, row {problem.row}, {problem.column}: {problem.message}", err=True)
    run = outcome.run
    if run.refused:
        click.echo(
            f"Nothing was imported: {run.rejected} row{'s' if run.rejected != 1 else ''} "
            "must be put right (or import with --valid-rows-only).",
            err=True,
        )
    click.echo(f"{source}, import run {run.id}:")
    for name, value in imports.counts(run).items():
        click.echo(f"  {COUNT_TITLES[name]}: {value}")
    if run.refused:
        raise SystemExit(2)
