"""What the episode page says once a step has been taken, in plain words: for the national
steps their own sentence, for a borough's own steps the stage the episode has reached."""

from __future__ import annotations

from webapp.workflow import Transition

DONE = {
    "start_assessment": "The assessment has started",
    "record_consent_refusal": "The refusal has been recorded. Nothing of the CAF is kept",
    "reconsider_consent": "You can ask the family for their consent again",
    "complete_assessment": "The assessment is complete",
    "start_delivery": "The plan has started. The team around the child has been told",
    "start_review": "The review has started",
    "continue_delivery": "The plan continues. The next review date has been set",
    "reassess": "A new version of the assessment has started",
    "request_closure": "Closure has been requested. A manager will decide on it",
    "approve_closure": "The episode is closed",
    "send_back_closure": "Closure has been sent back to the lead professional",
    "reopen": "The episode has been reopened with a new version of the assessment",
    "refer_to_social_care": "The referral to children's social care has been recorded",
    "withdraw_consent": "The CAF has stopped. Nothing more is shared and the team has been told",
    "resume_with_consent": "The CAF has restarted with the family's new consent",
    "step_down": "The episode is back in the CAF route, with a new version of the assessment",
    "transfer_out": "The transfer has been sent to the receiving borough's CAF contact",
    "accept_transfer_into_assessment": "The transfer has been accepted",
    "accept_transfer_into_planning": "The transfer has been accepted",
    "accept_transfer_into_delivery": "The transfer has been accepted",
    "pass_quality_check": "The assessment has passed the quality check",
    "return_for_rework": "The assessment has been sent back to the assessor",
}


def confirmation(transition: Transition, stage_title: str) -> str:
    return DONE.get(transition.trigger) or f"The episode is now at the stage ‘{stage_title}’"
