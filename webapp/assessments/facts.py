"""Facts the workflow conditions read from an episode's forms (form storage lands next)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.episodes.models import Episode


def for_episode(db_session: Session, episode: Episode) -> dict:
    return {
        "assessment_complete": False,
        "action_count": 0,
        "review_count": 0,
        "closure_form_complete": False,
    }
