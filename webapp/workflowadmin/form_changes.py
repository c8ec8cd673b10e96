"""What a change to a borough's form would break in the borough's workflows.

A workflow's structured conditions read the answers of the borough's effective forms, and
`workflows check` refuses a condition on a question the form does not have, hides, or whose
choices do not include the compared value. The same check runs the other way when a form
changes: the borough's workflows (its files and the versions published in the browser) are
checked again against the forms as the change would leave them, and whatever that finds
that the forms in use do not is a problem of the form change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from webapp.formdefs import FormLibrary, Problem
from webapp.formdefs.overlay import Overlay
from webapp.workflow.catalogue import Catalogue
from webapp.workflow.documents import text_document
from webapp.workflow.expressions import LibraryForms
from webapp.workflowadmin.published import load_with, rows, source_name

_found: dict[tuple, frozenset[tuple[str, str, str]]] = {}


def _problems(
    directory: Path, texts: list, forms: LibraryForms, files: set[str], key: tuple
) -> frozenset[tuple[str, str, str]]:
    if key not in _found:
        if len(_found) > 32:
            _found.clear()
        result, _names = load_with(directory, texts, forms)
        _found[key] = frozenset(
            (problem.file, problem.key, problem.message)
            for problem in result.problems
            if problem.file in files
        )
    return _found[key]


def workflow_problems(
    db_session: Session,
    *,
    directory: Path,
    catalogue: Catalogue,
    library: FormLibrary,
    overlay: Overlay,
    display: str,
) -> list[Problem]:
    """The problems the borough's workflows would have with `overlay` published, that they
    do not have with `library` (the forms in use); each named for the form draft."""
    files = {item.source for item in catalogue if item.borough == overlay.borough}
    if not files:
        return []
    published = rows(db_session)
    texts = [text_document(row.source_yaml, source_name(row)) for row in published]
    versions = tuple(row.id for row in published)
    changed = replace(
        library,
        bases=dict(library.bases),
        overlays=dict(library.overlays),
        merged=dict(library.merged),
    )
    if changed.add_overlay(overlay):
        return []  # the draft's own check reports why it does not apply
    before = _problems(
        directory, texts, LibraryForms(library), files, (str(directory), id(library), versions)
    )
    after = _problems(
        directory,
        texts,
        LibraryForms(changed),
        files,
        (str(directory), id(library), versions, repr(overlay)),
    )
    return [
        Problem(
            display,
            "operations",
            f"the borough's workflow ({Path(file).name}) would break: {message} ({key}). "
            "Change the workflow first, then the form",
        )
        for file, key, message in sorted(after - before)
    ]
