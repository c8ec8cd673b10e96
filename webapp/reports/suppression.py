"""Small-number suppression of a table of counts, before any figure leaves the server.

A report's counts form a cube: every combination of the values of its dimensions (agency
sector, age band, area, a category such as the stage), with a total along each dimension.
Every figure a page or an export shows under any filter is one cell of that cube, so
suppressing the cube once, consistently, protects every view of it:

- primary suppression: a count from 1 to `threshold - 1` is shown as "fewer than N";
- secondary suppression: along every line of the cube (a total and the cells that add up
  to it) either no cell is suppressed or at least two are, so that no suppressed cell is
  the one unknown of a sum. The smallest non-zero cell still shown is suppressed as well,
  until no line is left with a single suppressed cell.

A rate is shown only when its numerator and denominator both are.

Plain Python: nothing here knows about the database or about requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

#: The value of a dimension in a cell that adds up every value of it.
TOTAL = "*"

DEFAULT_THRESHOLD = 5

Key = tuple[str, ...]


class Status(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to threshold - 1
    HIDDEN = "hidden"  # shown would let a small count be worked out


@dataclass(frozen=True)
class Figure:
    """One count as it may leave the server: its value only when it is shown."""

    value: int | None
    status: Status
    threshold: int

    @property
    def shown(self) -> bool:
        return self.status is Status.SHOWN

    @property
    def text(self) -> str:
        if self.status is Status.SMALL:
            return f"fewer than {self.threshold}"
        if self.status is Status.HIDDEN:
            return "not shown"
        return f"{self.value:,}"


def shown(value: int, threshold: int) -> Figure:
    return Figure(value, Status.SHOWN, threshold)


def _margins(counts: Mapping[Key, int], dimensions: Sequence[Sequence[str]]) -> dict[Key, int]:
    """The non-zero cells of the cube, totals included: each dimension in turn is summed
    into its total, so the work follows the cells that hold a count, not the cube's size."""
    width = len(dimensions)
    cube: dict[Key, int] = {}
    for key, count in counts.items():
        if len(key) != width or any(
            part not in values for part, values in zip(key, dimensions, strict=True)
        ):
            raise ValueError(f"{key!r} is not a cell of the dimensions")
        if count:
            cube[key] = cube.get(key, 0) + count
    for position in range(width):
        for key, count in list(cube.items()):
            if key[position] != TOTAL:
                total = key[:position] + (TOTAL,) + key[position + 1 :]
                cube[total] = cube.get(total, 0) + count
    return cube


Line = tuple[Key, int]  # the line's total, and the dimension along which its cells vary


def _lines_through(key: Key) -> list[Line]:
    """The lines a cell is on: as a part along each dimension it has a value for, and as
    the total along each dimension it adds up."""
    return [
        (key if part == TOTAL else key[:position] + (TOTAL,) + key[position + 1 :], position)
        for position, part in enumerate(key)
    ]


def _members(line: Line, dimensions: Sequence[Sequence[str]]) -> list[Key]:
    total, position = line
    return [total] + [
        total[:position] + (value,) + total[position + 1 :] for value in dimensions[position]
    ]


class Figures(dict):
    """The cells of a protected cube; a cell that is not held counts nothing."""

    def __init__(self, zero: Figure) -> None:
        super().__init__()
        self.zero = zero

    def __missing__(self, key: Key) -> Figure:
        return self.zero


def protect(
    counts: Mapping[Key, int],
    dimensions: Sequence[Sequence[str]],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Key, Figure]:
    """Every cell of the cube of `counts` (keyed by one value of each dimension), totals
    included, as it may be shown (a cell left out is 0, shown)."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    cube = _margins(counts, dimensions)
    small = {key for key, value in cube.items() if value < threshold}
    hidden: set[Key] = set()
    # Only the lines through a suppressed cell can need another one suppressed.
    waiting = [line for key in small for line in _lines_through(key)]
    while waiting:
        members = _members(waiting.pop(), dimensions)
        suppressed = [key for key in members if key in small or key in hidden]
        if len(suppressed) != 1:
            continue
        # The smallest count still shown, a part before the total (the total is what the
        # other cuts share); a cell of 0 hides nothing, and the total then is the one cell.
        candidates = [key for key in members[1:] + members[:1] if key not in suppressed]
        candidates = [key for key in candidates if cube.get(key, 0) > 0]
        if not candidates:
            continue
        chosen = min(candidates, key=lambda key: (cube[key], key == members[0]))
        hidden.add(chosen)
        waiting.extend(_lines_through(chosen))
    figures = Figures(shown(0, threshold))
    for key, value in cube.items():
        if key in small:
            figures[key] = Figure(None, Status.SMALL, threshold)
        elif key in hidden:
            figures[key] = Figure(None, Status.HIDDEN, threshold)
        else:
            figures[key] = shown(value, threshold)
    return figures


def rate(numerator: Figure, denominator: Figure) -> str | None:
    """The percentage, or None when either figure is not shown (or there is nothing to
    divide by)."""
    if not (numerator.shown and denominator.shown) or not denominator.value:
        return None
    return f"{100 * (numerator.value or 0) / denominator.value:.0f}%"


def any_suppressed(figures: Iterable[Figure]) -> bool:
    return any(not figure.shown for figure in figures)
