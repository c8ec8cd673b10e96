"""Load definition folders once per content: apps built repeatedly in one process (the test
suite builds one per test) reuse what an unchanged folder already produced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Loaded = TypeVar("Loaded")
_cache: dict[tuple, object] = {}


def _fingerprint(path: Path) -> tuple:
    return tuple(
        (str(file), file.stat().st_mtime_ns, file.stat().st_size)
        for file in sorted(path.rglob("*"))
        if file.is_file()
    )


def load_once(kind: str, path: Path, loader: Callable[[Path], Loaded]) -> Loaded:
    key = (kind, str(path.resolve()), _fingerprint(path))
    if key not in _cache:
        _cache[key] = loader(path)  # a loader that raises caches nothing
    return _cache[key]  # type: ignore[return-value]
