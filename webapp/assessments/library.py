"""The form definitions the app serves, loaded once at start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

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


def form_library() -> FormLibrary:
    return current_app.extensions["caf_formdefs"]
