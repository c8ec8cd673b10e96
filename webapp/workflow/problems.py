"""What is wrong with a workflow definition, said so that a borough administrator can act.

Every problem names the file and the key (a path such as `transitions[3].roles`), and the
line when it is known, because "the workflow is invalid" is of no use to anyone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key or '(top level)'}: {self.message}"


class DefinitionError(Exception):
    """Raised when definitions do not load; the app must refuse to start with these."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"Workflow definitions have {len(self.problems)} problem(s):\n{lines}")


def in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file, then by line; what concerns the file as a whole comes after its lines."""
    return sorted(
        problems,
        key=lambda problem: (
            problem.file,
            sys.maxsize if problem.line is None else problem.line,
            problem.key,
            problem.message,
        ),
    )


def not_checked(file: str, checks: str) -> Problem:
    """A note that a later layer of checks could not run on a file: said once, so that
    fixing the problems found is not mistaken for the end of them."""
    return Problem(
        file,
        "",
        f"the {checks} did not run on this file because of the problems above: fix them "
        "and check again",
    )


def join_key(*parts: str | int) -> str:
    """Build a key path: ("transitions", 3, "roles") -> "transitions[3].roles"."""
    key = ""
    for part in parts:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part:
            key = f"{key}.{part}" if key else part
    return key


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """ "unknown role 'boss'; did you mean ...?", or the names that are known."""
    known = list(known)
    close = get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known {kind}s: {', '.join(known)}"
    return f"unknown {kind} {name!r}{hint}"
