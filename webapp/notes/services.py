"""Confidential notes: written and read by their author only. Nothing here returns another
person's note; the subject-access listing returns who wrote what when, never the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation
from webapp.db import newest_first
from webapp.episodes.models import Episode
from webapp.notes.models import ConfidentialNote

TEXT_MAX = 10000


class NoteInvalid(ValueError):
    pass


def add(
    db_session: Session, episode: Episode, author: User, text: str, client_address: str = ""
) -> ConfidentialNote:
    text = (text or "").strip()
    if not text:
        raise NoteInvalid("Enter the note")
    if len(text) > TEXT_MAX:
        raise NoteInvalid(f"The note must be {TEXT_MAX} characters or fewer")
    note = ConfidentialNote(episode_id=episode.id, author_id=author.id, text=text)
    db_session.add(note)
    db_session.flush()
    audit.record_about(
        db_session, "confidential_note.written", note, author, client_address, episode=episode
    )
    return note


def own_notes(db_session: Session, episode: Episode, author: User) -> list[ConfidentialNote]:
    return newest_first(
        db_session,
        ConfidentialNote.written_at,
        ConfidentialNote.episode_id == episode.id,
        ConfidentialNote.author_id == author.id,
    )


def find_own(
    db_session: Session, episode: Episode, author: User, note_id: int
) -> ConfidentialNote | None:
    """The author's own note on this episode, or None: anyone else's is as good as missing."""
    return db_session.scalars(
        select(ConfidentialNote).where(
            ConfidentialNote.id == note_id,
            ConfidentialNote.episode_id == episode.id,
            ConfidentialNote.author_id == author.id,
        )
    ).one_or_none()


@dataclass(frozen=True)
class NoteListing:
    """That a note exists, for the data controller to consider: no text."""

    note_id: int
    episode_reference: str
    author_name: str
    author_organisation: str
    written_at: datetime


def listed_for_review(db_session: Session, episode_ids: list[int]) -> list[NoteListing]:
    if not episode_ids:
        return []
    rows = db_session.execute(
        select(
            ConfidentialNote.id,
            Episode.reference,
            User.full_name,
            User.organisation_id,
            ConfidentialNote.written_at,
        )
        .join(Episode, Episode.id == ConfidentialNote.episode_id)
        .join(User, User.id == ConfidentialNote.author_id)
        .where(ConfidentialNote.episode_id.in_(episode_ids))
        .order_by(ConfidentialNote.written_at, ConfidentialNote.id)
    ).all()
    organisations = _organisation_names(db_session, {row[3] for row in rows})
    return [
        NoteListing(note_id, reference, name, organisations.get(organisation_id, ""), written_at)
        for note_id, reference, name, organisation_id, written_at in rows
    ]


def _organisation_names(db_session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db_session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )
