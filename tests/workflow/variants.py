"""Borough overrides that express, as data, what boroughs asked for (issue 28): a review
deadline that sends the episode to a manager when it passes, and a step-up to children's
social care that needs a manager's agreement, declined back to where it came from, with
the safeguarding effects only on agreement. Written next to a copy of the national
definition, for the app and the checks to load."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.workflow.factories import WORKFLOWS

BOROUGH = "eastbrook"
WORKFLOW_ID = "caf-eastbrook"

EVERYONE = "[assessor, lead_professional, coordinator, tac_member, manager, borough_caf_contact]"

EASTBROOK = f"""\
id: {WORKFLOW_ID}
version: 1
title: Common Assessment Framework episode (Eastbrook)
borough: {BOROUGH}
extends: {{id: caf, version: 1}}

options:
  review_interval_days: 42

states:
  step_up_requested:
    title: Referral waiting for a manager's agreement
    description: A referral to children's social care waits for a manager to agree it.
    view: {EVERYONE}
    wildcard_steps: [withdraw_consent, transfer_out]
  review_overdue:
    title: Review overdue
    description: No review was recorded in time. A manager decides what happens next.
    view: {EVERYONE}
    edit:
      reviews: [lead_professional, coordinator]
    wildcard_steps: [withdraw_consent, transfer_out]

transitions:
  - trigger: refer_to_social_care
    title: Ask a manager to agree a referral to children's social care
    source: {{all_open_except: [referred_to_social_care]}}
    dest: step_up_requested
    roles: {EVERYONE}
    requires_comment: true
    comment_label: Why do you think the child is suffering, or at risk of, significant harm?
    comment_error: Enter why you think the child is at risk of significant harm
    move_effects:
      record_safeguarding_referral: agree_step_up
      notify_safeguarding_contacts: agree_step_up
    core: true

  - trigger: agree_step_up
    title: Agree the referral to children's social care
    source: step_up_requested
    dest: referred_to_social_care
    roles: [manager]
    effects: [record_safeguarding_referral, notify_safeguarding_contacts]
    form: safeguarding_referral
    requires_comment: true
    comment_label: Why is the child at risk of significant harm?
    comment_error: Enter why the child is at risk of significant harm

  - trigger: decline_step_up
    title: Decline the referral
    source: step_up_requested
    dest: previous
    roles: [manager]
    requires_comment: true
    comment_label: Why is a referral not needed?
    comment_error: Enter why a referral is not needed

  - trigger: mark_review_overdue
    title: Review overdue
    source: delivering
    dest: review_overdue
    after_days: {{option: review_interval_days}}
    effects: [notify_managers]

  - trigger: start_review
    title: Start a review
    source: [delivering, review_overdue]
    dest: reviewing
    roles: [lead_professional, coordinator, manager]

worklists:
  step_ups_to_agree:
    title: Referrals to agree
    states: [step_up_requested]
    roles: [manager]
  reviews_overdue:
    title: Reviews overdue
    states: [review_overdue]
    roles: [manager]
"""


def write_workflows(folder: Path, override: str = EASTBROOK) -> Path:
    """The national definition and `override` in `folder`, laid out as workflows/ is."""
    (folder / "boroughs").mkdir(parents=True, exist_ok=True)
    shutil.copy(WORKFLOWS / "caf.yaml", folder / "caf.yaml")
    (folder / "boroughs" / f"{BOROUGH}.yaml").write_text(override)
    return folder
