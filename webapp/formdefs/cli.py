"""`caf formdefs check` and `caf formdefs show`: the administrator's view of definitions.

The pure functions do the work so that the web editor can show the same messages; the
click group is registered by the app under `flask --app webapp caf` (no Flask here).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click
import yaml

from webapp.formdefs.bindings import (
    form_binding_problems,
    library_binding_problems,
    overlay_binding_problems,
)
from webapp.formdefs.classification import (
    classify,
    library_problems,
    operation_key,
    unclassified_problems,
)
from webapp.formdefs.convert import form_to_dict
from webapp.formdefs.definition import FormDefinition
from webapp.formdefs.loader import (
    BOROUGHS,
    NATIONAL,
    FormLibrary,
    default_root,
    live_root,
    parse_file,
    scan,
)
from webapp.formdefs.overlay import Overlay, apply_overlay
from webapp.formdefs.problems import DefinitionError, Problem, UnknownFormError

NATIONAL_NAME = "national"


def check_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in the given files or folders (a folder is a whole definitions tree).

    A single overlay file is checked against the national forms of the tree it sits in
    (or the default `formdefs/` when it sits outside one). Every question must be
    classified as basic or sensitive personal data (`classification.py`)."""
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            library, found = scan(path)
            problems.extend(found)
            if not found:
                problems.extend(library_problems(library))
                problems.extend(library_binding_problems(library))
        elif path.is_file():
            problems.extend(_check_file(path, str(given)))
        else:
            problems.append(Problem(str(given), "", "no such file or folder"))
    return problems


def _check_file(path: Path, display: str) -> list[Problem]:
    document, problems = parse_file(path, display)
    if document is None:
        return problems
    library, _ = scan(_tree_root(path))
    if isinstance(document, Overlay):
        # A wrongly named overlay is still checked against its base form.
        return problems + _overlay_file_problems(document, library, display)
    if problems:
        return problems
    national = classify(document, library.classification.for_national(document.id))
    return unclassified_problems(national, display) + form_binding_problems(
        national, library, display
    )


def _overlay_file_problems(document: Overlay, library: FormLibrary, display: str) -> list[Problem]:
    base = library.find_base(document.form_id, document.base_version)
    if base is None:
        versions = ", ".join(str(number) for number in library.versions(document.form_id))
        message = (
            f"{document.form_id} version {document.base_version} does not exist"
            f" (published versions: {versions or 'none'})"
        )
        return [Problem(display, "extends.version", message)]
    try:
        merged = library.classify_overlay(apply_overlay(base, document))
    except DefinitionError as error:
        return list(error.problems)
    return unclassified_problems(
        merged,
        display,
        skip=frozenset(item.id for item in base.all_fields()),
        key_of=lambda field_id: operation_key(document.operations, field_id),
    ) + overlay_binding_problems(merged, base, library, display)


def _tree_root(path: Path) -> Path:
    for folder in path.resolve().parents:
        if (folder / NATIONAL).is_dir() and (folder / BOROUGHS).is_dir():
            return folder
    return default_root()


def show_effective(
    borough: str,
    form_id: str,
    version: int | None = None,
    *,
    root: Path | None = None,
    library: FormLibrary | None = None,
) -> str:
    """The merged form a borough uses, as YAML (`national` for the national form alone).

    Raises UnknownFormError for an unknown form or version, DefinitionError when the
    definitions folder has problems (run `check` to list them)."""
    if library is None:
        library, problems = scan(root or default_root())
        if problems:
            raise DefinitionError(problems)
    name = None if borough == NATIONAL_NAME else borough
    form = library.effective(name, form_id, version)
    return _as_yaml(form)


def _as_yaml(form: FormDefinition) -> str:
    return yaml.safe_dump(form_to_dict(form), sort_keys=False, allow_unicode=True, width=100)


@click.group("formdefs")
def formdefs() -> None:
    """Form definitions: the national forms and borough overlays."""


@formdefs.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate definition files or folders (default: the live formdefs/ folder,
    CAF_FORMDEFS_PATH when it is set)."""
    targets = list(paths) or [live_root()]
    problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise click.exceptions.Exit(1)
    click.echo("All form definitions are valid.")


@formdefs.command("show")
@click.argument("borough")
@click.argument("form_id", metavar="FORM")
@click.option("--version", type=int, default=None, help="National version (default: newest).")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Definitions folder (default: formdefs/).",
)
def show(borough: str, form_id: str, version: int | None, root: Path | None) -> None:
    """Print the effective form BOROUGH uses for FORM ('national' for no overlay)."""
    try:
        click.echo(show_effective(borough, form_id, version, root=root), nl=False)
    except UnknownFormError as error:
        raise click.ClickException(str(error)) from error
    except DefinitionError as error:
        raise click.ClickException(
            f"the definitions have problems; run `formdefs check`:\n{error}"
        ) from error
