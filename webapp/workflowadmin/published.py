"""The workflow versions published in the browser, merged with the files in `workflows/`.

Several app processes share one database, so a version published in one is seen by the
others at their next request: `catalogue_for` asks for the newest published row (one
indexed query) and reloads the merged catalogue only when it, or the form library the
conditions are checked against, has changed. Each published text is checked again as it
is loaded, exactly as a file is; one that no longer loads (only a changed national file
could do that) is logged and left out, and the files load as before."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.workflow.catalogue import Catalogue
from webapp.workflow.documents import Document, read_document, text_document
from webapp.workflow.expressions import Forms
from webapp.workflow.loader import LoadResult, definition_files, load_documents
from webapp.workflowadmin.models import WorkflowVersion

log = logging.getLogger(__name__)
_merged: dict[tuple, Catalogue] = {}


def source_name(row: WorkflowVersion) -> str:
    return f"published in eCAF: {row.workflow_id} version {row.version}"


def file_documents(directory: Path) -> list[Document]:
    return [read_document(path) for path in definition_files(directory)]


def load_with(
    directory: Path, texts: list[Document], forms: Forms | None
) -> tuple[LoadResult, set[str]]:
    """The files of `directory` loaded together with `texts`; and the names of the texts."""
    result = load_documents(file_documents(directory) + texts, forms=forms)
    return result, {document.file for document in texts}


def rows(db_session: Session) -> list[WorkflowVersion]:
    return list(db_session.scalars(select(WorkflowVersion).order_by(WorkflowVersion.id)))


def merged(directory: Path, published: list[WorkflowVersion], forms: Forms | None) -> Catalogue:
    texts = [text_document(row.source_yaml, source_name(row)) for row in published]
    result, names = load_with(directory, texts, forms)
    for problem in result.problems:
        if problem.file in names:
            log.error("a workflow version published in eCAF cannot be used: %s", problem)
    return Catalogue(result.definitions)


def catalogue_for(
    db_session: Session, files: Catalogue, directory: Path, forms: Forms | None
) -> Catalogue:
    """`files` (loaded at start-up) with the versions published in the browser."""
    # The newest row's id and time and the count: a database rebuilt or rolled back (ids
    # reused) is never mistaken for the one already merged.
    newest = db_session.execute(
        select(
            func.max(WorkflowVersion.id),
            func.count(WorkflowVersion.id),
            func.max(WorkflowVersion.published_at),
        )
    ).one()
    if newest[0] is None:
        return files
    key = (id(files), id(forms), *newest)
    if key not in _merged:
        if len(_merged) > 16:
            _merged.clear()
        _merged[key] = merged(directory, rows(db_session), forms)
    return _merged[key]
