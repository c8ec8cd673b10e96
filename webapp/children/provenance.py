"""Provenance of a child's details: which source said what, and when, and which value the
child index shows.

Each import row's details are kept per source (`ChildFieldValue`); a value the source
replaces is superseded, never changed, so the history stays (previous addresses). The index
shows, field by field, the current value of the most trusted source: the borough's order of
sources is data (`source_priorities/<borough code>.yaml`, else `default.yaml`), and between
sources equally trusted the one that has known the child longest stands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.children.import_rows import ChildRow
from webapp.children.models import Child, Gender
from webapp.children.provenance_models import ChildFieldValue

PRIORITIES = Path(__file__).with_name("source_priorities")
ADDRESS_PARTS = ("address_line_1", "address_line_2", "town", "postcode")
FIELDS = {
    "given_names": "Given names",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "gender": "Sex",
    "address": "Address",
}


class PrioritiesInvalid(ValueError):
    """A source priorities file that is not what this module reads; says file and key."""


@dataclass(frozen=True)
class Priorities:
    by_field: dict[str, tuple[str, ...]]

    def rank(self, field: str, source: str) -> int:
        order = self.by_field.get(field, self.by_field.get("default", ()))
        return order.index(source) if source in order else len(order)


def load_priorities(borough_code: str | None, folder: Path | None = None) -> Priorities:
    """The borough's order of sources if it has one, else the default."""
    folder = folder or PRIORITIES
    path = folder / f"{borough_code}.yaml"
    if borough_code is None or not path.exists():
        path = folder / "default.yaml"
    return _read(path)


@cache
def _read(path: Path) -> Priorities:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise PrioritiesInvalid(f"{path}: expected keys default and field names")
    by_field: dict[str, tuple[str, ...]] = {}
    for key, sources in data.items():
        if key != "default" and key not in FIELDS:
            raise PrioritiesInvalid(
                f"{path}: unknown key '{key}' (allowed: default, {', '.join(FIELDS)})"
            )
        if not isinstance(sources, list) or not all(isinstance(item, str) for item in sources):
            raise PrioritiesInvalid(f"{path}: '{key}' must be a list of source names")
        by_field[key] = tuple(sources)
    return Priorities(by_field)


def values_of(item: ChildRow) -> dict[str, str]:
    """The row's details, as provenance keeps them (the address as one value)."""
    return {
        "given_names": item.given_names,
        "family_name": item.family_name,
        "date_of_birth": item.date_of_birth.isoformat(),
        "gender": item.gender.value,
        "address": json.dumps([getattr(item, part) for part in ADDRESS_PARTS]),
    }


def record(db_session: Session, child_id: int, source: str, item: ChildRow, now: datetime) -> None:
    """Keep what `source` now says of the child; supersede what it said before."""
    current = {
        row.field: row
        for row in db_session.scalars(
            select(ChildFieldValue).where(
                ChildFieldValue.child_id == child_id,
                ChildFieldValue.source == source,
                ChildFieldValue.superseded_at.is_(None),
            )
        )
    }
    for field, value in values_of(item).items():
        said = current.get(field)
        if said is not None and said.value == value:
            continue
        if said is not None:
            said.superseded_at = now
        db_session.add(
            ChildFieldValue(child_id=child_id, source=source, field=field, value=value, said_at=now)
        )


def history(db_session: Session, child_id: int) -> list[ChildFieldValue]:
    return list(
        db_session.scalars(
            select(ChildFieldValue)
            .where(ChildFieldValue.child_id == child_id)
            .order_by(ChildFieldValue.field, ChildFieldValue.said_at, ChildFieldValue.id)
        )
    )


def shown(values: list[ChildFieldValue], priorities: Priorities) -> dict[str, ChildFieldValue]:
    """For each field, the current value of the most trusted source."""
    since: dict[tuple[str, str], datetime] = {}
    for value in values:
        key = (value.field, value.source)
        since[key] = min(since.get(key, value.said_at), value.said_at)
    best: dict[str, ChildFieldValue] = {}
    for value in values:
        if value.superseded_at is not None:
            continue

        def order(candidate: ChildFieldValue) -> tuple[int, datetime, int]:
            return (
                priorities.rank(candidate.field, candidate.source),
                since[(candidate.field, candidate.source)],
                candidate.id or 0,
            )

        if value.field not in best or order(value) < order(best[value.field]):
            best[value.field] = value
    return best


def resolve(db_session: Session, child: Child, priorities: Priorities) -> None:
    """Show on the child the current value of the most trusted source, field by field."""
    db_session.flush()
    for field, value in shown(history(db_session, child.id), priorities).items():
        if field == "address":
            for part, text in zip(ADDRESS_PARTS, json.loads(value.value), strict=True):
                setattr(child, part, text)
        elif field == "date_of_birth":
            child.date_of_birth = date.fromisoformat(value.value)
        elif field == "gender":
            child.gender = Gender(value.value)
        else:
            setattr(child, field, value.value)


def move(db_session: Session, ids: list[int], to_child_id: int) -> None:
    """Give these values to another child (a merge, or undoing one)."""
    if ids:
        db_session.execute(
            update(ChildFieldValue)
            .where(ChildFieldValue.id.in_(ids))
            .values(child_id=to_child_id)
            .execution_options(synchronize_session=False)
        )


def ids_of(db_session: Session, child_id: int) -> list[int]:
    return list(
        db_session.scalars(select(ChildFieldValue.id).where(ChildFieldValue.child_id == child_id))
    )


def address_text(value: ChildFieldValue) -> str:
    return ", ".join(part for part in json.loads(value.value) if part) or "No address"
