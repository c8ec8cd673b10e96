"""Problems found in definition files, worded for the borough administrator who fixes them.

Every problem names the file and the key inside it (`operations[3].hide`), the way
plone.supermodel reports parse errors, so that it can be acted on without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    key: str
    message: str

    def __str__(self) -> str:
        if self.key:
            return f"{self.path}: {self.key}: {self.message}"
        return f"{self.path}: {self.message}"


class DefinitionError(Exception):
    """One or more definition files are invalid; `problems` lists each of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownFormError(LookupError):
    """No form (or no form version / overlay version) with that identity is loaded."""


def key_path(parts: Iterable[str | int]) -> str:
    """Render a path such as ("sections", 0, "fields", 2) as `sections[0].fields[2]`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
