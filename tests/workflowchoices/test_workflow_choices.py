"""Workflow choices through HTTP: the administrator's page and its picture, new episodes
follow a new choice while episodes already started keep theirs, the borough boundary,
audit, and refused input."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.episodes import workflow
from webapp.episodes.services import open_episode
from webapp.workflowchoices.models import WorkflowChoiceRequest, WorkflowChoiceVersion

PAGE = "/admin/workflow-choices"


@pytest.fixture
def people(app):
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY)
    school = make_organisation(riverside, Sector.SCHOOL)
    found = {
        "riverside": riverside,
        "northgate": northgate,
        "admin": make_user(council, Role.BOROUGH_ADMIN),
        "second_admin": make_user(council, Role.BOROUGH_ADMIN),
        "northgate_admin": make_user(
            make_organisation(northgate, Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN
        ),
        "assessor": make_user(school),
        "manager": make_user(school, Role.MANAGER),
        "caf_contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
        "practitioner": make_user(school),
    }
    make_user(found["northgate_admin"].organisation, Role.BOROUGH_ADMIN)
    db.session.commit()
    return found


def new_episode(people, state: str):
    episode = open_episode(
        db.session,
        workflow.catalogue(),
        make_child(people["riverside"]),
        people["assessor"],
        people["riverside"],
    )
    episode.state = state
    episode.lead_professional = people["assessor"]
    db.session.commit()
    return episode


def switch_to(client, user) -> None:
    """Sign in as someone else in the same browser."""
    with client.session_transaction() as session:
        session.clear()
    sign_in(client, user)


def choose(client, reason="The panel agreed to drop the check", **selections):
    """Ask for a change and, when it was accepted, have another administrator of the
    borough approve it (the two-person rule itself: tests/useradmin/test_duties.py)."""
    data = {f"choice_{key}": value for key, value in selections.items()}
    response = client.post_form(PAGE, {**data, "reason": reason}, token_from=PAGE)
    if response.status_code != 302:
        return response
    request = db.session.scalars(
        select(WorkflowChoiceRequest).where(WorkflowChoiceRequest.outcome.is_(None))
    ).one()
    approver = db.session.scalars(
        select(User).where(
            User.borough_id == request.borough_id,
            User.id != request.requested_by_id,
            User.role_grants.any(UserRole.role == Role.BOROUGH_ADMIN),
        )
    ).first()
    second = current_app.test_client()
    sign_in(second, approver)
    decided = second.post_form(f"{PAGE}/requests/{request.id}", {"decision": "approve"})
    assert decided.status_code == 302, decided.get_data(as_text=True)
    return response


def steps_text(client, episode) -> str:
    response = client.get(f"/episodes/{episode.id}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")


def test_the_page_shows_the_effective_workflow_picture_and_the_choices(client, people):
    sign_in(client, people["admin"])

    response = client.get(PAGE)

    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Pass the quality check" in page.select_one("#workflow-diagram-source").get_text()
    assert page.select_one("input[name=choice_quality_check][value=required]").has_attr("checked")
    assert page.select_one(
        "input[name=choice_closure_approver][value=manager_or_borough_caf_contact]"
    ).has_attr("checked")


def test_a_new_choice_changes_new_episodes_and_not_those_already_started(client, people):
    before = new_episode(people, "assessed")
    sign_in(client, people["admin"])

    saved = choose(client, quality_check="not_required", closure_approver="manager")

    assert saved.status_code == 302
    picture = client.get(PAGE).get_data(as_text=True)
    diagram = BeautifulSoup(picture, "html.parser").select_one("#workflow-diagram-source")
    assert "Pass the quality check" not in diagram.get_text()
    assert "assessed --> delivering" in diagram.get_text()
    after = new_episode(people, "assessed")
    assert before.workflow_choices_id is None
    assert after.workflow_choices_id is not None

    switch_to(client, people["caf_contact"])
    assert "Pass the quality check" in steps_text(client, before)
    assert "Pass the quality check" not in steps_text(client, after)
    switch_to(client, people["assessor"])
    assert "Start delivering the plan" not in steps_text(client, before)
    assert "Start delivering the plan" in steps_text(client, after)


def test_closure_approver_choice_changes_who_may_approve_new_episodes(client, people):
    sign_in(client, people["admin"])
    choose(client, quality_check="required", closure_approver="borough_caf_contact")
    episode = new_episode(people, "closure_requested")
    episode.closure_requested_by_id = people["assessor"].id
    db.session.commit()

    switch_to(client, people["manager"])
    response = client.post_form(
        f"/episodes/{episode.id}/steps/approve_closure",
        {"expected_state": "closure_requested", "comment": ""},
        token_from=f"/episodes/{episode.id}",
    )

    assert response.status_code == 403
    assert "The borough CAF contact must approve closure" in response.get_data(as_text=True)


def test_each_choice_is_a_new_audited_version_with_who_and_why(client, people):
    sign_in(client, people["admin"])
    choose(client, quality_check="not_required", closure_approver="manager")
    choose(client, reason="Back to checking", quality_check="required", closure_approver="manager")

    versions = db.session.scalars(
        select(WorkflowChoiceVersion).order_by(WorkflowChoiceVersion.version)
    ).all()
    assert [(v.version, v.selections["quality_check"]) for v in versions] == [
        (1, "not_required"),
        (2, "required"),
    ]
    assert versions[1].reason == "Back to checking"
    assert versions[1].chosen_by_id == people["admin"].id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "workflow.choices_changed")
    ).all()
    assert len(events) == 2
    assert json.loads(events[1].detail)["after"] == versions[1].selections_json
    page = client.get(PAGE).get_data(as_text=True)
    assert "Back to checking" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quality_check": "sometimes", "closure_approver": "manager"}, None),
        ({"closure_approver": "manager"}, "Select quality check of each assessment"),
        (
            {"quality_check": "required", "closure_approver": "manager_or_borough_caf_contact"},
            "Change at least one choice",
        ),
    ],
)
def test_bad_choices_are_refused_with_a_govuk_error_and_nothing_saved(
    client, people, data, message
):
    sign_in(client, people["admin"])

    response = choose(client, **data)

    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    if message:
        assert message in text
    assert db.session.scalars(select(WorkflowChoiceVersion)).all() == []


def test_a_reason_is_required(client, people):
    sign_in(client, people["admin"])

    response = choose(client, reason=" ", quality_check="not_required", closure_approver="manager")

    assert response.status_code == 400
    assert "Enter why you are changing the workflow choices" in response.get_data(as_text=True)
    assert db.session.scalars(select(WorkflowChoiceVersion)).all() == []


def test_another_boroughs_administrator_changes_only_their_own_borough(client, people):
    sign_in(client, people["admin"])
    choose(client, quality_check="not_required", closure_approver="manager")
    riverside_version = db.session.scalars(select(WorkflowChoiceVersion)).one()

    switch_to(client, people["northgate_admin"])
    page = client.get(PAGE).get_data(as_text=True)
    assert "choice_quality_check" not in page  # Northgate runs the national workflow
    assert client.get(f"{PAGE}/versions/{riverside_version.id}").status_code == 404
    choose(client, closure_approver="borough_caf_contact")

    northgate_version = db.session.scalars(
        select(WorkflowChoiceVersion).where(
            WorkflowChoiceVersion.borough_id == people["northgate"].id
        )
    ).one()
    assert northgate_version.workflow_id == "caf"
    new = new_episode(people, "assessed")
    assert new.workflow_choices_id == riverside_version.id


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact"])
def test_people_who_do_not_administer_cannot_choose(client, people, who):
    sign_in(client, people[who])

    assert client.get(PAGE).status_code == 403
    response = client.post_form(
        PAGE, {"choice_quality_check": "not_required", "reason": "x"}, token_from="/"
    )
    assert response.status_code == 403
    assert db.session.scalars(select(WorkflowChoiceVersion)).all() == []


def test_an_administrator_reaches_the_workflow_choices_from_their_home_page(client, people):
    sign_in(client, people["admin"])
    home = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    link = home.find("a", string=lambda words: words and words.startswith("Choose between"))
    assert link is not None and link["href"] == "/admin/workflow-choices"
    assert client.get(link["href"]).status_code == 200
    switch_to(client, people["practitioner"])
    assert "/admin/workflow-choices" not in client.get("/").get_data(as_text=True)
