"""Separation of duties: the rules every path that grants roles or approves a two-person
change goes through (the web pages, the CSV import, the demo seed); the database holds the
same rules as triggers (migration 0020d), so that nothing that skips this module gets past.

- An administrator account (borough or system) never holds a role that reads children's
  records (practitioner, manager, borough CAF contact): administrators configure, they do
  not read records (DESIGN §8).
- Granting the borough CAF contact or the borough administrator role needs a second
  administrator's approval (another administrator of the borough, or a system
  administrator): see webapp/useradmin/grants.py.
- The second person of every two-person rule (form publication, role grants, workflow
  choices) is a distinct person whose account existed before the request and was neither
  created nor last changed by the person who asked: one administrator cannot make (or
  take over) a second account and approve their own request with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from webapp.access.permissions import Role
from webapp.accounts.models import User

RECORD_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.BOROUGH_CAF_CONTACT})
ADMINISTRATOR_ROLES = frozenset({Role.BOROUGH_ADMIN, Role.SYSTEM_ADMIN})
# Roles granted only once a second administrator approves.
NEEDS_APPROVAL = frozenset({Role.BOROUGH_CAF_CONTACT, Role.BOROUGH_ADMIN})

ROLES_CONFLICT = (
    "An administrator cannot also have a role that reads children's records. Select the "
    "administrator role or the practitioner, manager and CAF contact roles, not both"
)
SAME_PERSON = "You asked for this change: another administrator must decide it"
CREATED_BY_REQUESTER = (
    "Your account was created by the administrator who asked for this change: another "
    "administrator must decide it"
)
CHANGED_BY_REQUESTER = (
    "Your account was last changed by the administrator who asked for this change: "
    "another administrator must decide it"
)
CREATED_AFTER_REQUEST = (
    "Your account was created after this change was asked for: an administrator whose "
    "account existed before must decide it"
)


class DutiesBreached(Exception):
    """A separation-of-duties rule refused the change; the message says why, in GOV.UK
    wording, for the person trying."""


def roles_conflict(roles: Iterable[Role]) -> bool:
    held = frozenset(roles)
    return bool(held & ADMINISTRATOR_ROLES) and bool(held & RECORD_ROLES)


def check_roles(roles: Iterable[Role]) -> None:
    """Raise DutiesBreached if one account would hold an administrator role and a role that
    reads children's records."""
    if roles_conflict(roles):
        raise DutiesBreached(ROLES_CONFLICT)


def second_person_refusal(
    approver: User, requester_id: int | None, requested_at: datetime | None
) -> str | None:
    """Why `approver` may not be the second person of a request `requester_id` made at
    `requested_at`; None when they may."""
    if requester_id is None or approver.id == requester_id:
        return SAME_PERSON
    if approver.created_by_id == requester_id:
        return CREATED_BY_REQUESTER
    if approver.changed_by_id == requester_id:
        return CHANGED_BY_REQUESTER
    if requested_at is None or approver.created_at >= requested_at:
        return CREATED_AFTER_REQUEST
    return None


def is_second_person(approver: User, requester_id: int | None, requested_at: datetime | None):
    return second_person_refusal(approver, requester_id, requested_at) is None


def check_second_person(
    approver: User, requester_id: int | None, requested_at: datetime | None
) -> None:
    refusal = second_person_refusal(approver, requester_id, requested_at)
    if refusal is not None:
        raise DutiesBreached(refusal)
