"""Confidential notes are read in one place: nothing else in the app can leak them into a
page, a document or an export by querying the table itself."""

from pathlib import Path

import webapp

ALLOWED = {"notes", "migrations", "models.py"}


def test_only_the_notes_package_reads_the_confidential_notes_table():
    root = Path(webapp.__file__).parent
    readers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in ALLOWED
        and ("ConfidentialNote" in path.read_text() or 'confidential_note"' in path.read_text())
    ]
    assert readers == []
