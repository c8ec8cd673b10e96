"""Building directory services for the tests, and reading the pages they give."""

from __future__ import annotations

import itertools

from bs4 import BeautifulSoup

from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.directory.models import Service, ServiceLevel

_numbers = itertools.count(1)


def make_service(borough, author, **fields) -> Service:
    number = next(_numbers)
    service = Service(
        borough_id=borough.id,
        name=fields.pop("name", f"Test service {number}"),
        description=fields.pop("description", "Support for families."),
        provider=fields.pop("provider", "Test Council"),
        level=fields.pop("level", ServiceLevel.TARGETED),
        client_group=fields.pop("client_group", "Families with children"),
        min_age=fields.pop("min_age", 0),
        max_age=fields.pop("max_age", 18),
        coverage=fields.pop("coverage", "Whole borough"),
        residents_only=fields.pop("residents_only", False),
        address=fields.pop("address", "1 High Street"),
        self_referral=fields.pop("self_referral", True),
        professional_referral=fields.pop("professional_referral", False),
        drop_in=fields.pop("drop_in", False),
        created_by_id=author.id,
        updated_by_id=author.id,
        **fields,
    )
    db.session.add(service)
    db.session.flush()
    return service


def make_directory_world():
    """Two boroughs, each with an administrator, a practitioner and a manager."""
    world = {}
    for code in ("eastmoor", "westfold"):
        borough = make_borough(code)
        organisation = make_organisation(borough)
        world[code] = {
            "borough": borough,
            "admin": make_user(organisation, Role.BOROUGH_ADMIN),
            "practitioner": make_user(organisation, Role.PRACTITIONER),
            "manager": make_user(organisation, Role.MANAGER),
            "caf_contact": make_user(organisation, Role.BOROUGH_CAF_CONTACT),
        }
    db.session.commit()
    return world


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def result_names(response) -> list[str]:
    return [link.get_text(strip=True) for link in soup_of(response).select("#results ~ ul h3 a")]


def error_summary(response) -> list[tuple[str, str]]:
    return [
        (link.get_text(strip=True), link["href"])
        for link in soup_of(response).select(".govuk-error-summary__list a")
    ]


def error_messages(response) -> list[str]:
    return [text for text, _ in error_summary(response)]
