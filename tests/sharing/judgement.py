"""Answers to the questions of a decision to share without consent (CWDC 2009, 4.21-4.25),
for tests that record one through a page or a service."""

from __future__ import annotations

from webapp.sharing.services import PublicInterest

ANSWERS = {
    "ground": "significant_harm_to_child",
    "reasons": "Bruising seen on the child's arm; she said her step-father did it.",
    "necessity": "The police child protection team must know to protect her; only the facts seen.",
    "shared": "What was seen and what she said, by phone.",
    "family_told": "no",
    "family_not_told_reason": "Telling the step-father could put her at greater risk.",
    "advice_taken": "yes",
    "advice_from": "Jo Example, designated safeguarding lead",
}


def public_interest_answers(prefix: str = "public_interest_", **overrides) -> dict[str, str]:
    """The form answers (`prefix` + name), with `overrides` by name; None leaves one out."""
    answers = {**ANSWERS, **overrides}
    return {f"{prefix}{name}": value for name, value in answers.items() if value is not None}


def public_interest(**overrides) -> PublicInterest:
    """The same decision for a service call."""
    answers = {**ANSWERS, **overrides}
    yes_no = {"yes": True, "no": False}
    answers["family_told"] = yes_no.get(answers["family_told"], answers["family_told"])
    answers["advice_taken"] = yes_no.get(answers["advice_taken"], answers["advice_taken"])
    return PublicInterest(**answers)
