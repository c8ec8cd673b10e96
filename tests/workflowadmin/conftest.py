"""Eastmoor, a borough with no workflow file of its own, for the workflow-draft tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def eastmoor(app):
    """Eastmoor (no workflow file of its own): two administrators, a practitioner with an
    episode started before any change, a child to start a new one for, and Northgate's
    administrator next door."""
    borough = make_borough("eastmoor", name="London Borough of Eastmoor")
    council = make_organisation(borough, name="Eastmoor Council")
    school = make_organisation(borough, Sector.SCHOOL, name="Eastmoor School")
    people = {
        "first_admin": make_user(council, Role.BOROUGH_ADMIN),
        "second_admin": make_user(council, Role.BOROUGH_ADMIN),
        "practitioner": make_user(school),
        "other_admin": make_user(make_organisation(make_borough("northgate")), Role.BOROUGH_ADMIN),
    }
    people["old_episode"] = make_episode(make_child(borough), people["practitioner"])
    people["child"] = make_child(
        borough, given_names="Noor", family_name="Drafted", date_of_birth=date(2015, 3, 2)
    )
    db.session.commit()
    return people
