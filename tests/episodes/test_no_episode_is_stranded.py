"""Every configuration reaches closure: the episodes that used to be stranded, each taken
through the real pages by the people on it, with the default workflow choices."""

import pytest

from tests.episodes.journey import (
    RIVERSIDE_ASSESSMENT,
    Person,
    assess,
    member_for,
    reload,
    start_caf,
)
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


class World:
    """A borough with a school, a health service and the council's CAF team."""

    def __init__(self, code: str, name: str):
        self.borough = make_borough(code, name=name)
        self.school = make_organisation(self.borough, Sector.SCHOOL, name=f"{name} Primary")
        self.health = make_organisation(self.borough, Sector.HEALTH, name=f"{name} Health")
        self.council = make_organisation(
            self.borough, Sector.LOCAL_AUTHORITY, name=f"{name} Children's Services"
        )
        self.assessor = make_user(self.school, email=f"assessor@{code}.example")
        self.nurse = make_user(self.health, email=f"nurse@{code}.example")
        self.manager = make_user(self.school, Role.MANAGER, email=f"manager@{code}.example")
        self.caf_contact = make_user(
            self.council, Role.BOROUGH_CAF_CONTACT, email=f"caf-contact@{code}.example"
        )
        self.child = make_child(self.borough)
        db.session.commit()


@pytest.fixture
def riverside(app):
    return World("riverside", "London Borough of Riverside")


# --- 1. Riverside's quality check ---------------------------------------------------------


def test_riverside_caf_contact_passes_the_quality_check_of_a_completed_assessment(
    client, other_client, riverside
):
    assessor = Person(client, riverside.assessor)
    episode_id = start_caf(assessor, riverside.child)
    assert reload(episode_id).workflow_id == "caf-riverside"
    assess(assessor, episode_id, riverside.health.id, answers=RIVERSIDE_ASSESSMENT)

    contact = Person(other_client, riverside.caf_contact)
    assert "Complete every required part of the assessment first" not in contact.page(episode_id)
    assert contact.step(episode_id, "pass_quality_check").state == "quality_checked"

    # The plan can start: the assessor leads the team, as agreed.
    assessor.join_team(episode_id)
    assessor.nominate_lead(episode_id, member_for(episode_id, riverside.assessor))
    assert assessor.step(episode_id, "start_delivery").state == "delivering"
