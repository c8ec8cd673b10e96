"""Published definition files never change: each one's SHA-256 is recorded in
formdefs/published.sha256, so an edit to a published version fails here instead of
silently changing the form under every episode pinned to it."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "formdefs"
MANIFEST = ROOT / "published.sha256"


def recorded() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def test_no_published_definition_file_has_changed():
    changed = [
        name
        for name, digest in recorded().items()
        if hashlib.sha256((ROOT / name).read_bytes()).hexdigest() != digest
    ]
    assert changed == [], (
        "published definitions must never change: copy the file to the next version instead"
    )


def test_no_published_definition_file_was_removed():
    assert [name for name in recorded() if not (ROOT / name).is_file()] == []


def test_every_definition_file_is_recorded_as_published():
    # classification.yaml is not a definition: it classifies the published questions as
    # basic or sensitive, and can be corrected without changing any form; nor is
    # bindings.yaml, which says only what an empty page is pre-filled with.
    files = {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.yaml")
        if path.name not in ("classification.yaml", "bindings.yaml")
    }
    assert files - set(recorded()) == set(), (
        "add the new version to formdefs/published.sha256 (sha256sum) when it is published"
    )
