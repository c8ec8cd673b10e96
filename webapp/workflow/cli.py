"""Command-line tools for workflow definitions, with no Flask import so that they can be
used (and tested) on their own. The app registers the group under its `caf` group:

    flask --app webapp caf workflows check [PATH ...]
    flask --app webapp caf workflows diagram ID [--borough CODE] [--format mermaid|dot]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from webapp.workflow.catalogue import UnknownWorkflow
from webapp.workflow.diagram import FORMATS, render
from webapp.workflow.loader import ADMINISTRATION, definition_files, load_catalogue, load_files
from webapp.workflow.problems import DefinitionError, Problem
from webapp.workflow.registry import DEFAULT_REGISTRY, Registry


def default_directory() -> Path:
    """The repository's `workflows/` folder (webapp/workflow/cli.py -> ../../workflows)."""
    return Path(__file__).resolve().parents[2] / "workflows"


def check_paths(paths: Iterable[Path], registry: Registry = DEFAULT_REGISTRY) -> list[Problem]:
    """Check definition files and folders; return every problem in them.

    A single override file is checked against the national definitions beside it (the
    YAML files in its own folder and the folder above), so that `check
    workflows/boroughs/riverside.yaml` works; only the named files' problems are reported.
    """
    requested: dict[Path, Path] = {}
    problems: list[Problem] = []
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
        else:
            requested.setdefault(path.resolve(), path)

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
    result = load_files(episodes, registry)
    found = list(result.problems)
    if administration:
        from webapp.formadmin.publication import REGISTRY as ADMINISTRATION_REGISTRY

        found += load_files(administration.values(), ADMINISTRATION_REGISTRY).problems
    return problems + [problem for problem in found if problem.file in shown]


@click.group("workflows")
def workflows() -> None:
    """Workflow definitions: check them, and draw them."""


@workflows.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check workflow definition files or folders (default: the workflows folder)."""
    targets = paths or (default_directory(),)
    problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"No problems found in {', '.join(str(target) for target in targets)}.")


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
        catalogue = load_catalogue(directory or default_directory())
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
