"""The kinds of Word document eCAF produces, and what each one is made from."""

from __future__ import annotations

from dataclasses import dataclass

CONSENT_STATEMENT = "consent_statement"


@dataclass(frozen=True)
class DocumentType:
    name: str  # also the template's file name, `<name>.docx`
    title: str
    #: The form whose answers fill it in; None for the consent statement, which is made
    #: from a consent record.
    form_id: str | None
    #: Whether the document ends with signature blocks (child or young person,
    #: parent or carer, practitioner).
    signatures: bool = False
    #: Whether a blank copy (to complete by hand) can be printed.
    blank: bool = True

    @property
    def filename(self) -> str:
        return f"{self.name}.docx"


DOCUMENT_TYPES: dict[str, DocumentType] = {
    document_type.name: document_type
    for document_type in (
        DocumentType(
            "caf_assessment", "Common Assessment Framework form", "caf_assessment", signatures=True
        ),
        DocumentType(CONSENT_STATEMENT, "Consent statement", None, signatures=True, blank=False),
        DocumentType(
            "delivery_plan_review",
            "Delivery plan and review",
            "delivery_plan_review",
            signatures=True,
        ),
        DocumentType("closure", "Closure summary", "closure"),
        DocumentType("tac_meeting", "Team Around the Child meeting record", "tac_meeting"),
        DocumentType(
            "pre_assessment_checklist", "Pre-assessment checklist", "pre_assessment_checklist"
        ),
        DocumentType(
            "childrens_centre_consent",
            "Children's centre consent form",
            "childrens_centre_consent",
            signatures=True,
        ),
    )
}


def for_form(form_id: str) -> DocumentType | None:
    return next((kind for kind in DOCUMENT_TYPES.values() if kind.form_id == form_id), None)
