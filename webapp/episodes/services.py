"""Opening CAF episodes."""

from __future__ import annotations

from sqlalchemy import Integer, cast, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp import counters
from webapp.accounts.models import User
from webapp.assessments import pins
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.children.models import Child
from webapp.db import utcnow, violates
from webapp.episodes.models import (
    OPEN_EPISODE_PER_CHILD,
    Episode,
    SocialCareInvolvement,
)
from webapp.episodes.recipients import caf_contacts, notify
from webapp.workflow import Catalogue
from webapp.workflowchoices import services as choice_services


class AnotherOpenEpisode(Exception):
    """The child already has an open CAF: contact its team instead of starting another."""


def find_open_episode(db_session: Session, child_id: int) -> Episode | None:
    return db_session.scalars(Episode.open_for_child(child_id)).first()


def next_reference(db_session: Session, borough: Borough) -> str:
    """`RIV-2026-00042`: the borough's next number of the year, allocated atomically."""
    prefix = f"{borough.code[:3].upper()}-{utcnow().year}-"
    taken = counters.highest(
        cast(func.substr(Episode.reference, len(prefix) + 1), Integer),
        Episode.reference.like(f"{prefix}%"),
    )
    number = counters.allocate(db_session, f"episode-reference:{prefix}", taken)
    return f"{prefix}{number:05d}"


def open_episode(
    db_session: Session,
    catalogue: Catalogue,
    child: Child,
    assessor: User,
    borough: Borough,
    client_address: str = "",
    *,
    social_care: SocialCareInvolvement | None = None,
) -> Episode:
    """A new episode in its borough's newest workflow, at that workflow's first stage. The
    reference is unique per borough and year; the caller commits. Raises AnotherOpenEpisode
    (the caller rolls back) when the child has an open CAF, even one started a moment ago
    by someone else."""
    if find_open_episode(db_session, child.id) is not None:
        raise AnotherOpenEpisode
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
        social_care_involvement=social_care,
    )
    db_session.add(episode)
    try:
        db_session.flush()
    except IntegrityError as error:
        if violates(error, OPEN_EPISODE_PER_CHILD):
            raise AnotherOpenEpisode from None
        raise
    pins.pin_new_episode(db_session, episode)
    audit.record_for_episode(
        db_session,
        "episode.opened",
        episode,
        actor_id=assessor.id,
        client_address=client_address,
        workflow=f"{definition.id} v{definition.version}",
        workflow_choices=choices_id,
        social_care=social_care.value if social_care else None,
    )
    return episode


STARTED_NOTIFICATION = "caf_started"


def notify_caf_contacts_of_start(db_session: Session, episode: Episode, starter: User) -> None:
    """Tell the borough's CAF contacts that a CAF has started (London CAF protocol, Annex 1:
    the CAF contact co-ordinates the CAF in the borough). Written once the start has
    committed; the message names the reference and who started it, never the child."""
    organisation = starter.organisation.name if starter.organisation else ""
    message = (
        f"A CAF was started in your borough: {episode.reference}, by {starter.full_name}"
        + (f" ({organisation})" if organisation else "")
        + "."
    )
    for contact in caf_contacts(db_session, episode.borough_id):
        if contact.active and contact.id != starter.id:
            notify(db_session, contact.id, episode.id, STARTED_NOTIFICATION, message)
