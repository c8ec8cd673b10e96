"""The people the child index's import and linkage tests sign in as: Fenwick's CAF contact,
practitioner, manager and administrator, and the CAF contact of another borough."""

from __future__ import annotations

from tests.factories import make_borough, make_organisation, make_user
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Sector


def fenwick_people() -> tuple[Borough, Borough, dict[str, User]]:
    """Fenwick, Eastmoor and the people, by what they are ("contact", "other_contact"...)."""
    borough = make_borough("fenwick")
    other = make_borough("eastmoor")
    council = make_organisation(borough, name="Fenwick Council")
    people = {
        "contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
        "other_contact": make_user(make_organisation(other), Role.BOROUGH_CAF_CONTACT),
        "practitioner": make_user(council, Role.PRACTITIONER),
        "manager": make_user(council, Role.MANAGER),
        "admin": make_user(council, Role.BOROUGH_ADMIN),
    }
    return borough, other, people


def fenwick_caf_contact() -> tuple[Borough, User]:
    """Fenwick and its CAF contact, with an address a browser test signs in with."""
    fenwick = make_borough("fenwick", name="London Borough of Fenwick")
    council = make_organisation(fenwick, Sector.LOCAL_AUTHORITY, name="Fenwick CAF Team")
    return fenwick, make_user(council, Role.BOROUGH_CAF_CONTACT, email="caf@fenwick.example")
