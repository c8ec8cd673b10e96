"""A form change that would break a condition of the borough's workflow is refused: the
workflow reads the question, so hiding it (or taking away the answer compared) must wait
until the workflow no longer does. Tried through the form editor's pages."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in
from tests.formadmin.test_form_drafts import change, errors, start_draft
from webapp import db
from webapp.formadmin.models import OverlayDraft
from webapp.workflowadmin.models import WorkflowVersion

READS_SPECIAL_REQUIREMENTS = """\
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
      - refusal: Record the family's special requirements in the assessment first
        answer: {form: caf_assessment, field: special_requirements, answered: true}
    effects: [notify_tac_of_plan]
    core: true
"""


def publish_workflow(eastmoor) -> None:
    db.session.add(
        WorkflowVersion(
            borough="eastmoor",
            workflow_id="caf-eastmoor",
            version=1,
            extends_id="caf",
            extends_version=1,
            source_yaml=READS_SPECIAL_REQUIREMENTS,
            reason="Plans start once special requirements are recorded",
            published_by_id=eastmoor["first_admin"].id,
            approved_by_id=eastmoor["second_admin"].id,
        )
    )
    db.session.commit()


def test_hiding_a_question_the_workflow_reads_is_refused(client, eastmoor):
    publish_workflow(eastmoor)
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    response = change(client, draft, "hide", {"target": "special_requirements"})
    assert response.status_code == 400
    found = " ".join(errors(response))
    assert "caf-eastmoor version 1) would break" in found
    assert "special_requirements" in found
    stored = db.session.scalars(select(OverlayDraft.source_yaml)).one()
    assert "special_requirements" not in stored

    # A change the workflow does not mind goes through.
    relabel = {"target": "special_requirements", "label": "Any special requirements"}
    assert change(client, draft, "relabel", relabel).status_code == 302


def test_without_a_workflow_reading_it_the_question_can_be_hidden(client, eastmoor):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    assert change(client, draft, "hide", {"target": "special_requirements"}).status_code == 302
