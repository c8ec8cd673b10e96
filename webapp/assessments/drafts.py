"""Drafts of a section kept as the person types (DESIGN §8, no lost data): a time-out, a
closed browser or a dropped connection mid-save loses nothing. A draft is its author's
alone, separate from the saved answers (which it never changes), kept for DRAFT_DAYS, and
stored only while the episode has consent to record (DESIGN §3): when consent is
withdrawn, the episode's drafts are discarded."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.assessments import services
from webapp.assessments.models import FormResponse, SectionDraft
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.db import utcnow

DRAFT_DAYS = 30
# A section's typed answers are a few kilobytes; anything far larger is not a page's.
MAX_DRAFT_CHARACTERS = 200_000


class DraftRefused(ValueError):
    """The draft cannot be kept (too large, or not a page's answers)."""


def find(db_session: Session, response: FormResponse, section_id: str, user: User):
    """The user's own unexpired draft of the section, or None."""
    return db_session.scalars(
        select(SectionDraft).where(
            SectionDraft.response_id == response.id,
            SectionDraft.section_id == section_id,
            SectionDraft.user_id == user.id,
            SectionDraft.expires_at > utcnow(),
        )
    ).one_or_none()


def keep(
    db_session: Session,
    response: FormResponse,
    section_id: str,
    raw: dict[str, Any],
    section_version: int,
    user: User,
    client_address: str = "",
) -> SectionDraft:
    """Keep what `user` is typing on the section, replacing their previous draft of it.
    Raises ConsentRequired or ResponseLocked as saving the section would."""
    services._check_consent(db_session, services.kind(response), response.episode_id)
    if response.is_completed:
        raise services.ResponseLocked(services.ResponseLocked.reason)
    answers = json.dumps(raw, ensure_ascii=False, sort_keys=True)
    if len(answers) > MAX_DRAFT_CHARACTERS:
        raise DraftRefused("The draft is too large to keep")
    now = utcnow()
    db_session.execute(delete(SectionDraft).where(SectionDraft.expires_at <= now))
    draft = db_session.scalars(
        select(SectionDraft).where(
            SectionDraft.response_id == response.id,
            SectionDraft.section_id == section_id,
            SectionDraft.user_id == user.id,
        )
    ).one_or_none()
    if draft is None:
        draft = SectionDraft(response_id=response.id, section_id=section_id, user_id=user.id)
        db_session.add(draft)
    draft.answers_json = answers
    draft.section_version = section_version
    draft.saved_at = now
    draft.expires_at = now + timedelta(days=DRAFT_DAYS)
    db_session.flush()
    services._audit(
        db_session, "form.section_draft_kept", response, user, client_address, section=section_id
    )
    return draft


def discard(
    db_session: Session,
    response: FormResponse,
    section_id: str,
    user: User,
    client_address: str = "",
    reason: str = "discarded",
) -> bool:
    """Remove the user's draft of the section (they discarded it, or saved the section)."""
    removed = db_session.execute(
        delete(SectionDraft).where(
            SectionDraft.response_id == response.id,
            SectionDraft.section_id == section_id,
            SectionDraft.user_id == user.id,
        )
    ).rowcount
    if removed:
        services._audit(
            db_session,
            "form.section_draft_discarded",
            response,
            user,
            client_address,
            section=section_id,
            reason=reason,
        )
    return bool(removed)


def discard_for_episode(db_session: Session, episode_id: int) -> int:
    """Every draft of the episode's forms, when consent to record is withdrawn."""
    responses = select(FormResponse.id).where(FormResponse.episode_id == episode_id)
    return db_session.execute(
        delete(SectionDraft).where(SectionDraft.response_id.in_(responses))
    ).rowcount


def _consent_withdrawn(db_session: Session, event: AuditEvent) -> None:
    if event.episode_id is None:
        return
    if not services.has_consent_to_record(db_session, event.episode_id):
        discard_for_episode(db_session, event.episode_id)


def init_app(app: Flask) -> None:
    """Drafts go with the consent to record them."""
    audit.listen(app, "consent.withdrawn", _consent_withdrawn)
