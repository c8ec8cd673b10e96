"""Giving roles to accounts, and the requests a second administrator decides.

`grant_roles` is the one way a role is given to an account of a borough (the account pages
and the CSV user import call it): roles that read children's records or administer are
kept apart, the borough CAF contact and administrator roles wait for a second
administrator, and every role given is audited and e-mailed to the borough's CAF
contacts. `decide` is how a second administrator (or a system administrator) approves or
rejects a request, under the rules of webapp/useradmin/duties.py; the steps of deciding
(`lock_for_decision`, `record_decision`, `tell_requester`) serve every request a second
administrator decides, workflow choice requests too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit import services as audit
from webapp.db import flush_or_refuse, utcnow
from webapp.episodes.recipients import caf_contacts
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.useradmin import account_events, duties
from webapp.useradmin.models import RequestOutcome, RoleGrantRequest, SecondPersonRequest

COMMENT_MAX = 1000
ALREADY_DECIDED = "Another administrator has already decided this request"


@dataclass(frozen=True)
class Granted:
    """What `grant_roles` did: the roles given at once, and those waiting for approval."""

    given: frozenset[Role]
    requested: frozenset[Role]


def waiting_roles(db_session: Session, account: User) -> frozenset[Role]:
    return frozenset(request.role for request in waiting_for(db_session, account))


def waiting_for(db_session: Session, account: User) -> list[RoleGrantRequest]:
    return list(
        db_session.scalars(
            select(RoleGrantRequest)
            .where(RoleGrantRequest.account_id == account.id, RoleGrantRequest.outcome.is_(None))
            .order_by(RoleGrantRequest.id)
        )
    )


def grant_roles(
    db_session: Session,
    account: User,
    roles: Iterable[Role],
    granted_by: User,
    *,
    client_address: str = "",
) -> Granted:
    """Give `account` (of `granted_by`'s borough) each of `roles` it does not hold yet, in
    the caller's transaction.

    The caller has checked that `granted_by` may maintain the account and that the roles
    are ones a borough gives. Raises `duties.DutiesBreached` (nothing given) when the
    account would hold an administrator role beside a role that reads children's records,
    counting the roles it holds and those already waiting for approval. The borough CAF
    contact and administrator roles are not given: each becomes a request that another
    administrator of the borough, or a system administrator, approves or rejects (see
    `decide`); a role already waiting is not asked for twice. Every role given is audited
    (`useradmin.role_granted`) and e-mailed to the borough's CAF contacts; every request
    is audited (`useradmin.role_grant_requested`). The CSV user import calls this for each
    account it creates, after flushing the account."""
    if Role.SYSTEM_ADMIN in frozenset(roles):
        raise duties.DutiesBreached("Select roles from the list")  # a national role
    roles = frozenset(roles)
    held = account.roles
    waiting = waiting_roles(db_session, account)
    new = roles - held - waiting
    duties.check_roles(held | waiting | new)
    given = frozenset(role for role in new if role not in duties.NEEDS_APPROVAL)
    requested = new - given
    for role in sorted(given):
        account.role_grants.append(UserRole(role=role))
    for role in sorted(requested):
        db_session.add(
            RoleGrantRequest(
                account_id=account.id,
                borough_id=account.borough_id,
                role=role,
                requested_by_id=granted_by.id,
                comment="",
            )
        )
    # Refused when another administrator asked at the same moment, or by a database rule.
    flush_or_refuse(
        db_session,
        duties.DutiesBreached(
            "Another administrator changed this account's roles at the same moment. Check "
            "its roles and save again"
        ),
    )
    for role in sorted(given):
        _record_grant(db_session, account, role, granted_by, None, client_address)
    for request in _new_requests(db_session, account, requested):
        ask_administrators(
            db_session,
            account.borough_id,
            granted_by,
            f"to give {account.full_name} the role {request.role.title}",
            messages.link("rolegrants.show", request_id=request.id),
        )
    for role in sorted(requested):
        account_events.record(
            db_session,
            "useradmin.role_grant_requested",
            account.id,
            granted_by,
            client_address,
            borough_id=account.borough_id,
            role=role.value,
        )
    return Granted(given=given, requested=requested)


def _record_grant(
    db_session: Session,
    account: User,
    role: Role,
    granted_by: User,
    approved_by: User | None,
    client_address: str,
) -> None:
    account_events.record(
        db_session,
        "useradmin.role_granted",
        account.id,
        approved_by or granted_by,
        client_address,
        borough_id=account.borough_id,
        role=role.value,
        granted_by=granted_by.id,
        approved_by=approved_by.id if approved_by else None,
    )
    message = messages.compose(
        MailKind.ROLE_GRANTED,
        account_name=account.full_name,
        account_email=account.email,
        role=role.title,
        granted_by=granted_by.full_name,
        approved_by=approved_by.full_name if approved_by else None,
    )
    for contact in caf_contacts(db_session, account.borough_id):
        if contact.id != account.id:  # a new CAF contact is told of their roles as such
            outbox.queue(db_session, message, contact.email, recipient_user_id=contact.id)


def _new_requests(
    db_session: Session, account: User, roles: frozenset[Role]
) -> list[RoleGrantRequest]:
    return [request for request in waiting_for(db_session, account) if request.role in roles]


def ask_administrators(
    db_session: Session, borough_id: int, requester: User, what: str, decide_link: str
) -> None:
    """E-mail the borough's other active administrators that a request of `requester`
    waits for one of them (those who could not decide it, such as accounts the requester
    created, are not asked)."""
    administrators = db_session.scalars(
        select(User).where(
            User.borough_id == borough_id,
            User.active.is_(True),
            User.id != requester.id,
            User.role_grants.any(UserRole.role == Role.BOROUGH_ADMIN),
        )
    )
    for administrator in administrators:
        if duties.second_person_refusal(administrator, requester.id, utcnow()) is not None:
            continue
        message = messages.compose(
            MailKind.APPROVAL_WANTED,
            full_name=administrator.full_name,
            requested_by=requester.full_name,
            what=what,
            decide_link=decide_link,
        )
        outbox.queue(db_session, message, administrator.email, recipient_user_id=administrator.id)


# --- deciding ------------------------------------------------------------------------------


def may_decide(user: User, request: RoleGrantRequest) -> bool:
    """Who may look at a request and decide it (the rules on *which* administrator may
    approve are `duties.second_person_refusal`): an administrator of the account's borough,
    or a system administrator."""
    if user.has_role(Role.SYSTEM_ADMIN):
        return True
    return user.has_role(Role.BOROUGH_ADMIN) and user.borough_id == request.borough_id


def waiting_requests(db_session: Session, user: User) -> list[RoleGrantRequest]:
    """Requests waiting for a decision that `user` may look at, oldest first."""
    query = select(RoleGrantRequest).where(RoleGrantRequest.outcome.is_(None))
    if not user.has_role(Role.SYSTEM_ADMIN):
        query = query.where(RoleGrantRequest.borough_id == user.borough_id)
    return list(db_session.scalars(query.order_by(RoleGrantRequest.requested_at)))


def waiting_for_decider(db_session: Session, user: User) -> list[RoleGrantRequest]:
    """The waiting requests `user` may approve (those of others, whose rules they meet)."""
    return [
        request
        for request in waiting_requests(db_session, user)
        if duties.is_second_person(user, request.requested_by_id, request.requested_at)
    ]


def decided_requests(db_session: Session, user: User, limit: int = 20) -> list[RoleGrantRequest]:
    query = select(RoleGrantRequest).where(RoleGrantRequest.outcome.is_not(None))
    if not user.has_role(Role.SYSTEM_ADMIN):
        query = query.where(RoleGrantRequest.borough_id == user.borough_id)
    return list(
        db_session.scalars(
            query.order_by(RoleGrantRequest.decided_at.desc(), RoleGrantRequest.id.desc()).limit(
                limit
            )
        )
    )


def find(db_session: Session, request_id: int) -> RoleGrantRequest | None:
    return db_session.get(RoleGrantRequest, request_id)


def decide(
    db_session: Session,
    request: RoleGrantRequest,
    decider: User,
    approve: bool,
    comment: str,
    *,
    client_address: str = "",
) -> RoleGrantRequest:
    """Approve (the role is given) or reject the request, in the caller's transaction.
    Raises `duties.DutiesBreached` when `decider` is not an independent second person, the
    request was decided meanwhile, or approving would break the separation of roles."""
    locked = lock_for_decision(db_session, request, decider)
    account = locked.account
    if approve:
        duties.check_roles(account.roles | {locked.role})
        account.role_grants.append(UserRole(role=locked.role))
        account.changed_by_id = decider.id
        account.changed_at = utcnow()
    record_decision(
        db_session,
        locked,
        decider,
        approve,
        comment,
        client_address=client_address,
        account_id=account.id,
        role=locked.role.value,
    )
    if approve:
        _record_grant(
            db_session, account, locked.role, locked.requested_by, decider, client_address
        )
        if account.active:
            outbox.queue(
                db_session,
                messages.compose(
                    MailKind.ROLES_CHANGED,
                    full_name=account.full_name,
                    roles=[role.title for role in Role if role in account.roles],
                ),
                account.email,
                recipient_user_id=account.id,
            )
    tell_requester(
        db_session, locked, decider, f"to give {account.full_name} the role {locked.role.title}"
    )
    return locked


def refusal_to_decide(user: User, request: SecondPersonRequest) -> str | None:
    """Why `user` may not decide the waiting request (None if they may, or it is decided)."""
    if not request.waiting:
        return None
    return duties.second_person_refusal(user, request.requested_by_id, request.requested_at)


def lock_for_decision(db_session: Session, request: SecondPersonRequest, decider: User):
    """The request, locked for the rest of the caller's transaction. Raises
    `duties.DutiesBreached` when it was decided meanwhile or `decider` is not an independent
    second person."""
    model = type(request)
    locked = db_session.scalars(select(model).where(model.id == request.id).with_for_update()).one()
    if not locked.waiting:
        raise duties.DutiesBreached(ALREADY_DECIDED)
    duties.check_second_person(decider, locked.requested_by_id, locked.requested_at)
    return locked


def record_decision(
    db_session: Session,
    locked: SecondPersonRequest,
    decider: User,
    approve: bool,
    comment: str,
    *,
    client_address: str = "",
    **detail: object,
) -> None:
    """Write the decision on the locked request and audit it, with `detail` about what was
    asked. Raises `duties.DutiesBreached` when the database's own separation-of-duties rules
    refuse it."""
    locked.decided_by_id = decider.id
    locked.decided_at = utcnow()
    locked.outcome = RequestOutcome.APPROVED if approve else RequestOutcome.REJECTED
    locked.comment = comment.strip()
    # Refused by the database's own separation-of-duties rules.
    flush_or_refuse(db_session, duties.DutiesBreached(ALREADY_DECIDED))
    audit.record(
        db_session,
        locked.decided_action,
        actor_id=decider.id,
        object_type=locked.audit_type,
        object_id=locked.id,
        client_address=client_address,
        borough_id=locked.borough_id,
        outcome=locked.outcome.value,
        requested_by=locked.requested_by_id,
        comment=locked.comment,
        **detail,
    )


def tell_requester(
    db_session: Session, decided: SecondPersonRequest, decider: User, what: str
) -> None:
    """E-mail the person who asked (if their account is active) how their request ended."""
    requester = decided.requested_by
    if requester.active:
        outbox.queue(
            db_session,
            messages.compose(
                MailKind.REQUEST_DECIDED,
                full_name=requester.full_name,
                what=what,
                approved=decided.outcome is RequestOutcome.APPROVED,
                decided_by=decider.full_name,
                comment=decided.comment,
            ),
            requester.email,
            recipient_user_id=requester.id,
        )


def record_refusal(
    db_session: Session,
    kind: type[SecondPersonRequest],
    user: User,
    request_id: int,
    reason: str,
    client_address: str,
) -> None:
    """A decision on a request of this kind that the rules refused (the requester deciding
    their own request, an account they made or changed, one made after the request)."""
    audit.record(
        db_session,
        kind.refused_action,
        actor_id=user.id,
        object_type=kind.audit_type,
        object_id=request_id,
        client_address=client_address,
        reason=reason,
    )
