"""`workflows check` proves that no configuration can strand an episode: every state can be
reached, every situation can reach closure, and every step has someone who can take it and
conditions that can hold — under every setting of the borough's choices. Each problem names
the workflow file, the key, the choices and what is missing."""

from __future__ import annotations

from tests.workflow.factories import write
from webapp.workflow.cli import check_paths
from webapp.workflow.loader import load_directory

HEAD = """
id: tiny
version: 1
title: Tiny workflow
initial: open
"""


def problems(tmp_path, body: str) -> list[str]:
    write(tmp_path, "tiny.yaml", HEAD + body)
    return [f"{problem.key}: {problem.message}" for problem in load_directory(tmp_path).problems]


def test_a_state_only_reachable_through_an_impossible_condition_is_reported(tmp_path):
    found = problems(
        tmp_path,
        """
states:
  open: {title: Open, view: [assessor]}
  planned: {title: Planned, view: [assessor]}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: plan, title: Plan, source: open, dest: planned, roles: [assessor],
     conditions: [lead_professional_nominated]}
  - {trigger: close, title: Close, source: [open, planned], dest: done, roles: [assessor]}
""",
    )
    assert found == [
        "states.planned: state 'planned' can never be reached: 'plan': Nominate a lead "
        "professional first",
        "transitions[0]: step 'plan' can never be taken: Nominate a lead professional first",
    ]


def test_a_dead_end_made_by_a_condition_is_reported_although_the_arrows_are_there(tmp_path):
    found = problems(
        tmp_path,
        """
states:
  open: {title: Open, view: [assessor], edit: {consent: [assessor]}}
  waiting: {title: Waiting, view: [assessor]}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: wait, title: Wait, source: open, dest: waiting, roles: [assessor]}
  - {trigger: close, title: Close, source: waiting, dest: done, roles: [assessor],
     conditions: [consent_to_record_exists]}
  - {trigger: abandon, title: Abandon, source: open, dest: done, roles: [assessor],
     conditions: [consent_to_record_exists]}
""",
    )
    assert (
        "states.waiting: an episode in state 'waiting' with nothing recorded yet can never be "
        "closed: no step anyone can take leads to a terminal state" in found
    )
    # Recording consent before waiting is a way out, so 'close' itself is possible.
    assert not any(problem.startswith("transitions[1]") for problem in found)


def test_a_step_whose_roles_nobody_can_hold_there_is_reported(tmp_path):
    found = problems(
        tmp_path,
        """
states:
  open: {title: Open, view: [assessor]}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: close, title: Close, source: open, dest: done, roles: [lead_professional]}
  - {trigger: abandon, title: Abandon, source: open, dest: done, roles: [assessor]}
""",
    )
    assert found == [
        "transitions[0]: step 'close' can never be taken: nobody who may take it "
        "(lead_professional) can be on the episode there"
    ]


def test_a_lead_professional_step_is_possible_once_the_team_can_nominate_one(tmp_path):
    found = problems(
        tmp_path,
        """
states:
  open: {title: Open, view: [assessor], edit: {tac: [assessor]}}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: close, title: Close, source: open, dest: done, roles: [lead_professional]}
""",
    )
    assert found == []


def test_a_choice_that_gives_a_step_to_nobody_names_the_choice(tmp_path):
    found = problems(
        tmp_path,
        """
states:
  open: {title: Open, view: [assessor]}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: close, title: Close, source: open, dest: done, roles: [assessor]}
choices:
  closer:
    title: Who closes
    description: Who may close.
    default: assessor
    options:
      assessor: {title: The assessor, description: The assessor closes.}
      coordinator:
        title: The coordinator
        description: The coordinator closes.
        roles: {close: [coordinator]}
""",
    )
    assert found == [
        "states.open: an episode in state 'open' with nothing recorded yet when closer is "
        "'coordinator' can never be closed: no step anyone can take leads to a terminal state",
        "states.done: state 'done' can never be reached when closer is 'coordinator': 'close': "
        "nobody who may take it (coordinator) can be on the episode there",
        "transitions[0]: step 'close' can never be taken when closer is 'coordinator': nobody "
        "who may take it (coordinator) can be on the episode there",
    ]


def test_the_command_refuses_a_workflow_with_a_dead_end(tmp_path):
    write(
        tmp_path,
        "tiny.yaml",
        HEAD
        + """
states:
  open: {title: Open, view: [assessor]}
  done: {title: Done, terminal: true, view: [assessor]}
transitions:
  - {trigger: close, title: Close, source: open, dest: done, roles: [assessor],
     conditions: [review_recorded]}
""",
    )
    found = check_paths([tmp_path])
    # In file order: the states as they are written, then the transitions.
    assert [(problem.key, problem.message) for problem in found] == [
        (
            "states.open",
            "an episode in state 'open' with nothing recorded yet can never be closed: no "
            "step anyone can take leads to a terminal state",
        ),
        (
            "states.done",
            "state 'done' can never be reached: 'close': Record a review of the plan first",
        ),
        ("transitions[0]", "step 'close' can never be taken: Record a review of the plan first"),
    ]


def test_every_shipped_workflow_and_choice_reaches_closure():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "workflows"
    assert load_directory(shipped).problems == []
