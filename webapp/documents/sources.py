"""The sections of each document, from a form response, a blank form or a consent record.

What the family asked not to be shared is already replaced (assessments.services
`visible_answers`) before it gets here; a shielded child's address and contact details are
withheld here, from every document, because a document leaves the system."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from webapp.assessments.display import ServiceLinks
from webapp.children.shielding import withhold_contacts  # noqa: F401 (sources.withhold_contacts)
from webapp.consent.forms import POINTS_TO_EXPLAIN, SCOPES
from webapp.consent.models import Consent, ConsentDecision, ConsentGiver
from webapp.documents import context
from webapp.formdefs import FormDefinition, Section
from webapp.govuk_dates import govuk_date

CHILD_OR_YOUNG_PERSON = "Child or young person"
PARENT_OR_CARER = "Parent or carer"
PRACTITIONER = "Practitioner"

#: Who signs each kind of document that has signature blocks.
SIGNATORIES = {
    "caf_assessment": (CHILD_OR_YOUNG_PERSON, PARENT_OR_CARER, PRACTITIONER),
    "delivery_plan_review": (CHILD_OR_YOUNG_PERSON, PARENT_OR_CARER, PRACTITIONER),
    "childrens_centre_consent": (PARENT_OR_CARER, "Children's centre worker"),
}


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    return govuk_date(value)


def form_sections(
    sections: list[Section],
    answers: Mapping[str, Any],
    *,
    blank: bool,
    services: ServiceLinks | None = None,
) -> list[dict[str, Any]]:
    return [context.section_context(section, answers, blank, services) for section in sections]


def form_answers(
    sections: list[Section], answers: Mapping[str, Any], services: ServiceLinks | None = None
) -> dict[str, str]:
    return context.answers_text(sections, answers, services)


def form_field_ids(form: FormDefinition) -> set[str]:
    return context.field_ids(list(form.sections))


def signatures_for(document_type: str) -> list[dict[str, str]]:
    return context.signature_blocks([(role, "", "") for role in SIGNATORIES.get(document_type, ())])


# --- the consent statement ----------------------------------------------------------------


def _row(label: str, answer: str) -> dict[str, Any]:
    return {"label": label, "answer": answer or context.BLANK_LINE, "blank": not answer}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


def consent_sections(consent: Consent) -> list[dict[str, Any]]:
    who = [
        _row("Name", consent.given_by_name),
        _row(
            "Consent given by",
            CHILD_OR_YOUNG_PERSON if consent.given_by is ConsentGiver.CHILD else PARENT_OR_CARER,
        ),
    ]
    if consent.given_by is ConsentGiver.CHILD:
        who.append(
            _row(
                "Has sufficient understanding to decide",
                _yes_no(consent.child_has_sufficient_understanding),
            )
        )
        if consent.understanding_judgement:
            who.append(_row("Practitioner's judgement", consent.understanding_judgement))
    else:
        who.append(_row("Relationship to the child", consent.relationship_to_child))
        who.append(
            _row("Has parental responsibility", _yes_no(consent.has_parental_responsibility))
        )
    refused = consent.decision is ConsentDecision.REFUSED
    agreed = [
        _row(
            label, "Refused" if refused else ("Agreed" if getattr(consent, scope) else "Not agreed")
        )
        for scope, label in SCOPES
    ]
    agreed += [
        _row("How consent was given", consent.method.value.capitalize()),
        _row("Date", long_date(consent.given_on)),
        _row("Review consent by", long_date(consent.review_on)),
        _row("Recorded by", consent.recorded_by.full_name if consent.recorded_by else ""),
    ]
    agencies = [
        [agency.organisation.name if agency.organisation else agency.service_name]
        for agency in consent.agencies
    ]
    explained = set(json.loads(consent.points_explained or "[]"))
    points = [
        _row(label, "☑ Explained" if key in explained else "☐ Not recorded as explained")
        for key, label in POINTS_TO_EXPLAIN
    ]
    sections = [
        {"title": "Who is giving consent", "description": "", "blocks": [_questions(who)]},
        {
            "title": "What they agree to",
            "description": "Consent is voluntary and can be withdrawn at any time.",
            "blocks": [_questions(agreed)],
        },
        {
            "title": "Agencies and services the information may be shared with",
            "description": "Information is shared only with these agencies, unless a child "
            "or another person would otherwise be at risk of significant harm.",
            "blocks": [
                {
                    "kind": "table",
                    "label": "Named agencies and services",
                    "rows": [],
                    "columns": ["Agency or service"],
                    "entries": agencies or [[context.BLANK_LINE]],
                }
            ],
        },
        {
            "title": "What the practitioner explained",
            "description": "",
            "blocks": [_questions(points)],
        },
    ]
    if consent.withdrawn_at is not None:
        sections.append(
            {
                "title": "Withdrawal of consent",
                "description": "",
                "blocks": [
                    _questions(
                        [
                            _row("Withdrawn on", long_date(consent.withdrawn_at.date())),
                            _row(
                                "Recorded by",
                                consent.withdrawn_by.full_name if consent.withdrawn_by else "",
                            ),
                            _row("Reason", consent.withdrawal_reason),
                        ]
                    )
                ],
            }
        )
    return sections


def _questions(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "questions", "label": "", "rows": rows, "columns": [], "entries": []}


def consent_signatures(consent: Consent) -> list[dict[str, str]]:
    child_name = consent.given_by_name if consent.given_by is ConsentGiver.CHILD else ""
    parent_name = consent.given_by_name if consent.given_by is ConsentGiver.PARENT_CARER else ""
    practitioner = consent.recorded_by.full_name if consent.recorded_by else ""
    return context.signature_blocks(
        [
            (CHILD_OR_YOUNG_PERSON, child_name, ""),
            (PARENT_OR_CARER, parent_name, ""),
            (PRACTITIONER, practitioner, ""),
        ]
    )
