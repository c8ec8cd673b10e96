"""A short-lived memory of a scope's protected figures, in each app process.

A report's cubes change only when episodes do, and building them for a borough with tens of
thousands of episodes is most of a report's time; kept for REPORTS_CACHE_SECONDS (0 keeps
nothing), they are built once for everyone who reads the same report in that time, who
then see one set of figures. Every entry is keyed by the scope it was built for (its kind,
whose episodes it counts, and its threshold) before anything else, and the scope comes from
the reader's account alone, so one scope's figures are never served to another."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app

from webapp.reports.scope import Scope

T = TypeVar("T")

#: Entries kept at most, the newest: the largest (a borough's cubes for a period, some
#: 10,000 cells for 50,000 episodes) take a few megabytes each.
MAX_ENTRIES = 32


class FiguresCache:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, scope: Scope, parts: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        """What `build()` returns for `scope` and `parts`, built again once it is older than
        the cache's seconds."""
        if self.seconds <= 0:
            return build()
        key = (scope.identity, scope.threshold, parts)
        now = self.clock()
        with self._lock:
            held = self._entries.get(key)
            if held is not None and now - held[0] < self.seconds:
                return held[1]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value


def init_app(app: Flask) -> None:
    app.extensions["reports_cache"] = FiguresCache(float(app.config["REPORTS_CACHE_SECONDS"]))


def current() -> FiguresCache:
    return current_app.extensions["reports_cache"]
