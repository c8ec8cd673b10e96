"""Published workflow files never change.

An episode keeps the workflow id and version it started with, so editing a published file
in place would change the rules of every episode already running under it. Each published
file's SHA-256 is recorded in `published.sha256` at the top of the workflows folder (the
`sha256sum` format, paths relative to that folder), like formdefs/published.sha256. A
recorded file that has changed, or has gone, is a problem: the app refuses to start and
`workflows check` says which file. A file not yet recorded is a version still being
written; `workflows publish` records it once it checks clean, and never rewrites a line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from webapp.workflow.problems import Problem

MANIFEST = "published.sha256"
PUBLISH_COMMAND = "flask --app webapp caf workflows publish"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded(directory: Path) -> tuple[dict[str, str], list[Problem]]:
    """The recorded fingerprints by path relative to `directory`, and any unreadable line."""
    manifest = directory / MANIFEST
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    if not manifest.is_file():
        return entries, problems
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            message = "is not '<sha256>  <file>': restore the line as it was recorded"
            problems.append(Problem(str(manifest), "", message, number))
            continue
        entries[parts[1].strip().removeprefix("*")] = parts[0].lower()
    return entries, problems


def folder_problems(directory: Path) -> list[Problem]:
    """Every recorded file of `directory` that has changed or disappeared."""
    entries, problems = recorded(directory)
    for name, expected in entries.items():
        path = directory / name
        if not path.is_file():
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"is recorded as published in {directory / MANIFEST} but is missing: a "
                    "published version stays while any episode may use it, so restore it",
                )
            )
        elif digest(path) != expected:
            problems.append(_changed(path))
    return problems


def file_problems(files: Iterable[Path]) -> list[Problem]:
    """The given files that were published and have since changed; each is looked up in the
    manifest of its own folder or the folder above (a borough's override)."""
    problems: list[Problem] = []
    for file in files:
        for folder in (file.parent, file.parent.parent):
            if not (folder / MANIFEST).is_file():
                continue
            entries, _ = recorded(folder)
            expected = entries.get(file.resolve().relative_to(folder.resolve()).as_posix())
            if expected is not None and digest(file) != expected:
                problems.append(_changed(file))
            break
    return problems


def _changed(path: Path) -> Problem:
    return Problem(
        str(path),
        "version",
        "this published version has been changed in place, which would change the rules of "
        "the episodes already running under it: restore the published file, and make the "
        "change in a copy with a higher version (then record it with "
        f"`{PUBLISH_COMMAND}`)",
    )


def record(directory: Path, files: Iterable[Path]) -> list[str]:
    """Add the files not yet recorded to the manifest; return their names. A recorded line
    is never rewritten: a published version is fixed."""
    entries, _ = recorded(directory)
    added = []
    for file in sorted(files):
        name = file.resolve().relative_to(directory.resolve()).as_posix()
        if name not in entries:
            entries[name] = digest(file)
            added.append(name)
    if added:
        lines = "".join(f"{value}  {name}\n" for name, value in sorted(entries.items()))
        (directory / MANIFEST).write_text(lines, encoding="utf-8")
    return added
