"""Audit a refused sharing attempt of the request in hand: the signed-in user acting from
their address, as `webapp.audit.requests` does for other events."""

from __future__ import annotations

from flask_login import current_user

from webapp import db
from webapp.accounts.sessions import client_address
from webapp.episodes.models import Episode
from webapp.sharing.services import SharingInvalid, SharingRefused, record_refusal


def audited_refusal(
    episode: Episode,
    problem: SharingRefused | SharingInvalid | str,
    *,
    attempted: str,
    organisation_id: int | None = None,
) -> None:
    """`record_refusal` by the current user, from the request's client address."""
    record_refusal(
        db.session,
        episode,
        current_user,
        problem,
        organisation_id=organisation_id,
        attempted=attempted,
        client_address=client_address(),
    )
