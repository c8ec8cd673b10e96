"""Command-line tools for workflow definitions, with no Flask import so that they can be
used (and tested) on their own. The app registers the group under its `caf` group:

    flask --app webapp caf workflows check [PATH ...]
    flask --app webapp caf workflows publish [FOLDER]
    flask --app webapp caf workflows diagram ID [--borough CODE] [--format mermaid|dot]

`check` and `publish` run even when the live folder is broken and the app refuses to start
(webapp/__init__.py builds an app with only these commands then): they exist to find out why.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import click

from webapp.formdefs.loader import live_root, scan
from webapp.workflow import published
from webapp.workflow.catalogue import UnknownWorkflow
from webapp.workflow.diagram import FORMATS, render
from webapp.workflow.expressions import Forms, LibraryForms
from webapp.workflow.loader import ADMINISTRATION, definition_files, load_catalogue, load_files
from webapp.workflow.problems import DefinitionError, Problem, in_file_order
from webapp.workflow.registry import DEFAULT_REGISTRY, Registry


def default_directory() -> Path:
    """The live workflows folder: CAF_WORKFLOWS_PATH, as the app reads it, or else the
    repository's `workflows/` folder (webapp/workflow/cli.py -> ../../workflows)."""
    configured = os.environ.get("CAF_WORKFLOWS_PATH")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "workflows"


def repository_forms() -> LibraryForms:
    """The live form definitions, which structured conditions name: CAF_FORMDEFS_PATH, as
    the app reads it, or else the repository's `formdefs/` folder. A form file with problems
    of its own is left out (`forms check` reports it)."""
    return _forms_in(live_root())


@cache
def _forms_in(folder: Path) -> LibraryForms:
    library, _problems = scan(folder)
    return LibraryForms(library)


def check_paths(
    paths: Iterable[Path],
    registry: Registry = DEFAULT_REGISTRY,
    notes: list[Problem] | None = None,
    forms: Forms | None = None,
) -> list[Problem]:
    """Check definition files and folders; return every problem in them, in file order.
    Structured conditions are checked against `forms` (default: the live form definitions).

    A single override file is checked against the national definitions beside it (the
    YAML files in its own folder and the folder above), so that `check
    workflows/boroughs/riverside.yaml` works; only the named files' problems are reported.
    A published file changed in place is a problem too. `notes` gets a line for each layer
    of checks that a file's problems kept from running.
    """
    notes = [] if notes is None else notes
    requested: dict[Path, Path] = {}
    problems: list[Problem] = []  # about the paths given, in their order
    in_files: list[Problem] = []  # in the files, in file order
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), "", "does not exist"))
        elif path.is_dir():
            found = definition_files(path) + definition_files(path, administration=True)
            if path.name == ADMINISTRATION:
                found = sorted(file for file in path.rglob("*.y*ml") if file.is_file())
            if not found:
                problems.append(Problem(str(path), "", "holds no workflow definitions (*.yaml)"))
            for file in found:
                requested.setdefault(file.resolve(), file)
            in_files += published.folder_problems(path)
        else:
            requested.setdefault(path.resolve(), path)
            in_files += published.file_problems([path])

    context: dict[Path, Path] = dict(requested)
    for file in list(requested.values()):
        for folder in (file.parent, file.parent.parent):
            for neighbour in sorted(folder.glob("*.y*ml")):
                context.setdefault(neighbour.resolve(), neighbour)

    shown = {str(file) for file in requested.values()}
    administration = {
        key: file for key, file in context.items() if ADMINISTRATION in file.resolve().parts
    }
    episodes = [file for key, file in context.items() if key not in administration]
    results = [load_files(episodes, registry, forms or repository_forms())]
    if administration:
        from webapp.formadmin.publication import REGISTRY as ADMINISTRATION_REGISTRY

        results.append(load_files(administration.values(), ADMINISTRATION_REGISTRY))
    for result in results:
        in_files += [problem for problem in result.problems if problem.file in shown]
        notes += [note for note in result.notes if note.file in shown]
    notes[:] = in_file_order(set(notes))
    return problems + in_file_order(set(in_files))


@click.group("workflows")
def workflows() -> None:
    """Workflow definitions: check them, and draw them."""


@workflows.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check workflow definition files or folders (default: the workflows folder)."""
    targets = paths or (default_directory(),)
    notes: list[Problem] = []
    problems = check_paths(targets, notes=notes)
    for problem in in_file_order(problems + notes):
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"No problems found in {', '.join(str(target) for target in targets)}.")


@workflows.command("publish")
@click.argument(
    "folder", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
def publish(folder: Path | None) -> None:
    """Record the new workflow files of FOLDER (default: the workflows folder) as published.

    Run it when a new version is ready: it checks the whole folder first, then adds each
    file not yet recorded to published.sha256. From then on the file may not change."""
    directory = folder or default_directory()
    problems = check_paths([directory])
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found: nothing was recorded.")
    files = definition_files(directory) + definition_files(directory, administration=True)
    added = published.record(directory, files)
    for name in added:
        click.echo(f"Recorded as published: {name}")
    if not added:
        click.echo(f"Every workflow file in {directory} was already recorded as published.")


@workflows.command("diagram")
@click.argument("workflow_id")
@click.option("--borough", "borough_code", help="Draw this borough's workflow, e.g. riverside.")
@click.option("--version", "version", type=int, help="A published version (default: newest).")
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="mermaid", show_default=True
)
@click.option(
    "--directory",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    envvar="CAF_WORKFLOWS_DIR",
    help="The workflows folder (default: the one in this repository).",
)
def diagram(
    workflow_id: str,
    borough_code: str | None,
    version: int | None,
    output_format: str,
    directory: Path | None,
) -> None:
    """Print a diagram of workflow WORKFLOW_ID as Mermaid or Graphviz DOT text."""
    try:
        catalogue = load_catalogue(directory or default_directory(), forms=repository_forms())
    except DefinitionError as error:
        raise click.ClickException(str(error)) from None
    try:
        if version is not None:
            definition = catalogue.get(workflow_id, version)
        elif borough_code is not None:
            definition = catalogue.for_borough(borough_code, national_id=workflow_id)
        else:
            definition = catalogue.latest(workflow_id)
    except UnknownWorkflow as error:
        raise click.ClickException(str(error)) from None
    click.echo(render(definition, output_format), nl=False)
