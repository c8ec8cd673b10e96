"""Adding a local authority to eCAF: the borough, its published CAF contact, its
organisations and their sectors, and its first administrator.

Used by the system administrator's pages (webapp/boroughs/views.py), by
`flask --app webapp caf boroughs add` and by the organisations import. A new borough needs
nothing else to work: with no overlays, templates or workflow choices of its own it runs the
national forms, documents and workflow (each looks up the borough's own first and falls back
to the national one), its child index and service directory start empty, and its CAF contact
and managers are accounts its administrator creates or imports.

Rules are checked here, whoever calls, so that no forged form or command gets past them;
each problem is a GOV.UK message keyed by the field it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts import setup_links
from webapp.accounts.models import User, UserRole
from webapp.accounts.passwords import unusable_password_hash
from webapp.accounts.services import normalise_email
from webapp.audit import services as audit
from webapp.boroughs.models import Borough, BoroughKind, Organisation, Sector
from webapp.db import flush_or_refuse
from webapp.useradmin import duties

# A code names the borough's folders in formdefs/, workflows/ and templates/, and starts its
# episode references: lowercase letters, digits and hyphens, starting with a letter.
CODE_PATTERN = re.compile(r"[a-z][a-z0-9-]{1,38}[a-z0-9]")
CODE_MAX = 40
NAME_MAX = 120
REGION_MAX = 80
CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
ADDRESS_MAX = 400
ORGANISATION_NAME_MAX = 160


class OnboardingInvalid(Exception):
    """The details break a rule; `errors` maps a field's name to a GOV.UK message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Actor(Protocol):
    id: int | None


class CommandLine:
    """Who acts when `caf boroughs add` runs: the server's operator, who has no account."""

    id = None


@dataclass(frozen=True)
class BoroughDetails:
    code: str
    name: str
    kind: str
    contact_email: str
    region: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_address: str = ""

    def tidied(self) -> BoroughDetails:
        name = " ".join(self.name.split())
        return BoroughDetails(
            code=self.code.strip().lower(),
            name=name,
            kind=self.kind.strip().lower(),
            contact_email=normalise_email(self.contact_email),
            region=" ".join(self.region.split()),
            contact_name=" ".join(self.contact_name.split())
            or (f"{name} CAF team" if name else ""),
            contact_phone=self.contact_phone.strip(),
            contact_address=self.contact_address.strip(),
        )


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    sector: str
    email: str = ""
    phone: str = ""

    def tidied(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=" ".join(self.name.split()),
            sector=self.sector.strip(),
            email=normalise_email(self.email),
            phone=self.phone.strip(),
        )


@dataclass(frozen=True)
class AdministratorDetails:
    full_name: str
    email: str


@dataclass
class Onboarded:
    borough: Borough
    organisations: list[Organisation] = field(default_factory=list)
    administrator: User | None = None


def sector_named(text: str) -> Sector | None:
    """The sector `text` names, by its value (`early_years`) or its title (`Early years`)."""
    wanted = " ".join(text.replace("_", " ").split()).lower()
    return next((sector for sector in Sector if sector.title.lower() == wanted), None)


def email_problem(email: str, what: str) -> str | None:
    """Why `email` is not a usable address (`what` names it in the message), or None."""
    if len(email) > EMAIL_MAX:
        return f"{what} must be {EMAIL_MAX} characters or fewer"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"Enter {what[0].lower()}{what[1:]} in the correct format, like name@example.com"
    return None


def _too_long(value: str, limit: int, what: str) -> str | None:
    return f"{what} must be {limit} characters or fewer" if len(value) > limit else None


def check_borough(db_session: Session, details: BoroughDetails) -> dict[str, str]:
    """Every problem with the details of a new borough (empty if none)."""
    errors: dict[str, str] = {}
    if not details.code:
        errors["code"] = "Enter the borough's code"
    elif not CODE_PATTERN.fullmatch(details.code):
        errors["code"] = (
            f"Code must be 3 to {CODE_MAX} lowercase letters, digits or hyphens, starting "
            "with a letter, like riverside"
        )
    elif db_session.scalar(select(func.count()).where(Borough.code == details.code)):
        errors["code"] = f"A borough with the code {details.code} already exists"
    if not details.name:
        errors["name"] = "Enter the name of the local authority"
    elif problem := _too_long(details.name, NAME_MAX, "Name"):
        errors["name"] = problem
    elif db_session.scalar(
        select(func.count()).where(func.lower(Borough.name) == details.name.lower())
    ):
        errors["name"] = f"A borough called {details.name} already exists"
    if details.kind not in {kind.value for kind in BoroughKind}:
        errors["kind"] = "Select the kind of local authority"
    if problem := _too_long(details.region, REGION_MAX, "Region"):
        errors["region"] = problem
    if problem := _too_long(details.contact_name, CONTACT_NAME_MAX, "CAF contact's name"):
        errors["contact_name"] = problem
    if not details.contact_email:
        errors["contact_email"] = "Enter the CAF contact's email address"
    elif problem := email_problem(details.contact_email, "The CAF contact's email address"):
        errors["contact_email"] = problem
    if problem := _too_long(details.contact_phone, PHONE_MAX, "CAF contact's telephone number"):
        errors["contact_phone"] = problem
    if problem := _too_long(details.contact_address, ADDRESS_MAX, "CAF contact's address"):
        errors["contact_address"] = problem
    return errors


def check_organisation(
    details: OrganisationDetails, taken_names: set[str] | frozenset[str] = frozenset()
) -> dict[str, str]:
    """Every problem with a new organisation; `taken_names` are the lowercased names of the
    borough's organisations (and of those added with it)."""
    errors: dict[str, str] = {}
    if not details.name:
        errors["name"] = "Enter the name of the organisation"
    elif problem := _too_long(details.name, ORGANISATION_NAME_MAX, "Name of the organisation"):
        errors["name"] = problem
    elif details.name.lower() in taken_names:
        errors["name"] = f"The borough already has an organisation called {details.name}"
    if not details.sector:
        errors["sector"] = "Select the organisation's sector"
    elif sector_named(details.sector) is None:
        errors["sector"] = "Sector must be one of: " + ", ".join(
            sector.title.lower() for sector in Sector
        )
    if details.email and (problem := email_problem(details.email, "The organisation's email")):
        errors["email"] = problem
    if problem := _too_long(details.phone, PHONE_MAX, "Telephone number"):
        errors["phone"] = problem
    return errors


def check_administrator(db_session: Session, details: AdministratorDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    full_name = " ".join(details.full_name.split())
    email = normalise_email(details.email)
    if not full_name:
        errors["admin_name"] = "Enter the administrator's full name"
    elif problem := _too_long(full_name, 120, "The administrator's full name"):
        errors["admin_name"] = problem
    if not email:
        errors["admin_email"] = "Enter the administrator's email address"
    elif problem := email_problem(email, "The administrator's email address"):
        errors["admin_email"] = problem
    elif db_session.scalar(select(func.count()).where(func.lower(User.email) == email)):
        errors["admin_email"] = "An account with this email address already exists"
    return errors


def organisation_names(db_session: Session, borough_id: int) -> set[str]:
    return {
        name.lower()
        for name in db_session.scalars(
            select(Organisation.name).where(Organisation.borough_id == borough_id)
        )
    }


def _record(db_session: Session, action: str, actor: Actor, client_address: str, **detail):
    via = {"via": "command_line"} if actor.id is None else {}
    audit.record(
        db_session,
        action,
        actor_id=actor.id,
        client_address=client_address,
        national=True,  # national administration: in no borough's chain
        **via,
        **detail,
    )


def add_organisation(
    db_session: Session,
    borough: Borough,
    details: OrganisationDetails,
    actor: Actor,
    *,
    client_address: str = "",
) -> Organisation:
    """A new organisation of `borough`. The caller commits."""
    details = details.tidied()
    errors = check_organisation(details, organisation_names(db_session, borough.id))
    if errors:
        raise OnboardingInvalid(errors)
    organisation = Organisation(
        borough_id=borough.id,
        name=details.name,
        sector=sector_named(details.sector),
        email=details.email,
        phone=details.phone,
    )
    db_session.add(organisation)
    # Refused when someone else saved the same name at the same moment.
    flush_or_refuse(
        db_session,
        OnboardingInvalid(
            {"name": f"The borough already has an organisation called {details.name}"}
        ),
    )
    _record(
        db_session,
        "boroughs.organisation_added",
        actor,
        client_address,
        object_type="organisation",
        object_id=organisation.id,
        borough_id=borough.id,
        name=organisation.name,
        sector=organisation.sector.value,
    )
    return organisation


def add_borough(
    db_session: Session,
    details: BoroughDetails,
    actor: Actor,
    *,
    organisations: list[OrganisationDetails] | None = None,
    administrator: AdministratorDetails | None = None,
    client_address: str = "",
) -> Onboarded:
    """A new borough with the council itself as its first organisation (where its
    administrator works), the given organisations, and, if given, its first administrator,
    who is e-mailed a link to set their password once the caller commits. Raises
    OnboardingInvalid, adding nothing, naming every problem (an organisation's by its
    position: `organisations-2-name`)."""
    details = details.tidied()
    organisations = [item.tidied() for item in organisations or []]
    errors = check_borough(db_session, details)
    if administrator is not None:
        errors |= check_administrator(db_session, administrator)
    council = OrganisationDetails(
        name=details.name, sector=Sector.LOCAL_AUTHORITY.value, email=details.contact_email
    )
    wanted = [council] + [
        item for item in organisations if item.name.lower() != council.name.lower()
    ]
    taken: set[str] = set()
    for number, item in enumerate(organisations, start=1):
        problems = check_organisation(item, taken)
        taken.add(item.name.lower())
        errors |= {f"organisations-{number}-{name}": text for name, text in problems.items()}
    if errors:
        raise OnboardingInvalid(errors)
    borough = Borough(
        code=details.code,
        name=details.name,
        kind=BoroughKind(details.kind),
        region=details.region,
        caf_contact_name=details.contact_name,
        caf_contact_email=details.contact_email,
        caf_contact_phone=details.contact_phone,
        caf_contact_address=details.contact_address,
    )
    db_session.add(borough)
    # Refused when someone else saved the same code at the same moment.
    flush_or_refuse(
        db_session,
        OnboardingInvalid({"code": f"A borough with the code {details.code} already exists"}),
    )
    _record(
        db_session,
        "boroughs.borough_added",
        actor,
        client_address,
        object_type="borough",
        object_id=borough.id,
        borough_id=borough.id,
        code=borough.code,
        name=borough.name,
        kind=borough.kind.value,
        region=borough.region,
        caf_contact_email=borough.caf_contact_email,
    )
    onboarded = Onboarded(borough=borough)
    for item in wanted:
        onboarded.organisations.append(
            add_organisation(db_session, borough, item, actor, client_address=client_address)
        )
    if administrator is not None:
        onboarded.administrator = _first_administrator(
            db_session, onboarded.organisations[0], administrator, actor, client_address
        )
    return onboarded


def _first_administrator(
    db_session: Session,
    council: Organisation,
    details: AdministratorDetails,
    actor: Actor,
    client_address: str,
) -> User:
    """The borough's first administrator, in the council, with no password: the link to set
    one is e-mailed to them. They then create or import the borough's other accounts."""
    account = User(
        email=normalise_email(details.email),
        full_name=" ".join(details.full_name.split()),
        borough_id=council.borough_id,
        organisation_id=council.id,
        team_id=None,
        password_hash=unusable_password_hash(),
        dbs_check_date=None,
        caf_trained=False,
        active=True,
        created_by_id=actor.id,
    )
    # Given by the system administrator (or on the command line), who is the second person
    # for this role (webapp/useradmin/duties.py); an administrator holds no record role.
    duties.check_roles({Role.BOROUGH_ADMIN})
    account.role_grants.append(UserRole(role=Role.BOROUGH_ADMIN))
    db_session.add(account)
    flush_or_refuse(
        db_session,
        OnboardingInvalid({"admin_email": "An account with this email address already exists"}),
    )
    setup_links.send(db_session, account, actor)  # type: ignore[arg-type]
    _record(
        db_session,
        "useradmin.account_created",
        actor,
        client_address,
        object_type="user",
        object_id=account.id,
        borough_id=council.borough_id,
        full_name=account.full_name,
        email=account.email,
        organisation_id=council.id,
        roles=[Role.BOROUGH_ADMIN.value],
    )
    _record(
        db_session,
        "useradmin.role_granted",
        actor,
        client_address,
        object_type="user",
        object_id=account.id,
        borough_id=council.borough_id,
        role=Role.BOROUGH_ADMIN.value,
        granted_by=actor.id,
        approved_by=actor.id,
    )
    _record(
        db_session,
        "useradmin.set_password_link_issued",
        actor,
        client_address,
        object_type="user",
        object_id=account.id,
        sent_to=account.email,
    )
    return account


def boroughs(db_session: Session) -> list[Borough]:
    return list(db_session.scalars(select(Borough).order_by(func.lower(Borough.name))))


def find(db_session: Session, borough_id: int) -> Borough | None:
    return db_session.get(Borough, borough_id)


def accounts_count(db_session: Session, borough_id: int) -> int:
    return (
        db_session.scalar(
            select(func.count()).select_from(User).where(User.borough_id == borough_id)
        )
        or 0
    )
