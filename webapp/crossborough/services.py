"""Requests to join a team around the child (London CAF protocol, seed 004 §2-3).

A practitioner of any borough who finds, in the child index, that a child already has an
open CAF can ask to join its team instead of starting another. The CAF contact of the
episode's borough checks that they have a legitimate reason. Approval goes through the
team's own invitation, so the consent rules apply unchanged: the requester's agency must be
one the family agreed to share with, or the CAF contact records a public-interest decision.
Every decision, either way, goes in the information-sharing register and the audit trail.
Until then the request opens nothing of the episode.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.policy import dbs_in_date
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.children.models import Child
from webapp.crossborough.models import JoinRequest, JoinRequestStatus
from webapp.db import newest_first, utcnow
from webapp.episodes.models import Episode
from webapp.episodes.recipients import caf_contacts, notify
from webapp.sharing import services as sharing
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.tac import services as tac

ROLE_MAX = 160
TEXT_MAX = 4000
# A request starts from the child index, like a new CAF: the child must be in one of the
# practitioner's own search results from the last hour.
SEARCH_WINDOW = timedelta(hours=1)
DECIDED_SHOWN = 50


class JoinRefused(ValueError):
    """The request or decision cannot be made; `field` names the form field the message
    belongs to (empty: the whole form). `sharing` marks a refusal by the consent rules."""

    def __init__(self, message: str, field: str = "", sharing: bool = False):
        super().__init__(message)
        self.field = field
        self.sharing = sharing


def _audit(db_session: Session, action: str, actor: User, request: JoinRequest, **detail):
    audit.record_about(db_session, action, request, actor, episode=request.episode, **detail)


def record_viewed(
    db_session: Session, request: JoinRequest, user: User, client_address: str = ""
) -> None:
    _audit(db_session, "tac.join_request_viewed", user, request, client_address=client_address)


def found_in_recent_search(db_session: Session, user: User, child_id: int) -> bool:
    since = utcnow() - SEARCH_WINDOW
    details = db_session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.actor_id == user.id,
            AuditEvent.action == "child_index.searched",
            AuditEvent.occurred_at >= since,
        )
    )
    return any(child_id in json.loads(detail).get("results", []) for detail in details)


def open_episode_of(db_session: Session, child: Child) -> Episode | None:
    return db_session.scalars(
        select(Episode)
        .where(Episode.child_id == child.id, Episode.closed_at.is_(None))
        .order_by(Episode.opened_at.desc())
    ).first()


def latest_episode_of(db_session: Session, child: Child) -> Episode | None:
    return db_session.scalars(
        select(Episode).where(Episode.child_id == child.id).order_by(Episode.opened_at.desc())
    ).first()


def find_pending(db_session: Session, episode: Episode, user: User) -> JoinRequest | None:
    return db_session.scalars(
        select(JoinRequest).where(
            JoinRequest.episode_id == episode.id,
            JoinRequest.requester_id == user.id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
    ).first()


def _check_text(role: str, reason: str) -> None:
    if not role:
        raise JoinRefused("Enter your role in the team", "role")
    if len(role) > ROLE_MAX:
        raise JoinRefused(f"Your role must be {ROLE_MAX} characters or fewer", "role")
    if not reason:
        raise JoinRefused("Enter why you need to join the team around the child", "reason")
    if len(reason) > TEXT_MAX:
        raise JoinRefused(f"Your reason must be {TEXT_MAX} characters or fewer", "reason")


def check_may_ask(db_session: Session, episode: Episode | None, requester: User) -> None:
    """Raises JoinRefused when this practitioner cannot ask to join this episode now."""
    if episode is None or not episode.is_open:
        raise JoinRefused(
            "This child has no open CAF to join. If you have a concern, search the child "
            "index again and start a CAF"
        )
    if requester.id in (episode.assessor_id, episode.lead_professional_id, episode.coordinator_id):
        raise JoinRefused("You already work on this CAF: open it from your home page")
    if any(member.user_id == requester.id for member in tac.members(episode)):
        raise JoinRefused(
            "You are already in the team around the child for this CAF, or invited to it"
        )
    if find_pending(db_session, episode, requester) is not None:
        raise JoinRefused(
            "You have already asked to join this team. The borough CAF contact will reply"
        )


def request_to_join(
    db_session: Session,
    episode: Episode | None,
    requester: User,
    role: str,
    reason: str,
    client_address: str = "",
) -> JoinRequest:
    role, reason = role.strip(), reason.strip()
    _check_text(role, reason)
    check_may_ask(db_session, episode, requester)
    request = JoinRequest(
        episode_id=episode.id,
        requester_id=requester.id,
        role=role,
        reason=reason,
        status=JoinRequestStatus.PENDING,
    )
    request.episode = episode
    db_session.add(request)
    db_session.flush()  # the unique index refuses a second pending request here
    for contact in caf_contacts(db_session, episode.borough_id):
        if contact.active and contact.id != requester.id:
            notify(
                db_session,
                contact.id,
                episode.id,
                "join_requested",
                (
                    f"{requester.full_name} ({requester.organisation.name}) asked to "
                    f"join the team around the child for {episode.reference}. Check their "
                    "reason before they can see anything."
                ),
            )
    _audit(
        db_session,
        "tac.join_requested",
        requester,
        request,
        client_address=client_address,
        role=role,
        reason=reason,
    )
    return request


def record_refused_request(
    db_session: Session,
    requester: User,
    child: Child,
    episode: Episode | None,
    refused: JoinRefused,
    client_address: str = "",
) -> None:
    """Audit a refused attempt to ask (after the caller's rollback)."""
    audit.record_about(
        db_session,
        "tac.join_request_refused",
        child,
        requester,
        client_address,
        episode_id=episode.id if episode is not None else None,
        child_id=child.id,
        reason=str(refused),
    )


def mine(db_session: Session, user: User) -> list[JoinRequest]:
    return newest_first(db_session, JoinRequest.requested_at, JoinRequest.requester_id == user.id)


def for_borough(
    db_session: Session, borough_id: int
) -> tuple[list[JoinRequest], list[JoinRequest]]:
    """The requests the borough's CAF contacts decide: pending ones oldest first, and the
    most recent decisions."""
    in_borough = (select(JoinRequest).join(Episode, JoinRequest.episode_id == Episode.id)).where(
        Episode.borough_id == borough_id
    )
    pending = db_session.scalars(
        in_borough.where(JoinRequest.status == JoinRequestStatus.PENDING).order_by(
            JoinRequest.requested_at, JoinRequest.id
        )
    )
    decided = db_session.scalars(
        in_borough.where(JoinRequest.status != JoinRequestStatus.PENDING)
        .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc())
        .limit(DECIDED_SHOWN)
    )
    return list(pending), list(decided)


def _check_public_interest(
    db_session: Session,
    episode: Episode,
    requester: User,
    public_interest: sharing.PublicInterest | None,
) -> None:
    """The consent rules, checked before anything is written, so that each message can be
    shown beside the question it is about."""
    try:
        sharing.check_sharing(
            db_session,
            episode,
            requester.organisation_id,
            public_interest=public_interest,
            sensitive=True,  # a member of the team sees the whole record
        )
    except sharing.SharingRefused as refused:
        raise JoinRefused(refused.reason, "public_interest_ground", sharing=True) from None
    except sharing.SharingInvalid as invalid:
        field, message = next(iter(invalid.errors.items()))
        raise JoinRefused(message, f"public_interest_{field}", sharing=True) from None


def _tell(db_session: Session, user: User | None, episode_id: int | None, message: str) -> None:
    if user is not None and user.active:
        notify(db_session, user.id, episode_id, "join_request_decided", message)


def decide(
    db_session: Session,
    request: JoinRequest,
    decider: User,
    *,
    approve: bool,
    comment: str,
    public_interest: sharing.PublicInterest | None = None,
    client_address: str = "",
) -> JoinRequest:
    """Approve (the requester joins the team) or decline (a decision not to share). Raises
    JoinRefused; the caller rolls back and, for a refusal by the consent rules, audits it."""
    # Two CAF contacts deciding at once: the second waits, then finds it decided.
    db_session.refresh(request, with_for_update=True)
    if not request.is_pending:
        raise JoinRefused("This request has already been decided", "decision")
    comment = comment.strip()
    if not comment:
        raise JoinRefused("Enter your comments", "comment")
    if len(comment) > TEXT_MAX:
        raise JoinRefused(f"Your comments must be {TEXT_MAX} characters or fewer", "comment")
    episode = request.episode
    requester = request.requester
    if approve:
        decision = _approve(db_session, request, decider, public_interest, client_address)
    else:
        decision = sharing.record_decision(
            db_session,
            episode,
            decider,
            basis=SharingBasis.NOT_SHARED,
            what=tac.TAC_SHARING,
            recipient_user=requester,
            reasons=comment,
            client_address=client_address,
        )
    request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    request.decided_by_id = decider.id
    request.decided_at = utcnow()
    request.decision_comment = comment
    request.sharing_decision_id = decision.id
    contact = f"{decider.full_name}, {episode.borough.name} CAF contact"
    child = episode.child.display_name
    if approve:
        _tell(
            db_session,
            requester,
            episode.id,
            f"{contact}, approved your request to join the team around the child for {child} "
            f"({episode.reference}): {comment}",
        )
        colleague_message = (
            f"{requester.full_name} ({requester.organisation.name}) joined the team around the "
            f"child for {episode.reference}. {contact}, checked their reason: {comment}"
        )
    else:
        # They may not see the episode: their notification links to nothing.
        _tell(
            db_session,
            requester,
            None,
            f"{contact}, declined your request to join the team around the child for {child}: "
            f"{comment}",
        )
        colleague_message = (
            f"{contact}, declined the request of {requester.full_name} "
            f"({requester.organisation.name}) to join the team around the child for "
            f"{episode.reference}: {comment}"
        )
    colleague = episode.lead_professional or episode.assessor
    if colleague is not None and colleague.id not in (decider.id, requester.id):
        _tell(db_session, colleague, episode.id, colleague_message)
    _audit(
        db_session,
        "tac.join_request_approved" if approve else "tac.join_request_declined",
        decider,
        request,
        client_address=client_address,
        requester=requester.id,
        comment=comment,
        register_entry=decision.id,
        member_id=request.tac_member_id,
    )
    return request


def _approve(
    db_session: Session,
    request: JoinRequest,
    decider: User,
    public_interest: sharing.PublicInterest | None,
    client_address: str,
) -> SharingDecision:
    episode = request.episode
    requester = request.requester
    if not episode.is_open:
        raise JoinRefused(
            "This CAF is closed or has been transferred: you can only decline the request",
            "decision",
        )
    if not requester.active or not dbs_in_date(requester):
        raise JoinRefused(
            f"{requester.full_name} needs an active account with an in-date enhanced DBS "
            "check before they can join: you can only decline the request",
            "decision",
        )
    _check_public_interest(db_session, episode, requester, public_interest)
    try:
        member = tac.invite_practitioner(
            db_session,
            episode,
            decider,
            requester,
            request.role,
            public_interest=public_interest,
            client_address=client_address,
            notify=False,
        )
        # Their request is their answer to the invitation.
        tac.respond(db_session, member, requester, accept=True)
    except tac.TacRefused as refused:
        raise JoinRefused(str(refused), "decision") from None
    request.tac_member_id = member.id
    return db_session.scalars(
        select(SharingDecision)
        .where(
            SharingDecision.episode_id == episode.id,
            SharingDecision.recipient_user_id == requester.id,
        )
        .order_by(SharingDecision.id.desc())
    ).first()
