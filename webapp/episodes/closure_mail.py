"""The e-mail that tells the person who asked for a CAF's closure what a manager decided.
Queued in the transaction of the decision (so it is sent if, and only if, the decision is
kept); it names the CAF's reference, never the child, and links to the episode."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.episodes.models import Episode
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind


def tell_requester(
    db_session: Session,
    episode: Episode,
    requester_id: int | None,
    decided_by: User,
    *,
    approved: bool,
) -> None:
    requester = db_session.get(User, requester_id) if requester_id else None
    if requester is None or not requester.active or requester.id == decided_by.id:
        return
    message = messages.compose(
        MailKind.CLOSURE_APPROVED if approved else MailKind.CLOSURE_SENT_BACK,
        full_name=requester.full_name,
        reference=episode.reference,
        episode_link=messages.link("episodes.show", episode_id=episode.id),
    )
    outbox.queue(db_session, message, requester.email, recipient_user_id=requester.id)
