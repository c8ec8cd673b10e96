"""Two boroughs with accounts for the user administration tests, and reading their pages."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.useradmin.services import seen_token


def make_accounts_world() -> dict:
    """Two boroughs, each with two organisations, two administrators, a practitioner, a
    manager and a CAF contact; a system administrator belongs to the first."""
    world: dict = {}
    for code in ("eastmoor", "westfold"):
        borough = make_borough(code)
        school = make_organisation(borough, name=f"{code.title()} Primary School")
        clinic = make_organisation(borough, name=f"{code.title()} Health Centre")
        world[code] = {
            "borough": borough,
            "school": school,
            "clinic": clinic,
            "admin": make_user(school, Role.BOROUGH_ADMIN),
            "second_admin": make_user(school, Role.BOROUGH_ADMIN),
            "practitioner": make_user(school, Role.PRACTITIONER),
            "manager": make_user(school, Role.MANAGER),
            "caf_contact": make_user(school, Role.BOROUGH_CAF_CONTACT),
        }
    world["system_admin"] = make_user(world["eastmoor"]["school"], Role.SYSTEM_ADMIN)
    db.session.commit()
    return world


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_summary(response) -> list[tuple[str, str]]:
    return [
        (link.get_text(strip=True), link["href"])
        for link in soup_of(response).select(".govuk-error-summary__list a")
    ]


def error_messages(response) -> list[str]:
    return [text for text, _ in error_summary(response)]


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def account_form(account, **changes) -> dict:
    """The edit form's answers for `account`, with `changes`."""
    data = {
        "seen": seen_token(account),
        "organisation": str(account.organisation_id),
        "roles": [role.value for role in account.roles],
        "caf_trained": "yes" if account.caf_trained else "no",
    }
    if account.dbs_check_date:
        day = account.dbs_check_date
        data.update(
            {
                "dbs_check_date-day": str(day.day),
                "dbs_check_date-month": str(day.month),
                "dbs_check_date-year": str(day.year),
            }
        )
    data.update(changes)
    return data
