"""Searching and maintaining the service directory. No Flask here.

Who may do what is the access policy's to decide (`may(user, Permission.DIRECTORY_MAINTAIN,
service)`); what this module guarantees whatever a page sends:
- a new service always belongs to the administrator's own borough (there is no borough to
  choose, so none can be forged);
- the details are checked again here (required answers, age range, lengths), so nothing
  invalid is stored;
- a stale edit (someone saved the service since the page was opened) is refused;
- every change, and every refused attempt, is written to the audit trail in the same
  transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.db import utcnow
from webapp.directory.models import (
    OLDEST_AGE,
    AccessRoute,
    Service,
    ServiceLevel,
)

PAGE_SIZE = 20
#: The longest text each detail may hold (the columns' sizes, or a sensible limit for text).
LIMITS = {
    "name": 160,
    "provider": 160,
    "description": 5000,
    "client_group": 500,
    "coverage": 500,
    "address": 400,
    "referral_details": 2000,
    "phone": 40,
    "email": 254,
    "website": 500,
}
SEARCH_MAX = 200
_SEARCH_WORDS = 10
_SEARCHED = ("name", "description", "provider", "client_group", "coverage", "address")


class ServiceInvalid(ValueError):
    """The details cannot be stored; `errors` maps a detail's name to a GOV.UK message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StaleService(Exception):
    """Someone saved the service after this user opened it."""

    message = (
        "Someone else changed this service while you were editing it. Check the details "
        "and save them again."
    )


@dataclass(frozen=True)
class ServiceDetails:
    """What an administrator enters about a service."""

    name: str
    provider: str
    description: str
    level: ServiceLevel
    client_group: str
    min_age: int
    max_age: int
    coverage: str
    residents_only: bool
    address: str
    access_routes: frozenset[AccessRoute]
    referral_details: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    @classmethod
    def of(cls, service: Service) -> ServiceDetails:
        values: dict[str, Any] = {
            item.name: getattr(service, item.name)
            for item in fields(cls)
            if item.name != "access_routes"
        }
        return cls(**values, access_routes=frozenset(service.access_routes))


# --- reading ------------------------------------------------------------------------------


def find(db_session: Session, service_id: int) -> Service | None:
    return db_session.get(Service, service_id)


def find_many(db_session: Session, service_ids: Iterable[int]) -> dict[int, Service]:
    """The services with these ids (any borough, active or not), by id."""
    wanted = {service_id for service_id in service_ids if isinstance(service_id, int)}
    if not wanted:
        return {}
    return {
        service.id: service
        for service in db_session.scalars(select(Service).where(Service.id.in_(wanted)))
    }


def active_in(db_session: Session, borough_id: int) -> list[Service]:
    """A borough's services that are in the directory now, by name."""
    return list(
        db_session.scalars(
            select(Service)
            .where(Service.borough_id == borough_id, Service.active.is_(True))
            .order_by(func.lower(Service.name), Service.id)
        )
    )


def plan_choices(db_session: Session, borough_id: int, keep: Iterable[int] = ()) -> list[Service]:
    """The services an action in a plan of this borough may name: those in its directory
    now, and those already named in the answers being changed (`keep`), so that saving a
    plan again does not drop a service that has since left the directory."""
    kept = {service_id for service_id in keep if isinstance(service_id, int)}
    return list(
        db_session.scalars(
            select(Service)
            .where(
                Service.borough_id == borough_id,
                or_(Service.active.is_(True), Service.id.in_(kept)),
            )
            .order_by(func.lower(Service.name), Service.id)
        )
    )


@dataclass(frozen=True)
class DirectoryQuery:
    """A search of the directory. Empty filters match everything."""

    text: str = ""
    borough_id: int | None = None  # None: every borough
    levels: frozenset[ServiceLevel] = frozenset()
    age: int | None = None
    residency: str = "any"  # "any", "open" (to non-residents) or "residents" (only)
    routes: frozenset[AccessRoute] = frozenset()
    #: Also list this borough's services that are no longer in the directory (for its
    #: administrators, who may put them back).
    inactive_of_borough: int | None = None
    page: int = 1


@dataclass(frozen=True)
class Results:
    services: list[Service]
    total: int
    page: int
    pages: int


def search_words(text: str) -> list[str]:
    return [word for word in re.split(r"\s+", text.strip().lower()) if word][:_SEARCH_WORDS]


def _filtered(query: DirectoryQuery) -> Select:
    statement = select(Service)
    if query.inactive_of_borough is None:
        statement = statement.where(Service.active.is_(True))
    else:
        statement = statement.where(
            or_(Service.active.is_(True), Service.borough_id == query.inactive_of_borough)
        )
    if query.borough_id is not None:
        statement = statement.where(Service.borough_id == query.borough_id)
    for word in search_words(query.text):
        statement = statement.where(
            or_(
                *(
                    func.lower(getattr(Service, column)).contains(word, autoescape=True)
                    for column in _SEARCHED
                )
            )
        )
    if query.levels:
        statement = statement.where(Service.level.in_(sorted(query.levels)))
    if query.age is not None:
        statement = statement.where(Service.min_age <= query.age, Service.max_age >= query.age)
    if query.residency == "open":
        statement = statement.where(Service.residents_only.is_(False))
    elif query.residency == "residents":
        statement = statement.where(Service.residents_only.is_(True))
    if query.routes:
        statement = statement.where(
            or_(*(getattr(Service, route.value).is_(True) for route in query.routes))
        )
    return statement


def search(db_session: Session, query: DirectoryQuery) -> Results:
    """One page of the services that match, by name (then borough)."""
    statement = _filtered(query)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(query.page, 1), pages)
    services = list(
        db_session.scalars(
            statement.join(Borough, Borough.id == Service.borough_id)
            .options(selectinload(Service.borough))
            .order_by(func.lower(Service.name), Borough.name, Service.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    return Results(services, total, page, pages)


# --- checking what an administrator entered --------------------------------------------------


def problems(details: ServiceDetails) -> dict[str, str]:
    """The same rules the form applies, so that nothing invalid is stored whatever was sent."""
    errors: dict[str, str] = {}
    required = {
        "name": "Enter the service name",
        "provider": "Enter the name of the organisation that provides the service",
        "description": "Enter what the service does",
        "client_group": "Enter who the service is for",
        "coverage": "Enter the areas the service covers",
        "address": "Enter where the service is based",
    }
    for name, message in required.items():
        if not getattr(details, name).strip():
            errors[name] = message
    for name, limit in LIMITS.items():
        if name not in errors and len(getattr(details, name)) > limit:
            errors[name] = f"{TITLES[name]} must be {limit} characters or fewer"
    for name, title in (("min_age", "Minimum age"), ("max_age", "Maximum age")):
        if not 0 <= getattr(details, name) <= OLDEST_AGE:
            errors[name] = f"{title} must be between 0 and {OLDEST_AGE}"
    if "min_age" not in errors and "max_age" not in errors and details.max_age < details.min_age:
        errors["max_age"] = "Maximum age must be the same as or more than minimum age"
    if not details.access_routes:
        errors["access_routes"] = "Select how families can get the service"
    return errors


#: What messages call each detail.
TITLES = {
    "name": "Service name",
    "provider": "Organisation name",
    "description": "Description",
    "client_group": "Who the service is for",
    "coverage": "Areas covered",
    "address": "Where the service is based",
    "referral_details": "How to refer",
    "phone": "Telephone number",
    "email": "Email address",
    "website": "Website address",
}


def _check(db_session: Session, details: ServiceDetails, borough_id: int, service_id=None):
    errors = problems(details)
    if "name" not in errors:
        clash = db_session.scalars(
            select(Service.id).where(
                Service.borough_id == borough_id,
                func.lower(Service.name) == details.name.strip().lower(),
                Service.id != (service_id or 0),
            )
        ).first()
        if clash is not None:
            errors["name"] = NAME_TAKEN
    if errors:
        raise ServiceInvalid(errors)


NAME_TAKEN = "Your borough's directory already has a service with this name"


def _apply(service: Service, details: ServiceDetails) -> list[str]:
    """Copy the details onto the service; the names of the details that changed."""
    changed = []
    for item in fields(ServiceDetails):
        if item.name == "access_routes":
            continue
        value = getattr(details, item.name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(service, item.name) != value:
            changed.append(item.name)
            setattr(service, item.name, value)
    for route in AccessRoute:
        offered = route in details.access_routes
        if bool(getattr(service, route.value)) != offered:
            changed.append(route.value)
            setattr(service, route.value, offered)
    return changed


# --- writing ------------------------------------------------------------------------------


def _audit(
    db_session: Session, action: str, service_id, actor: User, client_address: str, **detail
) -> None:
    audit.record_by(
        db_session,
        action,
        actor,
        client_address,
        object_type="directory_service",
        object_id=service_id if service_id is not None else "",
        **detail,
    )


def _audit_change(
    db_session: Session, action: str, service: Service, actor: User, client_address: str, **detail
) -> None:
    """A change to a service of the directory, naming its borough."""
    audit.record_about(
        db_session, action, service, actor, client_address, borough_id=service.borough_id, **detail
    )


def _changed_by(service: Service, actor: User) -> None:
    service.updated_by_id = actor.id
    service.updated_at = utcnow()


def create(
    db_session: Session, actor: User, details: ServiceDetails, *, client_address: str = ""
) -> Service:
    """A new service in the actor's own borough's directory."""
    _check(db_session, details, actor.borough_id)
    now = utcnow()
    service = Service(
        borough_id=actor.borough_id,
        active=True,
        created_by_id=actor.id,
        created_at=now,
        updated_by_id=actor.id,
        updated_at=now,
    )
    _apply(service, details)
    db_session.add(service)
    try:
        db_session.flush()
    except IntegrityError:  # the same name, saved by someone else a moment ago
        raise ServiceInvalid({"name": NAME_TAKEN}) from None
    _audit_change(
        db_session, "directory.service_created", service, actor, client_address, name=service.name
    )
    return service


def update(
    db_session: Session,
    service: Service,
    actor: User,
    details: ServiceDetails,
    *,
    expected_version: int,
    client_address: str = "",
) -> list[str]:
    """Change a service's details; the names of the details that changed."""
    if service.lock_version != expected_version:
        raise StaleService(StaleService.message)
    _check(db_session, details, service.borough_id, service.id)
    changed = _apply(service, details)
    if not changed:
        return []
    _changed_by(service, actor)
    try:
        db_session.flush()  # the optimistic lock is checked here
    except StaleDataError:
        raise StaleService(StaleService.message) from None
    except IntegrityError:  # the same name, saved by someone else a moment ago
        raise ServiceInvalid({"name": NAME_TAKEN}) from None
    _audit_change(
        db_session, "directory.service_updated", service, actor, client_address, changed=changed
    )
    return changed


def set_active(
    db_session: Session, service: Service, actor: User, active: bool, *, client_address: str = ""
) -> bool:
    """Take a service out of the directory, or put it back; whether anything changed."""
    if service.active is active:
        return False
    service.active = active
    _changed_by(service, actor)
    db_session.flush()
    action = "directory.service_reactivated" if active else "directory.service_deactivated"
    _audit_change(db_session, action, service, actor, client_address)
    return True


def record_refusal(
    db_session: Session,
    actor: User,
    attempted: str,
    service_id: int | None,
    *,
    client_address: str = "",
    service: Service | None = None,
) -> None:
    """An attempt to maintain a service the actor may not (another borough's, or none)."""
    _audit(
        db_session,
        "directory.refused",
        service_id,
        actor,
        client_address,
        attempted=attempted,
        service_borough_id=service.borough_id if service else None,
    )
