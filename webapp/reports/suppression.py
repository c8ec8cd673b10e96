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
from itertools import product

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


def _cube(counts: Mapping[Key, int], dimensions: Sequence[Sequence[str]]) -> dict[Key, int]:
    """Every cell of the cube, totals included; cells with no count are 0."""
    axes = [list(values) + [TOTAL] for values in dimensions]
    cube = dict.fromkeys(product(*axes), 0)
    width = len(dimensions)
    for key, count in counts.items():
        if not count:
            continue
        if len(key) != width or any(
            part not in values for part, values in zip(key, dimensions, strict=True)
        ):
            raise ValueError(f"{key!r} is not a cell of the dimensions")
        for mask in product((False, True), repeat=width):
            total_key = tuple(
                TOTAL if masked else part for part, masked in zip(key, mask, strict=True)
            )
            cube[total_key] += count
    return cube


def _lines(cube: Mapping[Key, int], dimensions: Sequence[Sequence[str]]) -> list[list[Key]]:
    """Each line of the cube: a total first, then the cells that add up to it."""
    lines = []
    for key in cube:
        for position, part in enumerate(key):
            if part == TOTAL:
                lines.append(
                    [key]
                    + [
                        key[:position] + (value,) + key[position + 1 :]
                        for value in dimensions[position]
                    ]
                )
    return lines


def protect(
    counts: Mapping[Key, int],
    dimensions: Sequence[Sequence[str]],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Key, Figure]:
    """Every cell of the cube of `counts` (keyed by one value of each dimension), totals
    included, as it may be shown."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    cube = _cube(counts, dimensions)
    small = {key for key, value in cube.items() if 0 < value < threshold}
    hidden: set[Key] = set()
    lines = _lines(cube, dimensions)
    changed = bool(small)
    while changed:
        changed = False
        for line in lines:
            suppressed = [key for key in line if key in small or key in hidden]
            if len(suppressed) != 1:
                continue
            # Parts before the total: the total is what the other cuts share.
            candidates = [key for key in line[1:] + line[:1] if key not in suppressed]
            candidates = [key for key in candidates if cube[key] > 0]
            if not candidates:
                continue  # every other cell is 0: then the suppressed one is 0 too
            hidden.add(min(candidates, key=lambda key: (cube[key], key == line[0])))
            changed = True
    figures = {}
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
