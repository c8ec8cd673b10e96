"""Transfers to a child's new borough of residence (London CAF protocol, seed 004 §7).

The sending borough takes the workflow's `transfer_out` step; the receiving borough's CAF
contact sees the transfer here and accepts it with one of the workflow's transitions that
carry the `complete_transfer` effect (webapp/episodes/effects.py). Which one applies
depends on where the sending borough left the episode; the definition says so with
conditions, and this module only picks the one that is open. Nothing is copied: the same
episode record, with its forms, consents, register, documents, team and history, belongs
to the receiving borough from then on.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.episodes import workflow
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.workflow import Availability, Transition

ACCEPT_EFFECT = "complete_transfer"
RECEIVED_SHOWN = 50


class TransferRefused(Exception):
    def __init__(self, reasons: tuple[str, ...]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def incoming(db_session: Session, user: User) -> list[Episode]:
    """Transfers into the user's borough waiting to be accepted, oldest first."""
    return list(
        db_session.scalars(
            select(Episode)
            .where(
                Episode.transferred_to_borough_id == user.borough_id,
                Episode.borough_id != user.borough_id,
            )
            .order_by(Episode.last_activity_at, Episode.id)
        )
    )


def received(db_session: Session, user: User) -> list[Episode]:
    """Open episodes the user's borough has taken over from another borough."""
    return list(
        db_session.scalars(
            select(Episode)
            .where(
                Episode.borough_id == user.borough_id,
                Episode.transferred_from_borough_id.is_not(None),
                Episode.closed_at.is_(None),
            )
            .order_by(Episode.last_activity_at.desc(), Episode.id.desc())
            .limit(RECEIVED_SHOWN)
        )
    )


def is_pending_for(user: User, episode: Episode) -> bool:
    return (
        episode.transferred_to_borough_id is not None
        and episode.transferred_to_borough_id == user.borough_id
        and episode.borough_id != user.borough_id
    )


def transfer_step(db_session: Session, episode: Episode) -> EpisodeTransition | None:
    """The history entry of the latest transfer out: who asked, when, why, from where."""
    return db_session.scalars(
        select(EpisodeTransition)
        .where(
            EpisodeTransition.episode_id == episode.id,
            EpisodeTransition.trigger == "transfer_out",
        )
        .order_by(EpisodeTransition.id.desc())
        .limit(1)
    ).first()


def _accepting(transition: Transition) -> bool:
    return ACCEPT_EFFECT in transition.effects


def acceptance(db_session: Session, episode: Episode, user: User) -> Availability:
    """The acceptance step open to the user now, or the reasons none is.

    Raises TransferRefused with the reasons every acceptance step shares (such as missing
    consent to share), so the user is not told about steps that were never theirs."""
    options = [
        action
        for action in workflow.available_actions(db_session, episode, user)
        if _accepting(action.transition)
    ]
    allowed = [action for action in options if action.allowed]
    if allowed:
        return allowed[0]
    if not options:
        raise TransferRefused(("There is no transfer to accept",))
    shared = [
        reason for reason in options[0].reasons if all(reason in o.reasons for o in options[1:])
    ]
    raise TransferRefused(
        tuple(shared)
        or ("This transfer cannot be accepted here: contact the sending borough's CAF contact",)
    )


def accept(
    db_session: Session,
    episode: Episode,
    user: User,
    *,
    expected_state: str,
    comment: str | None,
    client_address: str = "",
) -> workflow.Outcome:
    """Take the open acceptance step. Raises TransferRefused, or the engine's StaleState
    (someone acted first); the caller commits, then runs the after-commit effects."""
    step = acceptance(db_session, episode, user)
    return workflow.fire(
        db_session,
        episode.id,
        step.trigger,
        user,
        expected_state=expected_state,
        comment=comment,
        client_address=client_address,
    )


def record_viewed(db_session: Session, episode: Episode, user: User, client_address: str) -> None:
    audit.record(
        db_session,
        "episode.transfer_viewed",
        actor_id=user.id,
        object_type="episode",
        object_id=episode.id,
        episode_id=episode.id,
        child_id=episode.child_id,
        client_address=client_address,
    )
