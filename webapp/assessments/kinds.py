"""The kinds of form an episode holds, and which part of the episode's workflow each one is.

The workflow says, state by state, who may edit each part (`may_edit(user, episode,
part)`); this table says which form and which part a response belongs to."""

from __future__ import annotations

from dataclasses import dataclass

ASSESSMENT_FORM = "caf_assessment"
PLAN_FORM = "delivery_plan_review"
CLOSURE_FORM = "closure"


@dataclass(frozen=True)
class Kind:
    name: str
    form_id: str
    part: str  # the workflow's episode part
    title: str
    #: Sections shown for this kind (None: all of the form's sections).
    sections: tuple[str, ...] | None = None
    #: Whether a new one starts from a copy of the previous one's answers.
    copy_previous: bool = False
    #: Started by the workflow (assessment versions), not from the forms page.
    started_by_workflow: bool = False
    #: Whether saving needs current consent to record (DESIGN §3). The closure record
    #: is exempt: it must be writable after consent is withdrawn, to close the episode.
    needs_consent_to_record: bool = True
    start_label: str = "Start"
    #: The button's words when the episode has none yet (default: `start_label`).
    first_start_label: str | None = None
    #: The section whose answers are the episode's consent record, shown and printed
    #: from it and never saved on the form (consent is recorded once: consent_record.py).
    consent_section: str | None = None


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "checklist",
            "pre_assessment_checklist",
            "checklist",
            "Pre-assessment checklist",
            start_label="Start a pre-assessment checklist",
        ),
        Kind(
            "assessment",
            ASSESSMENT_FORM,
            "assessment",
            "CAF assessment",
            copy_previous=True,
            started_by_workflow=True,
            consent_section="consent",
        ),
        Kind(
            "plan",
            PLAN_FORM,
            "plan",
            "Delivery plan",
            sections=("plan",),
            copy_previous=True,
            start_label="Start a new version of the delivery plan",
            first_start_label="Start the delivery plan",
        ),
        Kind("review", PLAN_FORM, "reviews", "Review", start_label="Record a review"),
        Kind(
            "tac",
            "tac_meeting",
            "tac",
            "Team Around the Child meeting record",
            start_label="Record a TAC meeting",
        ),
        Kind(
            "closure",
            CLOSURE_FORM,
            "closure",
            "Closure form",
            copy_previous=True,
            needs_consent_to_record=False,
            start_label="Start the closure form",
        ),
    )
}


def kind_of(form_id: str, review_number: int) -> Kind:
    if form_id == PLAN_FORM:
        return KINDS["review" if review_number else "plan"]
    return next(kind for kind in KINDS.values() if kind.form_id == form_id)
