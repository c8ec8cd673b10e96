"""The vocabulary of the publication workflows (`workflows/administration/`: a borough's
form changes, a borough's workflow): the facts their conditions judge, their roles and
effects. The engine is the episodes' engine."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.workflow.registry import Condition, Effect, EffectPhase, Registry

ADMINISTRATION_FOLDER = "administration"
WORKFLOW_ID = "form_publication"
WORKFLOW_PUBLICATION_ID = "workflow_publication"


@dataclass(frozen=True)
class DraftFacts:
    draft_is_valid: bool
    draft_is_current: bool
    draft_has_changes: bool
    submitted_by_id: int | None
    # The borough's administrators who may be the second person for this request: not the
    # one who asked, nor an account they created or last changed, nor one made after they
    # asked (webapp/useradmin/duties.py).
    independent_approver_ids: frozenset[int] = frozenset()


REGISTRY = Registry.build(
    conditions=(
        Condition(
            "draft_is_valid",
            "Fix the problems with the draft first",
            lambda facts, actor: facts.draft_is_valid,
            "The draft applies cleanly to what it changes (the national form or workflow).",
        ),
        Condition(
            "draft_is_current",
            "A newer version of this form was published after the draft was started: discard "
            "this draft and start a new one from the newest version",
            lambda facts, actor: facts.draft_is_current,
            "No version was published since the draft started.",
        ),
        Condition(
            "draft_has_changes",
            "Make a change to the form first: the draft is the same as the published version",
            lambda facts, actor: facts.draft_has_changes,
            "The draft differs from the version it started from.",
        ),
        Condition(
            "approver_is_independent",
            "Another administrator of the borough must approve or send back the change: not the "
            "one who asked for it, nor one whose account they created or edited last, nor one "
            "whose account is newer than the request",
            lambda facts, actor: (
                facts.submitted_by_id is not None
                and actor.user_id in facts.independent_approver_ids
            ),
            "The administrator deciding is not the one who asked for publication, and their "
            "account existed before the request and was neither created nor last changed by "
            "them.",
        ),
    ),
    effects=(
        Effect(
            "publish_overlay_version",
            EffectPhase.IN_TRANSACTION,
            "Store the draft as the borough's next, immutable version of the form.",
        ),
        Effect(
            "publish_workflow_version",
            EffectPhase.IN_TRANSACTION,
            "Store the draft as the borough's next, immutable version of its workflow.",
        ),
    ),
    roles={
        "borough_admin": "an administrator of the borough",
        "submitter": "the administrator who asked for approval",
    },
    parts={"overlay": "The changes"},
    worklist_filters={},
)
