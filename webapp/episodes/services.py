"""Opening CAF episodes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.children.models import Child
from webapp.db import utcnow
from webapp.episodes.models import Episode
from webapp.workflow import Catalogue
from webapp.workflowchoices import services as choice_services


def next_reference(db_session: Session, borough: Borough) -> str:
    year = utcnow().year
    prefix = f"{borough.code[:3].upper()}-{year}-"
    latest = db_session.scalar(
        select(func.max(Episode.reference)).where(Episode.reference.like(f"{prefix}%"))
    )
    number = int(latest.rsplit("-", 1)[1]) + 1 if latest else 1
    return f"{prefix}{number:05d}"


def open_episode(
    db_session: Session,
    catalogue: Catalogue,
    child: Child,
    assessor: User,
    borough: Borough,
    client_address: str = "",
) -> Episode:
    """A new episode in its borough's newest workflow, at that workflow's first stage. The
    reference is unique per borough and year; the caller commits (a clash rolls back)."""
    definition = catalogue.for_borough(borough.code)
    choices_id = choice_services.to_pin(db_session, borough.id, definition)
    episode = Episode(
        reference=next_reference(db_session, borough),
        child=child,
        borough_id=borough.id,
        state=definition.initial,
        workflow_id=definition.id,
        workflow_version=definition.version,
        workflow_choices_id=choices_id,
        assessor=assessor,
    )
    db_session.add(episode)
    db_session.flush()
    audit.record(
        db_session,
        "episode.opened",
        actor_id=assessor.id,
        object_type="episode",
        object_id=episode.id,
        episode_id=episode.id,
        child_id=child.id,
        client_address=client_address,
        workflow=f"{definition.id} v{definition.version}",
        workflow_choices=choices_id,
    )
    return episode
