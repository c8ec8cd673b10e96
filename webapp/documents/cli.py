"""`flask --app webapp caf documents ...`: build, check and add Word templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from webapp.assessments.library import form_library
from webapp.documents import builder, services
from webapp.documents.templates import check_template
from webapp.documents.types import DOCUMENT_TYPES


@click.group("documents")
def documents() -> None:
    """Word document templates."""


@documents.command("build-templates")
@click.option("--to", "target", type=click.Path(path_type=Path), help="Another folder.")
def build_templates(target: Path | None) -> None:
    """Write the national default templates (and the shipped borough examples)."""
    for path in builder.write_templates(target or services.templates_root()):
        click.echo(f"wrote {path}")


@documents.command("check")
def check() -> None:
    """Check every template's placeholders against what the renderer provides."""
    problems = services.check_folder(services.templates_root(), form_library())
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("Every document template is valid.")


@documents.command("add-template")
@click.argument("borough")
@click.argument("document_type", type=click.Choice(sorted(DOCUMENT_TYPES)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def add_template(borough: str, document_type: str, file: Path) -> None:
    """Use FILE as BOROUGH's own template for DOCUMENT_TYPE, if its placeholders are valid."""
    library = form_library()
    if (
        borough not in library.boroughs()
        and not (services.templates_root() / "boroughs" / borough).is_dir()
    ):
        known = ", ".join(library.boroughs())
        raise click.UsageError(f"unknown borough {borough!r}; boroughs with forms: {known}")
    kind = DOCUMENT_TYPES[document_type]
    problems = check_template(file.read_bytes(), services.borough_field_ids(library, borough, kind))
    for problem in problems:
        click.echo(f"{file}: {problem}", err=True)
    if problems:
        click.echo("The template was not added.", err=True)
        raise click.exceptions.Exit(1)
    destination = services.templates_root() / "boroughs" / borough / kind.filename
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, destination)
    click.echo(f"{borough} now uses {destination} for the {kind.title.lower()}.")
