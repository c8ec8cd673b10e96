"""Produce a Word document for an episode: check who it is for, render it, record its hash.

One call per document, inside the caller's transaction: the register entry (when it is
made for another agency), the provenance record with the file's SHA-256 and the audit
event are written together, or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from webapp.accounts.models import User
from webapp.assessments import pins, service_choices
from webapp.assessments import services as assessments
from webapp.assessments.models import FormResponse
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation
from webapp.consent.models import Consent, ConsentDecision
from webapp.db import newest_first
from webapp.documents import context, sources
from webapp.documents.models import GeneratedDocument
from webapp.documents.render import render_docx
from webapp.documents.templates import TemplateSource, check_template, find_template
from webapp.documents.types import CONSENT_STATEMENT, DOCUMENT_TYPES, DocumentType, for_form
from webapp.episodes.models import Episode
from webapp.govuk_dates import govuk_date_time, uk_time
from webapp.sharing import services as sharing
from webapp.sharing.sensitive import SENSITIVE_NOTICE, covers_sensitive, withhold_sensitive

#: What "Prepared for" says of a copy the practitioner's own agency keeps.
FOR_OWN_RECORDS = "{organisation}, for its own records"
NOT_SHARED_NOTICE = (
    "Made to be shared: answers the family asked not to be shared are left out. "
    "Check a copy against eCAF's record with its document number."
)
OWN_RECORDS_NOTICE = (
    "For your agency's records. Do not pass this copy to another agency: produce a copy "
    "for them in eCAF, so the sharing is recorded."
)


class DocumentRefused(Exception):
    """The document was not produced; the message says why, in GOV.UK wording."""

    def __init__(self, message: str, field: str = "document"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Recipient:
    """Who a document is for: None/"" means the generating practitioner's own agency."""

    organisation_id: int | None = None
    name: str = ""
    public_interest: sharing.PublicInterest | None = None

    @property
    def is_other_agency(self) -> bool:
        return self.organisation_id is not None or bool(self.name.strip())


@dataclass(frozen=True)
class Produced:
    record: GeneratedDocument
    content: bytes


@dataclass(frozen=True)
class Available:
    """A document the episode can produce now."""

    document_type: DocumentType
    label: str
    response: FormResponse | None = None
    consent: Consent | None = None
    blank: bool = False

    @property
    def key(self) -> str:
        if self.response is not None:
            return f"response-{self.response.id}"
        if self.consent is not None:
            return f"consent-{self.consent.id}"
        return f"blank-{self.document_type.name}"


def templates_root() -> Path:
    return Path(current_app.config["DOCUMENT_TEMPLATES_PATH"])


def _long_time(moment: datetime) -> str:
    """A time as it was on the clocks of the UK (GMT or BST), where the family read it; the
    database keeps UTC."""
    return f"{govuk_date_time(uk_time(moment))} (UK time)"


def _response_label(response: FormResponse) -> str:
    kind = assessments.kind(response)
    if kind.name == "assessment":
        title = f"{kind.title}, version {response.sequence}"
    elif kind.name == "review":
        title = f"Review {response.review_number}"
    elif response.sequence > 1:
        title = f"{kind.title}, version {response.sequence}"
    else:
        title = kind.title
    if response.is_completed and response.completed_at:
        return f"{title} (completed {sources.long_date(response.completed_at.date())})"
    return f"{title} (draft)"


def available(db_session: Session, episode: Episode) -> list[Available]:
    """Every document of the episode: each form filled in, each consent record, and a blank
    copy of every form (to complete by hand with the family)."""
    found: list[Available] = []
    for response in assessments.responses_of(db_session, episode.id):
        document_type = for_form(response.form_id)
        if document_type is not None:
            found.append(Available(document_type, _response_label(response), response=response))
    for consent in db_session.scalars(
        select(Consent).where(Consent.episode_id == episode.id).order_by(Consent.recorded_at)
    ):
        what = "refusal" if consent.decision is ConsentDecision.REFUSED else "consent"
        found.append(
            Available(
                DOCUMENT_TYPES[CONSENT_STATEMENT],
                f"{what.capitalize()} of {consent.given_by_name}, "
                f"{sources.long_date(consent.given_on)}",
                consent=consent,
            )
        )
    for document_type in DOCUMENT_TYPES.values():
        if document_type.blank:
            found.append(
                Available(
                    document_type, f"{document_type.title} (blank, to complete by hand)", blank=True
                )
            )
    return found


def find_available(db_session: Session, episode: Episode, key: str) -> Available | None:
    return next((item for item in available(db_session, episode) if item.key == key), None)


def _prepared_for(db_session: Session, user: User, recipient: Recipient) -> str:
    if not recipient.is_other_agency:
        return FOR_OWN_RECORDS.format(organisation=user.organisation.name)
    names = []
    if recipient.organisation_id is not None:
        organisation = db_session.get(Organisation, recipient.organisation_id)
        if organisation is not None:
            names.append(organisation.name)
    if recipient.name.strip():
        names.append(recipient.name.strip())
    return ", ".join(names)


def _template_for(episode: Episode, document_type: DocumentType) -> tuple[TemplateSource, bytes]:
    source = find_template(
        templates_root(), document_type, episode.borough.code, db_session=object_session(episode)
    )
    try:
        return source, source.read()
    except OSError as error:
        raise DocumentRefused(
            f"The {document_type.title.lower()} template is missing. Tell your borough "
            "administrator"
        ) from error


def _what(item: Available, episode: Episode) -> str:
    return f"{item.label}: Word document of {episode.reference}"


def generate(
    db_session: Session,
    episode: Episode,
    user: User,
    item: Available,
    recipient: Recipient = Recipient(),
    *,
    client_address: str = "",
) -> Produced:
    """Render `item` for `recipient`. Raises sharing.SharingRefused / SharingInvalid when the
    family did not agree to share with that agency (and no public-interest decision is
    given); nothing is written then."""
    document_type = item.document_type
    decision = None
    if recipient.is_other_agency:
        decision = sharing.share(
            db_session,
            episode,
            user,
            what=_what(item, episode),
            organisation_id=recipient.organisation_id,
            recipient_name=recipient.name,
            public_interest=recipient.public_interest,
            client_address=client_address,
        )
    # Answers the family asked not to share appear only in the recording agency's own copy;
    # sensitive answers go to another agency only with cover for them (DCSF 2010, 17).
    viewer = None if recipient.is_other_agency else user
    keep_sensitive = not recipient.is_other_agency or covers_sensitive(
        db_session, episode, decision
    )
    withheld: frozenset[str] = frozenset()

    form = None
    if item.response is not None:
        form = assessments.definition(item.response)
        shown = assessments.sections(item.response, form)
        answers = assessments.visible_answers(item.response, viewer, form)
        if episode.child.shielded:
            answers = sources.withhold_contacts(answers)
        if not keep_sensitive:
            answers, withheld = withhold_sensitive(answers, form)
        services = service_choices.links(db_session, shown, answers)
        sections = sources.form_sections(shown, answers, blank=False, services=services)
        named = sources.form_answers(shown, answers, services)
        signatures = sources.signatures_for(document_type.name)
        if item.response.is_completed and item.response.completed_at:
            status = f"Completed on {sources.long_date(item.response.completed_at.date())}"
        else:
            status = "Draft: not yet completed"
    elif item.consent is not None:
        sections = sources.consent_sections(item.consent)
        named = {}
        signatures = sources.consent_signatures(item.consent)
        status = (
            "Consent withdrawn"
            if item.consent.withdrawn_at is not None
            else (
                "Consent refused"
                if item.consent.decision is ConsentDecision.REFUSED
                else "Consent given"
            )
        )
    else:
        form = pins.pinned_form(db_session, episode, document_type.form_id)
        sections = sources.form_sections(list(form.sections), {}, blank=True)
        named = dict.fromkeys(sources.form_field_ids(form), "")
        signatures = sources.signatures_for(document_type.name)
        status = "Blank form, to complete by hand"

    source, template = _template_for(episode, document_type)
    record = GeneratedDocument(
        episode_id=episode.id,
        document_type=document_type.name,
        response_id=item.response.id if item.response is not None else None,
        consent_id=item.consent.id if item.consent is not None else None,
        blank=item.blank,
        form_id=form.id if form else None,
        form_version=form.version if form else None,
        borough=form.borough if form else None,
        overlay_version=form.overlay_version if form else None,
        template=source.record_label,
        template_sha256=hashlib.sha256(template).hexdigest(),
        recipient_organisation_id=recipient.organisation_id,
        recipient_name=recipient.name.strip(),
        sharing_decision_id=decision.id if decision is not None else None,
        filename="",
        generated_by_id=user.id,
    )
    db_session.add(record)
    db_session.flush()  # the document number is printed on the document
    if form is not None:
        version_label = f"{form.title}, version {form.version}"
        if form.overlay_version:
            version_label += f" ({episode.borough.name} version {form.overlay_version})"
    else:
        version_label = f"{document_type.title}, eCAF consent record {item.consent.id}"
    document = {
        "id": str(record.id),
        "title": document_type.title,
        "type": document_type.name,
        "reference": episode.reference,
        "form_id": form.id if form else "",
        "form_title": form.title if form else document_type.title,
        "form_version": str(form.version) if form else "",
        "overlay_version": str(form.overlay_version or "") if form else "",
        "version_label": version_label,
        "borough": episode.borough.name,
        "generated_at": _long_time(record.generated_at),
        "generated_by": user.full_name,
        "generated_by_organisation": user.organisation.name,
        "prepared_for": _prepared_for(db_session, user, recipient),
        "for_sharing": recipient.is_other_agency,
        "blank": item.blank,
        "status": f"{status} · {item.label}",
        "notice": (
            (f"{NOT_SHARED_NOTICE} {SENSITIVE_NOTICE}" if withheld else NOT_SHARED_NOTICE)
            if recipient.is_other_agency
            else OWN_RECORDS_NOTICE
        ),
    }
    child = episode.child
    born = child.date_of_birth or child.expected_delivery_date
    child_context = {
        "name": child.display_name,
        "date_of_birth": (
            sources.long_date(born) + ("" if child.date_of_birth or born is None else " (expected)")
        ),
        "reference": episode.reference,
    }
    content = render_docx(
        template,
        context.build(
            document=document,
            child=child_context,
            sections=sections,
            answers=named,
            signatures=signatures,
        ),
    )
    record.sha256 = hashlib.sha256(content).hexdigest()
    record.size_bytes = len(content)
    record.filename = f"{episode.reference}-{document_type.name}-{record.id}.docx"
    audit.record_about(
        db_session,
        "document.generated",
        record,
        user,
        client_address,
        episode=episode,
        document_type=document_type.name,
        response_id=record.response_id,
        consent_id=record.consent_id,
        blank=item.blank,
        template=record.template,
        sha256=record.sha256,
        recipient_organisation_id=recipient.organisation_id,
        recipient_name=record.recipient_name,
        sharing_decision_id=record.sharing_decision_id,
        sensitive_withheld=sorted(withheld),
    )
    return Produced(record, content)


def history(db_session: Session, episode: Episode) -> list[GeneratedDocument]:
    return newest_first(
        db_session, GeneratedDocument.generated_at, GeneratedDocument.episode_id == episode.id
    )


def matching(db_session: Session, content: bytes) -> GeneratedDocument | None:
    """The record of the document these bytes are, if eCAF produced exactly them."""
    digest = hashlib.sha256(content).hexdigest()
    return db_session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.sha256 == digest).limit(1)
    ).first()


def check_folder(root: Path, library) -> list[str]:
    """Problems with the Word templates in `root`, each naming the file (for start-up and
    the command line): a national template missing, or any template naming something the
    renderer does not provide."""
    problems: list[str] = []
    for document_type in DOCUMENT_TYPES.values():
        path = root / "national" / document_type.filename
        if not path.is_file():
            problems.append(f"{path}: the national {document_type.title.lower()} is missing")
            continue
        ids = _national_field_ids(library, document_type)
        problems += [f"{path}: {problem}" for problem in check_template(path.read_bytes(), ids)]
    boroughs = root / "boroughs"
    for path in sorted(boroughs.glob("*/*.docx")) if boroughs.is_dir() else []:
        borough, name = path.parent.name, path.stem
        document_type = DOCUMENT_TYPES.get(name)
        if document_type is None:
            problems.append(
                f"{path}: “{name}” is not a document type. Name the file after one of: "
                + ", ".join(f"{known}.docx" for known in DOCUMENT_TYPES)
            )
            continue
        ids = borough_field_ids(library, borough, document_type)
        problems += [f"{path}: {problem}" for problem in check_template(path.read_bytes(), ids)]
    return problems


def _national_field_ids(library, document_type: DocumentType) -> set[str]:
    if document_type.form_id is None:
        return set()
    return sources.form_field_ids(library.get_base(document_type.form_id))


def borough_field_ids(library, borough: str, document_type: DocumentType) -> set[str]:
    """The question ids a borough's template of this type may name: those of the borough's
    current form."""
    if document_type.form_id is None:
        return set()
    return sources.form_field_ids(library.effective(borough, document_type.form_id))
