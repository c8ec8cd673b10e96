"""The workflow versions published in the browser, merged with the files in `workflows/`.

Several app processes share one database, so a version published in one is seen by the
others at their next request: `catalogue_for` asks for the newest published row (one
indexed query) and reloads the merged catalogue only when it, or the form library the
conditions are checked against, has changed. Each published text is checked again as it
is loaded, exactly as a file is; one that no longer passes (a form published since hid a
question its conditions read) is logged and built as it was published, so that the
episodes that pinned it keep running."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.workflow.catalogue import Catalogue
from webapp.workflow.definition import WorkflowDefinition
from webapp.workflow.documents import Document, read_document, text_document
from webapp.workflow.expressions import Forms
from webapp.workflow.loader import LoadResult, build, definition_files, load_documents
from webapp.workflow.registry import DEFAULT_REGISTRY
from webapp.workflow.spec import apply_override, national_spec
from webapp.workflowadmin.models import WorkflowVersion

log = logging.getLogger(__name__)
_merged: dict[tuple, Catalogue] = {}


def source_name(row: WorkflowVersion) -> str:
    return f"published in eCAF: {row.workflow_id} version {row.version}"


def file_documents(directory: Path) -> list[Document]:
    return [read_document(path) for path in definition_files(directory)]


def load_with(
    directory: Path, texts: list[Document], forms: Forms | None, *, borough: str | None = None
) -> tuple[LoadResult, set[str]]:
    """The files of `directory` loaded together with `texts`; and the names of the texts.
    With `borough`, only what a definition of that borough is checked with: the national
    definitions and the borough's own (not every other borough's again)."""
    documents = file_documents(directory) + texts
    if borough is not None:
        documents = [item for item in documents if _national_or_of(item, borough)]
    result = load_documents(documents, forms=forms)
    return result, {document.file for document in texts}


def _national_or_of(document: Document, borough: str) -> bool:
    data = document.data if isinstance(document.data, dict) else {}
    return data.get("borough") in (None, borough)


def rows(db_session: Session) -> list[WorkflowVersion]:
    return list(db_session.scalars(select(WorkflowVersion).order_by(WorkflowVersion.id)))


def merged(directory: Path, published: list[WorkflowVersion], forms: Forms | None) -> Catalogue:
    texts = [text_document(row.source_yaml, source_name(row)) for row in published]
    result, names = load_with(directory, texts, forms)
    failed = {problem.file for problem in result.problems if problem.file in names}
    for problem in result.problems:
        if problem.file in names:
            log.error("a workflow version published in eCAF cannot be used: %s", problem)
    definitions = list(result.definitions)
    for document in texts:
        if document.file in failed:
            definitions += as_published(directory, document)
    return Catalogue(definitions)


def as_published(directory: Path, document: Document) -> list[WorkflowDefinition]:
    """A published version that no longer passes the check, built as it was published (it
    passed then): episodes that pinned it must keep running by it, say when a form published
    since hid a question its conditions read (such a condition then never holds, and the
    step says what to do). Nothing, when it cannot even be built."""
    extends = document.data["extends"]
    for national in file_documents(directory):
        data = national.data if isinstance(national.data, dict) else {}
        if (data.get("id"), data.get("version")) == (extends["id"], extends["version"]):
            try:
                spec, _problems = apply_override(
                    national_spec(national.file, data), document.file, document.data
                )
                return [build(spec, DEFAULT_REGISTRY)]
            except (KeyError, TypeError, ValueError):
                log.exception("%s cannot be built", document.file)
    return []


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
