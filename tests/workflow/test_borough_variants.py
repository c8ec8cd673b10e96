"""Borough workflows written as data and driven through the app: a renamed state (an
override that names only the title, or drops one edit part), and a registration stage
before the assessment that the national ways out from any stage (transfer, withdrawal of
consent, referral) must not skip; and a closure reason a borough adds."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from textwrap import dedent

import pytest

from tests.conftest import CheckedClient, _fresh_database_url, make_test_config
from tests.crossborough.world import page_text, reload, signed_in, take_step, transfer_out
from tests.episodes.journey import CLOSURE, TODAY, Person, date_parts, text
from tests.factories import (
    make_borough,
    make_child,
    make_completed_form,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from tests.workflow.factories import WORKFLOWS
from webapp import create_app, db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Sector
from webapp.consent.models import ConsentAgency
from webapp.episodes.models import Episode
from webapp.workflow.cli import check_paths

# Eastbrook's override, as far as its `states`.
EASTBROOK = """\
    id: caf-eastbrook
    version: 1
    title: Common Assessment Framework episode (Eastbrook)
    borough: eastbrook
    extends: {id: caf, version: 1}
"""

RENAMED = (
    EASTBROOK
    + """\
    states:
      closure_requested:
        title: Waiting for a decision on closure
"""
)

DROPPED_PART = (
    EASTBROOK
    + """\
    states:
      assessing:
        edit:
          documents: []
"""
)

# The borough CAF contact registers each CAF before its assessment starts. Referral and
# transfer may leave the new stage (acknowledged in `wildcard_steps`); withdrawal of
# consent may not, because resuming would go straight to the assessment.
REGISTRATION = (
    EASTBROOK
    + """\
    states:
      awaiting_registration:
        title: Awaiting registration
        description: The borough CAF contact registers the CAF before the assessment.
        view: [assessor, manager, borough_caf_contact]
        edit:
          checklist: [assessor]
          consent: [assessor]
        wildcard_steps: [refer_to_social_care, transfer_out]
    transitions:
      - trigger: request_registration
        title: Ask the borough to register the CAF
        source: identified
        dest: awaiting_registration
        roles: [assessor]
        conditions: [consent_to_record_exists]
      - trigger: start_assessment
        title: Register the CAF and start the assessment
        source: awaiting_registration
        dest: assessing
        roles: [borough_caf_contact]
        conditions: [consent_to_record_exists]
        effects: [start_new_assessment_version]
        core: true
      - trigger: withdraw_consent
        title: Stop the CAF because consent was withdrawn
        source:
          all_open_except: [identified, awaiting_registration, referred_to_social_care]
        dest: consent_withdrawn
        roles: [assessor, lead_professional, coordinator]
        conditions: [consent_withdrawal_recorded]
        effects: [suspend_sharing, notify_tac_of_withdrawal]
        requires_comment: true
        comment_label: What did the family say?
        comment_error: Enter what the family said
        core: true
"""
)


@dataclass
class Eastbrook:
    assessor: User
    manager: User
    caf_contact: User
    northgate: Borough
    northgate_contact: User
    episode: Episode


@pytest.fixture
def eastbrook_app(migrated_template, tmp_path, monkeypatch):
    """An app whose workflows are the repository's plus Eastbrook's override `text`."""
    built = []

    def build(text: str):
        folder = tmp_path / "workflows"
        shutil.copytree(WORKFLOWS, folder)
        (folder / "boroughs" / "eastbrook.yaml").write_text(dedent(text), encoding="utf-8")
        monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path / "instance"))
        config = make_test_config(_fresh_database_url(migrated_template, tmp_path))
        app = create_app({**config, "WORKFLOWS_PATH": str(folder)})
        app.test_client_class = CheckedClient
        context = app.app_context()
        context.push()
        built.append((app, context))
        return app

    yield build
    for app, context in built:
        db.session.rollback()
        context.pop()
        db.engine_for(app).dispose()


def eastbrook_world(state: str) -> Eastbrook:
    eastbrook = make_borough("eastbrook", name="Eastbrook Council")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(eastbrook, Sector.SCHOOL, name="Eastbrook Primary")
    council = make_organisation(eastbrook, Sector.LOCAL_AUTHORITY, name="Eastbrook Council")
    northgate_council = make_organisation(
        northgate, Sector.LOCAL_AUTHORITY, name="Northgate Council"
    )
    assessor = make_user(school)
    child = make_child(eastbrook, given_names="Ada", family_name="Testcase")
    episode = make_episode(child, assessor, state=state, workflow_id="caf-eastbrook")
    consent = make_consent(episode, assessor)
    consent.agencies = [ConsentAgency(organisation_id=northgate_council.id)]
    world = Eastbrook(
        assessor=assessor,
        manager=make_user(school, Role.MANAGER),
        caf_contact=make_user(council, Role.BOROUGH_CAF_CONTACT),
        northgate=northgate,
        northgate_contact=make_user(northgate_council, Role.BOROUGH_CAF_CONTACT),
        episode=episode,
    )
    db.session.commit()
    return world


@pytest.mark.parametrize(
    ("text", "state"),
    [(RENAMED, "closure_requested"), (DROPPED_PART, "assessing")],
    ids=["title only", "one edit part"],
)
def test_a_partial_state_override_keeps_everyone_who_could_see_the_episode(
    eastbrook_app, text, state
):
    app = eastbrook_app(text)
    world = eastbrook_world(state)
    for user in (world.assessor, world.manager, world.caf_contact):
        response = signed_in(app, user).get(f"/episodes/{world.episode.id}")
        assert response.status_code == 200, user.email
    home = page_text(signed_in(app, world.assessor).get("/"))
    assert "Ada Testcase" in home


def test_a_title_only_override_renames_the_state_on_the_episode_page(eastbrook_app):
    app = eastbrook_app(RENAMED)
    world = eastbrook_world("closure_requested")
    page = page_text(signed_in(app, world.assessor).get(f"/episodes/{world.episode.id}"))
    assert "Waiting for a decision on closure" in page
    assert "Closure requested" not in page


def test_an_override_dropping_one_edit_part_leaves_the_other_parts_editable(eastbrook_app):
    app = eastbrook_app(DROPPED_PART)
    world = eastbrook_world("assessing")
    assessor = signed_in(app, world.assessor)
    assert assessor.get(f"/episodes/{world.episode.id}/consent/new").status_code == 200
    assert assessor.get(f"/episodes/{world.episode.id}/documents/share").status_code == 403


def test_registration_comes_before_the_assessment(eastbrook_app):
    app = eastbrook_app(REGISTRATION)
    world = eastbrook_world("identified")
    assessor = signed_in(app, world.assessor)
    assert take_step(assessor, world.episode, "request_registration").status_code == 302
    episode = reload(world.episode)
    assert episode.state == "awaiting_registration"
    assert take_step(assessor, episode, "start_assessment").status_code == 403
    contact = signed_in(app, world.caf_contact)
    assert take_step(contact, reload(episode), "start_assessment").status_code == 302
    assert reload(episode).state == "assessing"


def test_consent_cannot_be_withdrawn_past_registration(eastbrook_app):
    """Resuming after a withdrawal goes to the assessment: from the registration stage the
    withdrawal step is not offered, so resuming can never skip registration."""
    app = eastbrook_app(REGISTRATION)
    world = eastbrook_world("awaiting_registration")
    assessor = signed_in(app, world.assessor)
    page = page_text(assessor.get(f"/episodes/{world.episode.id}"))
    assert "Stop the CAF because consent was withdrawn" not in page
    refused = take_step(assessor, world.episode, "withdraw_consent", comment="They said no")
    assert refused.status_code == 409
    assert reload(world.episode).state == "awaiting_registration"


def test_an_episode_transferred_before_its_assessment_continues_in_the_assessment(
    eastbrook_app,
):
    """No assessment was written before the transfer: the receiving borough cannot accept
    it into "Assessment completed"."""
    app = eastbrook_app(REGISTRATION)
    world = eastbrook_world("awaiting_registration")
    contact = signed_in(app, world.caf_contact)
    transfer_out(contact, world.episode, world.northgate)
    receiving = signed_in(app, world.northgate_contact)
    accepted = receiving.post_form(
        f"/transfers/{world.episode.id}",
        {"expected_state": "transferred", "comment": ""},
        token_from="/",
    )
    assert accepted.status_code == 302
    episode = reload(world.episode)
    assert (episode.state, episode.history[-1].trigger) == (
        "assessing",
        "accept_transfer_into_assessment",
    )


def test_the_check_reports_each_borough_state_a_national_wildcard_now_leaves(tmp_path):
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    unacknowledged = dedent(REGISTRATION).replace(
        "    wildcard_steps: [refer_to_social_care, transfer_out]\n", ""
    )
    unacknowledged = unacknowledged[: unacknowledged.index("  - trigger: withdraw_consent")]
    path = folder / "boroughs" / "eastbrook.yaml"
    path.write_text(unacknowledged, encoding="utf-8")
    messages = [problem.message for problem in check_paths([path])]
    assert len(messages) == 3, messages
    for trigger in ("refer_to_social_care", "withdraw_consent", "transfer_out"):
        assert any(
            f"step {trigger!r} (wildcard source in caf version 1) now also leaves borough "
            "state 'awaiting_registration'" in message
            for message in messages
        ), (trigger, messages)


def test_the_check_refuses_a_wildcard_step_that_does_not_reach_the_state(tmp_path):
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    path = folder / "boroughs" / "eastbrook.yaml"
    path.write_text(
        dedent(REGISTRATION).replace(
            "[refer_to_social_care, transfer_out]",
            "[refer_to_social_care, transfer_out, withdraw_consent]",
        ),
        encoding="utf-8",
    )
    [problem] = check_paths([path])
    assert problem.key == "states.awaiting_registration.wildcard_steps[2]"
    assert "'withdraw_consent' is not a step of caf version 1 whose wildcard source" in (
        problem.message
    )


def test_a_borough_adds_a_closure_reason_as_data_and_closes_with_it(app):
    """Closure reasons are the options of the closure form: Northgate's overlay of it
    (formdefs/boroughs/northgate/closure.v1.yaml, `add_options`) adds a panel decision,
    which its lead professionals choose and its managers approve like any other."""
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(northgate, Sector.SCHOOL, name="Northgate Academy")
    lead = make_user(school)
    child = make_child(northgate, given_names="Ada", family_name="Testcase")
    episode = make_episode(child, lead, state="reviewing", lead_professional=lead)
    make_consent(episode, lead)
    manager_user = make_user(school, Role.MANAGER)
    db.session.commit()
    make_completed_form(episode, "review", lead)
    nurse = Person(app.test_client(), lead)
    closure = {
        **CLOSURE,
        "reason": {
            "closure_reason": "panel_decision",
            "panel_decision_details": "Panel of 2 March, reference NP-17",
            **date_parts("closure_date", TODAY),
        },
        "family": {"family_informed": "yes", "family_views": "They are glad it went well."},
    }
    response_id = nurse.complete_form(episode.id, "closure", closure)
    assert nurse.step(episode.id, "request_closure").state == "closure_requested"
    manager = Person(app.test_client(), manager_user)
    assert manager.step(episode.id, "approve_closure").state == "closed"
    answers = text(manager.client.get(f"/episodes/{episode.id}/forms/{response_id}"))
    assert "Closed by the Northgate multi-agency panel" in answers
    assert "Panel of 2 March, reference NP-17" in answers
