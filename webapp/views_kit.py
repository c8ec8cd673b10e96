"""Small pieces that several pages' views share."""

from __future__ import annotations

from sqlalchemy import select

from webapp import db
from webapp.boroughs.models import Organisation
from webapp.episodes.models import Episode


def agency_choices(episode: Episode, placeholder: str | None = None) -> list[tuple[object, str]]:
    """Every agency as a choice, those of the episode's own borough first, each group by
    name; `placeholder` (when given) is the first, empty choice."""
    organisations = db.session.scalars(
        select(Organisation).order_by(
            Organisation.borough_id != episode.borough_id, Organisation.name
        )
    )
    first: list[tuple[object, str]] = [("", placeholder)] if placeholder else []
    return first + [(organisation.id, organisation.name) for organisation in organisations]
