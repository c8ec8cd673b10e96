"""Word documents for signatures, generated from each borough's own form definitions."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp.definitions_cache import load_once


class DocumentTemplateError(RuntimeError):
    """A Word template is missing or names something the renderer does not provide."""


def init_app(app: Flask) -> None:
    """Refuse to start with a broken template, naming the file and the fix."""
    from webapp.documents import services

    library = app.extensions["caf_formdefs"]
    problems = load_once(
        f"document templates for {app.config['FORMDEFS_PATH']}",
        Path(app.config["DOCUMENT_TEMPLATES_PATH"]),
        lambda path: services.check_folder(path, library),
    )
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise DocumentTemplateError(f"eCAF cannot start: document templates are invalid:\n{listed}")
