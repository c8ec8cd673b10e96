"""A change of workflow choices goes through the same approval as a form's publication:
nothing changes until another administrator of the borough approves; one change waits at a
time; a rejection writes nothing; each step audited and e-mailed. Through HTTP. (Who may
be the second person: tests/useradmin/test_two_person_rules.py.)"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from tests.mailbox import text_of
from tests.useradmin.helpers import error_messages, events
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector
from webapp.episodes import workflow
from webapp.episodes.services import open_episode
from webapp.useradmin.models import RequestOutcome
from webapp.workflowchoices.models import WorkflowChoiceRequest, WorkflowChoiceVersion

PAGE = "/admin/workflow-choices"


@pytest.fixture
def people(app):
    borough = make_borough("northgate", name="London Borough of Northgate")
    council = make_organisation(borough, Sector.LOCAL_AUTHORITY)
    found = {
        "borough": borough,
        "admin": make_user(council, Role.BOROUGH_ADMIN),
        "second_admin": make_user(council, Role.BOROUGH_ADMIN),
        "assessor": make_user(make_organisation(borough, Sector.SCHOOL)),
    }
    db.session.commit()
    return found


def ask(client, approver="borough_caf_contact", reason="The panel agreed"):
    return client.post_form(
        PAGE, {"choice_closure_approver": approver, "reason": reason}, token_from=PAGE
    )


def new_episode(people):
    episode = open_episode(
        db.session,
        workflow.catalogue(),
        make_child(people["borough"]),
        people["assessor"],
        people["borough"],
    )
    db.session.commit()
    return episode


def test_nothing_changes_until_another_administrator_approves(
    client, other_client, people, mail_server
):
    sign_in(client, people["admin"])

    asked = ask(client)

    assert asked.status_code == 302
    request = db.session.scalars(select(WorkflowChoiceRequest)).one()
    assert asked.headers["Location"] == f"{PAGE}/requests/{request.id}"
    assert db.session.scalars(select(WorkflowChoiceVersion)).all() == []
    assert new_episode(people).workflow_choices_id is None
    page = client.get(PAGE).get_data(as_text=True)
    assert "data-waiting-choice-change" in page
    (event,) = events("workflow.choices_change_requested")
    assert event.actor_id == people["admin"].id
    (wanted,) = mail_server.to(people["second_admin"].email)
    assert f"{PAGE}/requests/{request.id}" in text_of(wanted)

    sign_in(other_client, people["second_admin"])
    decided = other_client.post_form(f"{PAGE}/requests/{request.id}", {"decision": "approve"})

    assert decided.status_code == 302
    version = db.session.scalars(select(WorkflowChoiceVersion)).one()
    assert version.selections["closure_approver"] == "borough_caf_contact"
    assert (version.chosen_by_id, version.approved_by_id) == (
        people["admin"].id,
        people["second_admin"].id,
    )
    assert new_episode(people).workflow_choices_id == version.id
    (changed,) = events("workflow.choices_changed")
    assert changed.actor_id == people["second_admin"].id
    assert "approved your request" in text_of(mail_server.to(people["admin"].email)[-1])
    assert people["second_admin"].full_name in client.get(PAGE).get_data(as_text=True)


def test_one_change_waits_at_a_time(client, people):
    sign_in(client, people["admin"])
    ask(client)

    second = ask(client, approver="manager_or_borough_caf_contact", reason="Another idea")

    assert second.status_code == 400
    assert error_messages(second) == [
        "A change to the workflow choices is already waiting for approval. Another "
        "administrator must approve or reject it before a new change can be asked for"
    ]
    assert len(db.session.scalars(select(WorkflowChoiceRequest)).all()) == 1


def test_a_rejected_change_writes_no_version(client, other_client, people):
    sign_in(client, people["admin"])
    ask(client)
    request = db.session.scalars(select(WorkflowChoiceRequest)).one()
    sign_in(other_client, people["second_admin"])

    rejected = other_client.post_form(
        f"{PAGE}/requests/{request.id}", {"decision": "reject", "comment": "Not agreed yet"}
    )

    assert rejected.status_code == 302
    db.session.refresh(request)
    assert request.outcome == RequestOutcome.REJECTED
    assert db.session.scalars(select(WorkflowChoiceVersion)).all() == []
    # Another change may now be asked for.
    assert ask(client, approver="manager_or_borough_caf_contact").status_code == 302


def test_another_boroughs_administrator_cannot_see_the_request(client, other_client, people):
    sign_in(client, people["admin"])
    ask(client)
    request = db.session.scalars(select(WorkflowChoiceRequest)).one()
    elsewhere = make_user(
        make_organisation(make_borough("eastmoor"), Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN
    )
    db.session.commit()
    sign_in(other_client, elsewhere)

    assert other_client.get(f"{PAGE}/requests/{request.id}").status_code == 404
    refused = other_client.post_form(
        f"{PAGE}/requests/{request.id}", {"decision": "approve"}, token_from="/"
    )
    assert refused.status_code == 404
    db.session.refresh(request)
    assert request.outcome is None


def test_the_decision_is_audited_with_the_request_its_outcome_and_the_version(
    client, other_client, people
):
    sign_in(client, people["admin"])
    ask(client)
    request = db.session.scalars(select(WorkflowChoiceRequest)).one()
    sign_in(other_client, people["second_admin"])

    other_client.post_form(
        f"{PAGE}/requests/{request.id}", {"decision": "approve", "comment": "Agreed at panel"}
    )

    version = db.session.scalars(select(WorkflowChoiceVersion)).one()
    (decided,) = events("workflow.choices_change_decided")
    assert (decided.actor_id, decided.object_type, decided.object_id) == (
        people["second_admin"].id,
        "workflow_choice_request",
        str(request.id),
    )
    assert json.loads(decided.detail) == {
        "borough_id": people["borough"].id,
        "outcome": "approved",
        "requested_by": people["admin"].id,
        "version": version.version,
        "comment": "Agreed at panel",
    }
