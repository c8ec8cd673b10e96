"""Directory services on form pages: the choices a `service` question offers, and the links
the read-only views show.

The form definitions know nothing of the directory (they are data, checked without a
database): a `service` question's choices are the episode's borough's services, supplied
here when a page is drawn and checked. A service already named in the saved answers stays a
choice after it leaves the directory, so saving the page again does not drop it; any other
id (forged, another borough's, or no longer listed) is refused by `validate_section`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from webapp.assessments.display import ServiceLink
from webapp.directory import services as directory
from webapp.episodes.models import Episode
from webapp.formdefs import Field, FieldType, Option, Section
from webapp.formdefs.definition import walk_fields


def service_fields(fields: Iterable[Field]) -> list[Field]:
    return [item for item in walk_fields(tuple(fields)) if item.type is FieldType.SERVICE]


def named_ids(fields: Iterable[Field], answers: Mapping[str, Any]) -> set[int]:
    """The service ids that answers to `service` questions hold (top level or in groups)."""
    found: set[int] = set()
    for item in fields:
        value = answers.get(item.id)
        if item.type is FieldType.SERVICE and isinstance(value, int):
            found.add(value)
        elif item.type is FieldType.REPEATING_GROUP and isinstance(value, list):
            for entry in value:
                if isinstance(entry, Mapping):
                    found |= named_ids(item.fields, entry)
    return found


def choices(
    db_session: Session, episode: Episode, section: Section, stored: Mapping[str, Any]
) -> tuple[tuple[Option, ...], frozenset[int] | None]:
    """(the options a page's `service` questions offer, the ids they accept); ((), None)
    for a page without one."""
    if not service_fields(section.visible_fields):
        return (), None
    offered = directory.plan_choices(
        db_session, episode.borough_id, keep=named_ids(section.visible_fields, stored)
    )
    options = tuple(
        Option(
            str(service.id),
            f"{service.name} ({service.provider})"
            + ("" if service.active else " – no longer listed"),
        )
        for service in offered
    )
    return options, frozenset(service.id for service in offered)


def links(
    db_session: Session, sections: Iterable[Section], answers: Mapping[str, Any]
) -> dict[int, ServiceLink]:
    """Name and page of every directory service the answers name."""
    ids: set[int] = set()
    for section in sections:
        ids |= named_ids(section.visible_fields, answers)
    return {
        service_id: ServiceLink(
            service.name if service.active else f"{service.name} (no longer listed)",
            url_for("directory.show", service_id=service_id),
        )
        for service_id, service in directory.find_many(db_session, ids).items()
    }
