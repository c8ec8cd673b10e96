"""Small builders for workflow tests: the real definitions, facts, actors and YAML files."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from textwrap import dedent, indent

from webapp.workflow import (
    Actor,
    Catalogue,
    Engine,
    EpisodeSnapshot,
    WorkflowDefinition,
    load_catalogue,
)

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

ROLES = (
    "assessor",
    "lead_professional",
    "coordinator",
    "tac_member",
    "manager",
    "borough_caf_contact",
)

ACTOR_ID = 10
REQUESTER_ID = 20


@cache
def catalogue() -> Catalogue:
    return load_catalogue(WORKFLOWS)


def national() -> WorkflowDefinition:
    return catalogue().get("caf", 1)


def riverside() -> WorkflowDefinition:
    return catalogue().get("caf-riverside", 1)


def engine(definition: WorkflowDefinition | None = None) -> Engine:
    return Engine(definition or national())


def actor(*roles: str, user_id: int = ACTOR_ID) -> Actor:
    return Actor(user_id, frozenset(roles))


def ready_facts(**changes: object) -> EpisodeSnapshot:
    """An episode where every guard of the main path is met; closure was requested by
    someone other than ACTOR_ID."""
    facts = EpisodeSnapshot(
        has_consent_to_record=True,
        has_consent_to_share=True,
        consent_withdrawn=True,
        assessment_draft_complete=True,
        lead_professional_id=REQUESTER_ID,
        action_count=3,
        review_count=1,
        closure_form_complete=True,
        closure_requested_by_id=REQUESTER_ID,
    )
    return replace(facts, **changes)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return path


# A small valid national workflow; tests change one thing in it to break it.
MINIMAL = """
    id: tiny
    version: 1
    title: Tiny workflow
    initial: open
    states:
      open: {title: Open, view: [assessor], edit: {consent: [assessor]}}
      done: {title: Done, terminal: true, view: [assessor]}
    transitions:
      - trigger: finish
        title: Finish
        source: open
        dest: done
        roles: [assessor]
        conditions: [consent_to_record_exists]
        effects: [record_closure]
"""


def start_delivery_override(borough: str, conditions: str) -> str:
    """A borough's override of the national CAF workflow whose "Start delivering the plan"
    keeps the national guards and adds `conditions` (YAML list items, e.g. structured
    conditions). The first added condition is on line 18."""
    return f"""id: caf-{borough}
version: 1
title: Common Assessment Framework episode ({borough.title()})
borough: {borough}
extends: {{id: caf, version: 1}}
transitions:
  - trigger: start_delivery
    title: Start delivering the plan
    source: assessed
    dest: delivering
    roles: [assessor, lead_professional, coordinator]
    effects: [notify_tac_of_plan]
    core: true
    conditions:
      - consent_to_share_exists
      - lead_professional_nominated
      - has_actions
{indent(dedent(conditions).strip(), "      ")}
"""
