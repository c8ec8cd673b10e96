"""A borough administrator changes the borough's episode workflow in the browser: each change
checked as `workflows check` checks a file, with the diagram of the result; a second
administrator's approval; a new immutable version that new episodes start with and that
running episodes never see. Tried through HTTP, including by people who may not."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.conftest import sign_in
from tests.episodes.journey import Person, reload, start_caf
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from tests.workflowadmin.helpers import (
    INTO_REGISTRATION,
    OUT_OF_REGISTRATION,
    REGISTRATION_STAGE,
    TAC_BEFORE_DELIVERY,
    change,
    errors,
    lock_of,
    problems,
    save_yaml,
    source_of,
    start_draft,
    step,
    text,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.workflowadmin.models import WorkflowDraft, WorkflowVersion


def publish(first, second, draft, reason: str = "Families register with a centre first"):
    assert step(first, draft, "submit_for_approval", reason).status_code == 302
    response = step(second, draft, "approve_and_publish")
    assert response.status_code == 302, text(response)[:1500]


def test_an_administrator_drafts_with_guided_changes_and_a_colleague_publishes(
    app, client, other_client, eastmoor
):
    sign_in(client, eastmoor["first_admin"])
    assert "Start a draft of your borough's workflow" in text(client.get("/admin/workflows"))
    draft = start_draft(client)
    assert draft.workflow_id == "caf-eastmoor" and draft.starts_from_version is None

    page = client.get(f"/admin/workflow-drafts/{draft.id}")
    assert page.status_code == 200
    assert "No problems" in text(page)

    renamed = {"state": "assessing", "title": "Assessment under way", "description": ""}
    for kind, data in [
        ("rename-stage", renamed),
        ("add-stage", REGISTRATION_STAGE),
        ("add-step", INTO_REGISTRATION),
        ("add-step", OUT_OF_REGISTRATION),
        ("add-condition", TAC_BEFORE_DELIVERY),
    ]:
        response = change(client, draft, kind, data)
        assert response.status_code == 302, (kind, errors(response))

    page = client.get(f"/admin/workflow-drafts/{draft.id}")
    html = page.get_data(as_text=True)
    assert "No problems" in text(page)
    # The diagram's source and the tables show the workflow the draft makes.
    assert "Awaiting registration" in html and "Assessment under way" in html
    assert 'id="workflow-diagram-source"' in html
    assert "Record a team around the child meeting before the plan starts" in source_of(draft.id)

    # The one who asked can never approve; a colleague can.
    sign_in(other_client, eastmoor["second_admin"])
    assert step(client, draft, "submit_for_approval", "Families register first").status_code == 302
    refused = step(client, draft, "approve_and_publish")
    assert refused.status_code == 400
    assert db.session.scalars(select(WorkflowVersion)).first() is None
    assert step(other_client, draft, "approve_and_publish").status_code == 302

    row = db.session.scalars(select(WorkflowVersion)).one()
    assert (row.workflow_id, row.version, row.borough) == ("caf-eastmoor", 1, "eastmoor")
    assert (row.extends_id, row.extends_version) == ("caf", 1)
    assert row.published_by_id == eastmoor["first_admin"].id
    assert row.approved_by_id == eastmoor["second_admin"].id
    assert row.reason == "Families register first"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"workflow_draft.started", "workflow_draft.changed"} <= actions
    assert {"workflow_draft.transition", "workflow_version.published"} <= actions

    listing = text(client.get("/admin/workflows"))
    assert "Version 1" in listing and "Families register first" in listing
    published_page = client.get("/admin/workflows/caf-eastmoor/1")
    assert published_page.status_code == 200
    assert "Awaiting registration" in text(published_page)

    # A new episode starts with the published version and runs by it, over HTTP.
    practitioner = Person(app.test_client(), eastmoor["practitioner"])
    episode_id = start_caf(practitioner, eastmoor["child"])
    episode = reload(episode_id)
    assert (episode.workflow_id, episode.workflow_version) == ("caf-eastmoor", 1)
    assert practitioner.step(episode_id, "ask_for_registration").state == "awaiting_registration"
    assert "Awaiting registration" in practitioner.page(episode_id)
    missing = practitioner.try_step(episode_id, "record_registration")
    assert "Enter which centre registered the family" in text(missing)
    assert reload(episode_id).state == "awaiting_registration"
    registered = practitioner.step(episode_id, "record_registration", "Eastmoor Family Centre")
    assert registered.state == "identified"

    # The episode started before keeps the national workflow.
    old = reload(eastmoor["old_episode"].id)
    assert (old.workflow_id, old.workflow_version) == ("caf", 1)
    assert practitioner.try_step(old.id, "ask_for_registration").status_code == 404


def test_a_second_version_is_pinned_only_by_episodes_started_after_it(
    app, client, other_client, eastmoor
):
    sign_in(client, eastmoor["first_admin"])
    sign_in(other_client, eastmoor["second_admin"])
    first = start_draft(client)
    assert change(client, first, "add-stage", REGISTRATION_STAGE).status_code == 302
    assert change(client, first, "add-step", INTO_REGISTRATION).status_code == 302
    assert change(client, first, "add-step", OUT_OF_REGISTRATION).status_code == 302
    publish(client, other_client, first)
    practitioner = Person(app.test_client(), eastmoor["practitioner"])
    on_first = start_caf(practitioner, eastmoor["child"])

    # The colleague drafts version 2 from version 1 and the first administrator approves.
    second = start_draft(other_client)
    assert (second.starts_from_version, second.workflow_id) == (1, "caf-eastmoor")
    assert "version: 2" in second.source_yaml
    renamed = {"state": "awaiting_registration", "title": "Waiting for the centre"}
    assert change(other_client, second, "rename-stage", renamed).status_code == 302
    publish(other_client, client, second, "Clearer name")
    versions = db.session.scalars(select(WorkflowVersion.version).order_by(WorkflowVersion.id))
    assert list(versions) == [1, 2]

    practitioner.step(on_first, "ask_for_registration")
    assert "Awaiting registration" in practitioner.page(on_first)
    assert "Waiting for the centre" not in practitioner.page(on_first)
    assert reload(on_first).workflow_version == 1
    # New episodes start with version 2 (another child: one open CAF per child).
    borough = eastmoor["child"].borough
    other_child = make_child(
        borough, given_names="Remy", family_name="Pinned", date_of_birth=date(2016, 1, 9)
    )
    db.session.commit()
    on_second = start_caf(practitioner, other_child)
    assert reload(on_second).workflow_version == 2
    practitioner.step(on_second, "ask_for_registration")
    assert "Waiting for the centre" in practitioner.page(on_second)


def test_yaml_is_checked_as_the_command_line_checks_a_file_and_nothing_bad_is_saved(
    client, eastmoor
):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    before = source_of(draft.id)

    not_yaml = save_yaml(client, draft, before + "states: [unclosed\n")
    assert not_yaml.status_code == 400
    assert any("not valid YAML" in problem for problem in problems(not_yaml))
    assert errors(not_yaml) == ["The draft was not saved: fix the problems the check found"]

    stranded = before + (
        "states:\n  limbo:\n    title: Limbo\n    view: [assessor]\n"
        "transitions:\n  - trigger: into_limbo\n    title: Into limbo\n    source: identified\n"
        "    dest: limbo\n    roles: [assessor]\n"
    )
    # A draft being built may be kept with problems of its graph, never published with them.
    response = save_yaml(client, draft, stranded)
    assert response.status_code == 302
    page = client.get(f"/admin/workflow-drafts/{draft.id}")
    found = " ".join(problems(page))
    assert "limbo" in found and "Line " in found
    assert "The draft cannot be published until each is fixed" in text(page)
    assert step(client, draft, "submit_for_approval", "Limbo").status_code == 400
    assert db.session.get(WorkflowDraft, draft.id).state == "draft"
    assert save_yaml(client, draft, before).status_code == 302

    for key, value in [("id", "caf-westbrook"), ("borough", "northgate"), ("version", "7")]:
        changed = before.replace(
            next(line for line in before.splitlines() if line.startswith(f"{key}:")),
            f"{key}: {value}",
        )
        refused = save_yaml(client, draft, changed)
        assert refused.status_code == 400
        assert any("a draft cannot change it" in problem for problem in problems(refused))
    assert source_of(draft.id) == before

    code = before + "options:\n  review_interval_days: 42\nconditions_python: __import__('os')\n"
    assert save_yaml(client, draft, code).status_code == 400
    assert source_of(draft.id) == before


def test_check_without_saving_shows_the_diagram_of_the_typed_text(client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    before = source_of(draft.id)
    typed = before + "states:\n  assessing:\n    title: Assessment under way\n"
    response = save_yaml(client, draft, typed, check_only=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No problems" in text(response) and "Assessment under way" in html
    assert source_of(draft.id) == before  # checked, not saved

    live = client.post_form(
        f"/admin/workflow-drafts/{draft.id}/check",
        {"source": typed, "lock_version": lock_of(client, f"/admin/workflow-drafts/{draft.id}")},
        token_from=f"/admin/workflow-drafts/{draft.id}",
    )
    assert live.status_code == 200
    assert live.json["problems"] == [] and "Assessment under way" in live.json["mermaid"]
    broken = client.post_form(
        f"/admin/workflow-drafts/{draft.id}/check",
        {"source": typed + "  nonsense: [", "lock_version": "1"},
        token_from=f"/admin/workflow-drafts/{draft.id}",
    )
    assert broken.status_code == 200
    assert broken.json["mermaid"] is None and broken.json["problems"]


def test_a_change_made_on_a_stale_page_is_refused_and_nothing_is_lost(
    client, other_client, eastmoor
):
    sign_in(client, eastmoor["first_admin"])
    sign_in(other_client, eastmoor["second_admin"])
    draft = start_draft(client)
    stale = lock_of(client, f"/admin/workflow-drafts/{draft.id}")
    renamed = {"state": "assessing", "title": "Assessment under way"}
    assert change(other_client, draft, "rename-stage", renamed).status_code == 302
    response = change(
        client, draft, "rename-stage", {"state": "assessing", "title": "Mine"}, lock=stale
    )
    assert response.status_code == 409
    assert "Someone else changed this draft" in " ".join(errors(response))
    assert "Assessment under way" in source_of(draft.id)


def test_a_draft_with_no_change_cannot_be_sent_for_approval(client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    page = text(client.get(f"/admin/workflow-drafts/{draft.id}"))
    assert "Make a change to the workflow first" in page
    assert step(client, draft, "submit_for_approval", "Nothing").status_code == 400
    assert db.session.get(WorkflowDraft, draft.id).state == "draft"


def test_guided_changes_refuse_bad_answers_with_govuk_messages(client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    before = source_of(draft.id)
    cases = [
        ("add-stage", {**REGISTRATION_STAGE, "key": "Bad Key"}, "Use only lower-case letters"),
        ("add-stage", {**REGISTRATION_STAGE, "key": "assessing"}, "already a stage"),
        ("add-step", {**INTO_REGISTRATION, "roles": []}, "Select who can take the step"),
        ("add-step", {**INTO_REGISTRATION, "dest": "nowhere"}, "Select an option from the list"),
        ("add-step", {**INTO_REGISTRATION, "sources": ["limbo"]}, "Select an option from the list"),
        ("add-step", {**INTO_REGISTRATION, "trigger": "start_assessment"}, "already a step"),
        ("add-condition", {**TAC_BEFORE_DELIVERY, "refusal": ""}, "Enter what to tell"),
        ("add-condition", {"trigger": "start_delivery"}, "Give a condition"),
        ("add-condition", {**TAC_BEFORE_DELIVERY, "written": "all: []"}, "Give one condition"),
        ("add-condition", {**TAC_BEFORE_DELIVERY, "count_at_least": "0"}, "whole number"),
        ("rename-stage", {"state": "assessing", "title": ""}, "Enter the new name"),
        (
            "add-worklist",
            {"key": "x", "title": "X", "states": [], "roles": ["manager"]},
            "Select the stages",
        ),
    ]
    for kind, data, message in cases:
        response = change(client, draft, kind, data)
        assert response.status_code in (400, 409), (kind, response.status_code)
        found = " ".join(errors(response))
        assert message in found, (kind, found)
        assert "Traceback" not in response.get_data(as_text=True)
    assert source_of(draft.id) == before
    assert client.get(f"/admin/workflow-drafts/{draft.id}/changes/unknown").status_code == 404


def test_only_the_boroughs_administrators_reach_its_drafts(app, client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    pages = [
        f"/admin/workflow-drafts/{draft.id}",
        f"/admin/workflow-drafts/{draft.id}/changes/add-stage",
        f"/admin/workflow-drafts/{draft.id}/steps/discard",
    ]
    outsider = app.test_client()
    sign_in(outsider, eastmoor["other_admin"])
    for path in pages:
        assert outsider.get(path).status_code == 404
    practitioner = app.test_client()
    sign_in(practitioner, eastmoor["practitioner"])
    for path in pages:
        assert practitioner.get(path).status_code == 403
    assert practitioner.post_form("/admin/workflow-drafts", {}, token_from="/").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(pages[0]).status_code == 302
    assert "sign-in" in anonymous.get(pages[0]).headers["Location"]


def test_a_published_version_can_never_be_changed_or_removed(client, other_client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    sign_in(other_client, eastmoor["second_admin"])
    draft = start_draft(client)
    assert (
        change(
            client, draft, "rename-stage", {"state": "assessing", "title": "Under way"}
        ).status_code
        == 302
    )
    publish(client, other_client, draft)
    row_id = db.session.scalars(select(WorkflowVersion.id)).one()
    for statement in [
        "UPDATE workflow_override_version SET source_yaml = 'id: x' WHERE id = :id",
        "UPDATE workflow_override_version SET version = 9 WHERE id = :id",
        "DELETE FROM workflow_override_version WHERE id = :id",
    ]:
        with (
            pytest.raises(sa.exc.DatabaseError, match="never changes"),
            db.session.begin_nested(),
        ):
            db.session.execute(sa.text(statement), {"id": row_id})
    db.session.rollback()
    row = db.session.get(WorkflowVersion, row_id)
    row.reason = "rewritten"
    with pytest.raises(ValueError, match="never changes"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(WorkflowVersion, row_id).reason == "Families register with a centre first"


def test_an_episode_keeps_running_by_its_version_when_a_question_it_reads_has_gone(
    app, client, eastmoor
):
    """A version published when a borough's form had a question its conditions read: a later
    form change that hides the question must not strand the episodes that pinned it."""
    source = """\
id: caf-eastmoor
version: 1
title: CAF (Eastmoor)
borough: eastmoor
extends: {id: caf, version: 1}
transitions:
  - trigger: start_delivery
    title: Start delivering the plan
    source: assessed
    dest: delivering
    roles: [assessor, lead_professional, coordinator]
    conditions:
      - consent_to_share_exists
      - lead_professional_nominated
      - has_actions
      - refusal: Record whether the family was asked about the question first
        answer: {form: caf_assessment, field: a_question_since_hidden, answered: true}
    effects: [notify_tac_of_plan]
    core: true
"""
    db.session.add(
        WorkflowVersion(
            borough="eastmoor",
            workflow_id="caf-eastmoor",
            version=1,
            extends_id="caf",
            extends_version=1,
            source_yaml=source,
            reason="Published when the question was on the form",
            published_by_id=eastmoor["first_admin"].id,
            approved_by_id=eastmoor["second_admin"].id,
        )
    )
    episode = make_episode(eastmoor["child"], eastmoor["practitioner"], workflow_id="caf-eastmoor")
    db.session.commit()
    practitioner = Person(app.test_client(), eastmoor["practitioner"])
    assert "Needs identified" in practitioner.page(episode.id)
    sign_in(client, eastmoor["first_admin"])
    assert client.get("/admin/workflows/caf-eastmoor/1").status_code == 200


def test_a_borough_with_a_workflow_file_drafts_its_next_version_from_it(client, app):
    riverside = make_organisation(make_borough("riverside"), name="Riverside Council")
    admin = make_user(riverside, Role.BOROUGH_ADMIN)
    db.session.commit()
    sign_in(client, admin)
    draft = start_draft(client)
    assert (draft.workflow_id, draft.starts_from_version) == ("caf-riverside", 1)
    assert "version: 2" in draft.source_yaml and "quality_check" in draft.source_yaml
    page = text(client.get(f"/admin/workflow-drafts/{draft.id}"))
    assert "No problems" in page
    assert "Make a change to the workflow first" in page
    renamed = {"state": "quality_checked", "title": "Checked by the CAF contact"}
    assert change(client, draft, "rename-stage", renamed).status_code == 302
    assert "Make a change to the workflow first" not in text(
        client.get(f"/admin/workflow-drafts/{draft.id}")
    )
