"""A borough's user accounts as its administrators keep them.

Every function takes the administrator and checks nothing about who they are: the views
only call them for accounts the access policy lets the administrator maintain. The rules
about the accounts themselves (organisations of the borough only, no system administrator
role, an administrator keeps their own role and account) are checked here, so that no
forged form gets past them. Passwords are never set or shown here: a new account gets an
unusable one and a link, e-mailed to its person, by which they set their own. Roles are given
through `grants.grant_roles` (separation of duties: webapp/useradmin/duties.py)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.access.policy import dbs_in_date
from webapp.accounts import setup_links
from webapp.accounts.models import User, UserRole, new_session_token
from webapp.accounts.passwords import is_usable, unusable_password_hash
from webapp.accounts.services import normalise_email
from webapp.boroughs.models import Organisation
from webapp.db import flush_or_refuse, newest_first, utcnow
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.useradmin import account_events, duties, grants
from webapp.useradmin.models import AccountStatusChange

# The roles a borough administrator may give. The system administrator role is national.
ASSIGNABLE_ROLES = (
    Role.PRACTITIONER,
    Role.MANAGER,
    Role.BOROUGH_CAF_CONTACT,
    Role.BOROUGH_ADMIN,
)
PAGE_SIZE = 50
SEARCH_MAX = 100
REASON_MAX = 500
DBS_DUE_SOON_DAYS = 60

EMAIL_TAKEN = "An account with this email address already exists"
OWN_ADMIN_ROLE = (
    "You cannot remove your own borough administrator role. Ask another administrator of "
    "your borough to do it"
)
OWN_ACCOUNT = "You cannot deactivate your own account"


class AccountInvalid(Exception):
    """The details break a rule; `errors` maps a form field's name to a GOV.UK message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class DbsStatus(StrEnum):
    IN_DATE = "in_date"
    DUE_SOON = "due_soon"
    OUT_OF_DATE = "out_of_date"
    NOT_RECORDED = "not_recorded"


def dbs_status(user: User, today: date | None = None) -> DbsStatus:
    """The DBS rule of the access policy, with warning of a check about to run out."""
    today = today or date.today()
    if user.dbs_check_date is None:
        return DbsStatus.NOT_RECORDED
    if not dbs_in_date(user, today):
        return DbsStatus.OUT_OF_DATE
    if not dbs_in_date(user, today + timedelta(days=DBS_DUE_SOON_DAYS)):
        return DbsStatus.DUE_SOON
    return DbsStatus.IN_DATE


@dataclass(frozen=True)
class AccountDetails:
    """What an administrator decides about an account (never its password)."""

    organisation_id: int
    roles: frozenset[Role]
    dbs_check_date: date | None
    caf_trained: bool

    @classmethod
    def of(cls, user: User) -> AccountDetails:
        return cls(
            organisation_id=user.organisation_id,
            roles=user.roles,
            dbs_check_date=user.dbs_check_date,
            caf_trained=user.caf_trained,
        )

    def for_audit(self) -> dict[str, object]:
        return {
            "organisation_id": self.organisation_id,
            "roles": sorted(role.value for role in self.roles),
            "dbs_check_date": self.dbs_check_date.isoformat() if self.dbs_check_date else None,
            "caf_trained": self.caf_trained,
        }


@dataclass(frozen=True)
class AccountPage:
    accounts: list[User]
    total: int
    page: int
    pages: int


def find(db_session: Session, account_id: int) -> User | None:
    return db_session.get(User, account_id)


def organisations_of(db_session: Session, borough_id: int) -> list[Organisation]:
    return list(
        db_session.scalars(
            select(Organisation)
            .where(Organisation.borough_id == borough_id)
            .order_by(Organisation.name)
        )
    )


def _not_system_admin():
    return ~User.role_grants.any(UserRole.role == Role.SYSTEM_ADMIN)


def accounts_of(db_session: Session, borough_id: int, text: str = "", page: int = 1) -> AccountPage:
    """The borough's accounts (not the system administrators'), by name, matching `text`
    in the name or email address."""
    query = select(User).where(User.borough_id == borough_id, _not_system_admin())
    text = text.strip()
    if text:
        pattern = (
            "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                func.lower(User.full_name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    accounts = list(
        db_session.scalars(
            query.order_by(func.lower(User.full_name), User.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    return AccountPage(accounts=accounts, total=total, page=page, pages=pages)


def status_history(db_session: Session, account: User) -> list[AccountStatusChange]:
    return newest_first(
        db_session, AccountStatusChange.changed_at, AccountStatusChange.user_id == account.id
    )


def has_password(account: User) -> bool:
    return is_usable(account.password_hash)


def _check(db_session: Session, admin: User, details: AccountDetails) -> None:
    errors: dict[str, str] = {}
    organisation = db_session.get(Organisation, details.organisation_id)
    if organisation is None or organisation.borough_id != admin.borough_id:
        errors["organisation"] = "Select an organisation of your borough"
    if not details.roles:
        errors["roles"] = "Select at least one role"
    elif not details.roles <= set(ASSIGNABLE_ROLES):
        errors["roles"] = "Select roles from the list"
    elif duties.roles_conflict(details.roles):
        errors["roles"] = duties.ROLES_CONFLICT
    if details.dbs_check_date is not None and details.dbs_check_date > date.today():
        errors["dbs_check_date"] = "The date of the DBS check must be today or in the past"
    if errors:
        raise AccountInvalid(errors)


def _email_taken(db_session: Session, email: str) -> bool:
    return (
        db_session.scalar(
            select(func.count()).select_from(User).where(func.lower(User.email) == email)
        )
        > 0
    )


def create(
    db_session: Session,
    admin: User,
    full_name: str,
    email: str,
    details: AccountDetails,
    *,
    client_address: str = "",
) -> User:
    """A new account of the administrator's borough, with no usable password: a link by
    which its person sets one is e-mailed to them once this transaction commits. Its roles
    are given through `grants.grant_roles`: the borough CAF contact and administrator roles
    wait for a second administrator's approval."""
    _check(db_session, admin, details)
    email = normalise_email(email)
    if _email_taken(db_session, email):
        raise AccountInvalid({"email": EMAIL_TAKEN})
    account = User(
        email=email,
        full_name=full_name.strip(),
        borough_id=admin.borough_id,
        organisation_id=details.organisation_id,
        team_id=None,
        password_hash=unusable_password_hash(),
        dbs_check_date=details.dbs_check_date,
        caf_trained=details.caf_trained,
        active=True,
        created_by_id=admin.id,
    )
    db_session.add(account)
    # Refused when someone else saved the same address at the same moment.
    flush_or_refuse(db_session, AccountInvalid({"email": EMAIL_TAKEN}))
    _grant(db_session, account, admin, details.roles, client_address)
    account_events.record(
        db_session,
        "useradmin.account_created",
        account.id,
        admin,
        client_address,
        borough_id=admin.borough_id,
        full_name=account.full_name,
        email=account.email,
        **details.for_audit(),
    )
    _send_setup_link(db_session, account, admin, client_address)
    return account


def _send_setup_link(db_session: Session, account: User, admin: User, client_address: str):
    """E-mail the person a set-password link, and audit that it went and where."""
    setup_links.send(db_session, account, admin)
    account_events.record(
        db_session,
        "useradmin.set_password_link_issued",
        account.id,
        admin,
        client_address,
        sent_to=account.email,
    )


def update(
    db_session: Session,
    account: User,
    admin: User,
    details: AccountDetails,
    *,
    seen: str | None = None,
    client_address: str = "",
) -> dict[str, list[object]]:
    """Change roles, organisation, DBS check date and training; what changed, as
    {field: [before, after]} (empty if nothing did). `seen` is `seen_token` of the account
    as the administrator saw it: if another administrator has changed it since, nothing is
    saved and the fields they changed are named (never a silent overwrite)."""
    before = AccountDetails.of(account).for_audit()
    if seen is not None:
        _check_unchanged_since(before, seen)
    _check(db_session, admin, details)
    if (
        account.id == admin.id
        and Role.BOROUGH_ADMIN in account.roles
        and Role.BOROUGH_ADMIN not in details.roles
    ):
        raise AccountInvalid({"roles": OWN_ADMIN_ROLE})
    if account.organisation_id != details.organisation_id:
        account.organisation_id = details.organisation_id
        if account.team is not None and account.team.organisation_id != details.organisation_id:
            account.team_id = None  # a team belongs to one organisation
    for grant in list(account.role_grants):
        if grant.role not in details.roles:
            account.role_grants.remove(grant)  # taking a role away needs nobody's approval
    account.dbs_check_date = details.dbs_check_date
    account.caf_trained = details.caf_trained
    db_session.flush()
    granted = _grant(db_session, account, admin, details.roles, client_address)
    after = AccountDetails.of(account).for_audit()
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changes and not granted.requested:
        return {}
    if changes:
        account.changed_by_id = admin.id
        account.changed_at = utcnow()
    if granted.requested:
        changes["roles_requested"] = [None, sorted(role.value for role in granted.requested)]
    db_session.flush()
    if "roles" in changes and account.active:
        _tell_of_new_roles(db_session, account)
    account_events.record(
        db_session, "useradmin.account_changed", account.id, admin, client_address, changes=changes
    )
    return changes


def _grant(
    db_session: Session, account: User, admin: User, roles: frozenset[Role], client_address: str
) -> grants.Granted:
    try:
        return grants.grant_roles(
            db_session,
            account,
            [role for role in ASSIGNABLE_ROLES if role in roles],
            admin,
            client_address=client_address,
        )
    except duties.DutiesBreached as breached:
        raise AccountInvalid({"roles": str(breached)}) from None


def _tell_of_new_roles(db_session: Session, account: User) -> None:
    message = messages.compose(
        MailKind.ROLES_CHANGED,
        full_name=account.full_name,
        roles=[role.title for role in ASSIGNABLE_ROLES if role in account.roles],
    )
    outbox.queue(db_session, message, account.email, recipient_user_id=account.id)


def seen_token(account: User) -> str:
    """The account's details as an administrator sees them, to send back with a change."""
    return json.dumps(AccountDetails.of(account).for_audit(), sort_keys=True)


_CHANGED_MEANWHILE = {
    "organisation_id": ("organisation", "the organisation"),
    "roles": ("roles", "the roles"),
    "dbs_check_date": ("dbs_check_date", "the date of the DBS check"),
    "caf_trained": ("caf_trained", "whether the person has completed CAF training"),
}


def _check_unchanged_since(current: dict[str, object], seen: str) -> None:
    try:
        then = json.loads(seen)
    except ValueError:
        then = None
    if not isinstance(then, dict):
        then = {}  # missing or mangled: treat every detail as changed, so nothing is lost
    errors = {
        field: f"Another administrator changed {what} while you were editing. "
        "Check it and save again"
        for name, (field, what) in _CHANGED_MEANWHILE.items()
        if then.get(name) != current[name]
    }
    if errors:
        raise AccountInvalid(errors)


def set_active(
    db_session: Session,
    account: User,
    admin: User,
    active: bool,
    reason: str,
    *,
    client_address: str = "",
) -> bool:
    """Deactivate (ending every session of the account at once) or reactivate, with a
    reason; whether anything changed."""
    if not active and account.id == admin.id:
        raise AccountInvalid({"reason": OWN_ACCOUNT})
    if account.active is active:
        return False
    account.active = active
    account.changed_by_id = admin.id
    account.changed_at = utcnow()
    if not active:
        # Sign-in checks this token on every request: the person's next request finds no
        # session, whatever cookie their browser still holds.
        account.session_token = new_session_token()
        setup_links.withdraw_all(db_session, account)
    db_session.add(
        AccountStatusChange(
            user_id=account.id, active=active, reason=reason.strip(), changed_by_id=admin.id
        )
    )
    db_session.flush()
    account_events.record(
        db_session,
        "useradmin.account_reactivated" if active else "useradmin.account_deactivated",
        account.id,
        admin,
        client_address,
        reason=reason.strip(),
    )
    return True


def new_setup_link(
    db_session: Session, account: User, admin: User, *, client_address: str = ""
) -> bool:
    """E-mail the person a new set-password link, only for an active account whose person
    has not yet set a password; whether one was sent."""
    if not account.active or has_password(account):
        return False
    _send_setup_link(db_session, account, admin, client_address)
    return True


def record_refusal(
    db_session: Session,
    admin: User,
    attempted: str,
    account_id: int,
    *,
    account: User | None = None,
    client_address: str = "",
) -> None:
    """An attempt on an account the administrator may not maintain (another borough's, a
    system administrator's, or none)."""
    account_events.record(
        db_session,
        "useradmin.refused",
        account_id,
        admin,
        client_address,
        attempted=attempted,
        account_borough_id=account.borough_id if account else None,
    )
