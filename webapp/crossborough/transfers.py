"""Transfers to a child's new borough of residence (London CAF protocol, seed 004 §7).

The sending borough takes the workflow's `transfer_out` step; the receiving borough's CAF
contact sees the transfer here and accepts it with one of the workflow's transitions that
carry the `complete_transfer` effect (webapp/crossborough/effects.py). Which one applies
depends on where the sending borough left the episode; the definition says so with
conditions, and this module only picks the one that is open. Nothing is copied: the same
episode record, with its forms, consents, register, documents, team and history, belongs
to the receiving borough from then on.

Handing the record over is sharing it with the receiving borough, so it goes through the
sharing rules and into the register (`record_transfer`): with consent when the family's
current consent to share names the receiving borough's council (one of its local-authority
organisations) or the organisation of one of its CAF contacts, who receive the record;
otherwise only with a public-interest decision; otherwise it is refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit import services as audit
from webapp.boroughs.models import Borough, Organisation, Sector
from webapp.db import newest_first
from webapp.episodes import workflow
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.sharing import services as sharing
from webapp.workflow import Availability, Transition

ACCEPT_EFFECT = "complete_transfer"
RECEIVED_SHOWN = 50


def receiving_organisations(db_session: Session, borough: Borough) -> list[Organisation]:
    """Who receives a transferred record: the borough's CAF contacts' organisations first,
    then its other local-authority organisations."""
    contacts = db_session.scalars(
        select(Organisation)
        .join(User, User.organisation_id == Organisation.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.BOROUGH_CAF_CONTACT, User.borough_id == borough.id)
        .order_by(Organisation.name, Organisation.id)
    ).unique()
    councils = db_session.scalars(
        select(Organisation)
        .where(Organisation.borough_id == borough.id, Organisation.sector == Sector.LOCAL_AUTHORITY)
        .order_by(Organisation.name, Organisation.id)
    )
    found: dict[int, Organisation] = {}
    for organisation in [*contacts, *councils]:
        found.setdefault(organisation.id, organisation)
    return list(found.values())


def record_transfer(
    db_session: Session,
    episode: Episode,
    user: User,
    borough: Borough,
    public_interest: object | None = None,
    client_address: str = "",
):
    """The register entry for handing the whole record to `borough`. Raises the sharing
    rules' SharingRefused (no consent covers it and no public-interest decision) or
    SharingInvalid (an incomplete public-interest decision); the caller rolls back."""
    receivers = receiving_organisations(db_session, borough)
    # The whole record holds sensitive information: consent covers it only when the family
    # agreed to that explicitly (DCSF 2010, paragraph 17).
    consented = sharing.consented_organisation_ids(db_session, episode, sensitive=True)
    what = f"The whole CAF record, transferred to {borough.name}"
    covered = [organisation for organisation in receivers if organisation.id in consented]
    if covered:
        return sharing.share(
            db_session,
            episode,
            user,
            what=what,
            organisation_id=covered[0].id,
            client_address=client_address,
            sensitive=True,
        )
    basic_only = sharing.consented_organisation_ids(db_session, episode)
    if public_interest is None and any(item.id in basic_only for item in receivers):
        raise sharing.SharingRefused(
            f"The family's consent to share with {borough.name} covers basic information "
            "only, and the record holds sensitive information, which needs their explicit "
            "consent. Record their explicit consent to share sensitive information, or a "
            "public-interest decision to transfer without consent, or do not transfer."
        )
    if public_interest is None:
        raise sharing.SharingRefused(
            f"The family has not agreed to share with {borough.name}. Record a "
            "public-interest decision to transfer without consent, or do not transfer."
            if not episode.sharing_suspended
            else "Consent to share has been withdrawn: the record may be transferred only "
            "with a public-interest decision."
        )
    return sharing.share(
        db_session,
        episode,
        user,
        what=what,
        organisation_id=receivers[0].id if receivers else None,
        recipient_name="" if receivers else f"{borough.name} CAF contact",
        public_interest=public_interest,  # type: ignore[arg-type]
        client_address=client_address,
    )


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
    return newest_first(
        db_session,
        Episode.last_activity_at,
        Episode.borough_id == user.borough_id,
        Episode.transferred_from_borough_id.is_not(None),
        Episode.closed_at.is_(None),
        limit=RECEIVED_SHOWN,
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
    audit.record_for_episode(
        db_session,
        "episode.transfer_viewed",
        episode,
        actor_id=user.id,
        client_address=client_address,
    )
