"""The policy's questions, tried through HTTP: may this person change this part of the
episode now (`may_edit_part`), and may they see or manage a shielded child's details
(`may_see_shielded_details`, `child-record:manage`)? Each refusal is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent


@pytest.fixture
def world(app):
    """An episode delivering its plan: the assessor still sees it, but only the lead
    professional and the coordinator change its team and consent now (workflows/caf.yaml)."""
    riverside = make_borough("riverside")
    school = make_organisation(riverside)
    assessor = make_user(school)
    lead_professional = make_user(school)
    child = make_child(riverside)
    episode = make_episode(child, assessor, lead_professional=lead_professional, state="delivering")
    caf_contact = make_user(school, Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    return {
        "episode": episode,
        "child": child,
        "assessor": assessor,
        "lead_professional": lead_professional,
        "caf_contact": caf_contact,
    }


def refusals(action: str, user) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == user.id)
        )
    )


def test_someone_who_sees_the_consent_but_may_not_change_it_now_gets_403_audited(client, world):
    episode, assessor = world["episode"], world["assessor"]
    sign_in(client, assessor)
    assert client.get(f"/episodes/{episode.id}/consent").status_code == 200

    response = client.get(f"/episodes/{episode.id}/consent/new")

    assert response.status_code == 403
    (event,) = refusals("access.refused", assessor)
    assert event.episode_id == episode.id
    detail = json.loads(event.detail)
    assert (detail["reason"], detail["state"], detail["status"]) == (
        "may not change consent at this stage",
        "delivering",
        403,
    )


def test_the_lead_professional_may_change_the_consent_in_the_same_state(client, world):
    sign_in(client, world["lead_professional"])
    assert client.get(f"/episodes/{world['episode'].id}/consent/new").status_code == 200
    assert refusals("access.refused", world["lead_professional"]) == []


def test_someone_who_sees_the_team_but_may_not_change_it_now_gets_403_audited(client, world):
    episode, assessor = world["episode"], world["assessor"]
    sign_in(client, assessor)
    assert client.get(f"/episodes/{episode.id}/tac").status_code == 200

    response = client.post_form(
        f"/episodes/{episode.id}/tac/invite", {"email": "someone@example.org"}, token_from="/"
    )

    assert response.status_code == 403
    (event,) = refusals("access.refused", assessor)
    assert json.loads(event.detail)["reason"] == "may not change tac at this stage"
    assert event.episode_id == episode.id


@pytest.mark.parametrize("path", ["shielding", "subject-access"])
def test_the_caf_contact_of_the_childs_borough_manages_its_record(client, world, path):
    sign_in(client, world["caf_contact"])
    assert client.get(f"/children/{world['child'].id}/{path}").status_code == 200


@pytest.mark.parametrize(
    ("path", "action"),
    [("shielding", "child.shielding_refused"), ("subject-access", "subject_access.refused")],
)
def test_the_caf_contact_without_an_in_date_dbs_check_cannot_manage_the_record(
    client, world, path, action
):
    caf_contact = world["caf_contact"]
    caf_contact.dbs_check_date = None
    db.session.commit()
    sign_in(client, caf_contact)

    assert client.get(f"/children/{world['child'].id}/{path}").status_code == 404
    (event,) = refusals(action, caf_contact)
    assert event.child_id == world["child"].id
