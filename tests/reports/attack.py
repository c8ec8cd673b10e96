"""What someone learns from the figures a report shows: each line of a cube (a total and
the cells that add up to it, along one dimension) with one unknown cell gives that cell,
and what is learnt is used again, until nothing more follows."""

from __future__ import annotations

from webapp.reports.suppression import TOTAL

Key = tuple[str, ...]


def lines_of(keys, values: list[list[str]], first: int = 0) -> list[tuple[Key, list[Key]]]:
    """The lines among `keys` along every dimension from `first` on (`values` per
    dimension): a part that is never shown is left out, as unknowable."""
    keys = set(keys)
    found = []
    for key in keys:
        for position in range(first, len(key)):
            if key[position] == TOTAL:
                parts = [
                    key[:position] + (value,) + key[position + 1 :] for value in values[position]
                ]
                found.append((key, [part for part in parts if part in keys]))
    return found


def worked_out(known: dict[Key, int], lines: list[tuple[Key, list[Key]]]) -> dict[Key, int]:
    known = dict(known)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            unknown = [cell for cell in [total, *parts] if cell not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            others = sum(known[part] for part in parts if part != cell)
            known[cell] = others if cell == total else known[total] - others
            changed = True
    return known
