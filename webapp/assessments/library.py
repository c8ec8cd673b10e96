"""The form definitions the app serves, loaded once at start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from webapp import db
from webapp.definitions_cache import load_once
from webapp.formdefs import DefinitionError, FormLibrary, load_library


class FormDefinitionConfigurationError(RuntimeError):
    """The form definitions are invalid: the app must not start."""


def init_app(app: Flask) -> None:
    path = Path(app.config["FORMDEFS_PATH"])
    try:
        app.extensions["caf_formdefs"] = load_once("formdefs", path, load_library)
    except DefinitionError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise FormDefinitionConfigurationError(
            f"eCAF cannot start: the form definitions in {path} are invalid:\n{problems}"
        ) from None


def file_library() -> FormLibrary:
    """The definitions in `formdefs/` alone, as loaded at start-up."""
    return current_app.extensions["caf_formdefs"]


def form_library() -> FormLibrary:
    """The files in `formdefs/` with the overlay versions published through the web, as
    this request sees them (looked up once per request)."""
    if "caf_form_library" not in g:
        from webapp.formadmin.published import library_for

        g.caf_form_library = library_for(db.session, file_library())
    return g.caf_form_library
