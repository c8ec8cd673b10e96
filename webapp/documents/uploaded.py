"""Borough Word templates uploaded through the web: checked before they are stored, kept as
immutable versions in the database, one active per borough and document type.

Refused uploads store nothing. Going back to the default deactivates the upload; the
shipped files (the borough's own, then the national one) are then used again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp import counters
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.documents import context, sources
from webapp.documents.models import UploadedTemplate
from webapp.documents.render import render_docx
from webapp.documents.services import borough_field_ids
from webapp.documents.templates import TemplateSource, check_template, find_template
from webapp.documents.types import DocumentType

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
SAMPLE_ANSWER = "Sample answer"


class TemplateRefused(ValueError):
    """The template was not stored; `problems` say why, each in GOV.UK wording."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class InUse:
    document_type: DocumentType
    source: TemplateSource

    @property
    def kind(self) -> str:
        if self.source.uploaded_version is not None:
            return "uploaded"
        return "borough file" if self.source.borough else "national"

    @property
    def description(self) -> str:
        if self.source.uploaded_version is not None:
            return f"Uploaded template, version {self.source.uploaded_version}"
        if self.source.borough:
            return "Your borough's template, shipped with eCAF"
        return "National default"


def in_use(db_session: Session, root: Path, borough: str, document_type: DocumentType) -> InUse:
    return InUse(document_type, find_template(root, document_type, borough, db_session))


def versions(db_session: Session, borough: str, document_type: str) -> list[UploadedTemplate]:
    return list(
        db_session.scalars(
            select(UploadedTemplate)
            .where(
                UploadedTemplate.borough == borough,
                UploadedTemplate.document_type == document_type,
            )
            .order_by(UploadedTemplate.version.desc())
        )
    )


def problems_with(
    library, borough: str, document_type: DocumentType, filename: str, content: bytes
) -> list[str]:
    """Everything wrong with an upload, in words the administrator can act on."""
    if not content:
        return ["Select a Word template to upload"]
    if len(content) > MAX_TEMPLATE_BYTES:
        return [f"The template must be smaller than {MAX_TEMPLATE_BYTES // (1024 * 1024)}MB"]
    # The content is opened (within the package limits) by the template check itself.
    if not filename.lower().endswith(".docx") or not content.startswith(b"PK\x03\x04"):
        return ["The selected file must be a Word document (.docx)"]
    return check_template(content, borough_field_ids(library, borough, document_type))


def upload(
    db_session: Session,
    library,
    borough: str,
    document_type: DocumentType,
    filename: str,
    content: bytes,
    user: User,
    client_address: str = "",
) -> UploadedTemplate:
    """Check and store a new active version; raises TemplateRefused (nothing stored)."""
    problems = problems_with(library, borough, document_type, filename, content)
    if problems:
        raise TemplateRefused(problems)
    number = counters.allocate(
        db_session,
        f"word-template:{borough}:{document_type.name}",
        counters.highest(
            UploadedTemplate.version,
            UploadedTemplate.borough == borough,
            UploadedTemplate.document_type == document_type.name,
        ),
    )
    _deactivate(db_session, borough, document_type.name)
    record = UploadedTemplate(
        borough=borough,
        document_type=document_type.name,
        version=number,
        filename=Path(filename).name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        active=True,
        uploaded_by_id=user.id,
    )
    db_session.add(record)
    db_session.flush()
    _audit(
        db_session,
        "document_template.uploaded",
        user,
        client_address,
        borough,
        document_type,
        object_type="uploaded_template",
        object_id=record.id,
        version=number,
        sha256=record.sha256,
    )
    return record


def use_default(
    db_session: Session, borough: str, document_type: DocumentType, user: User, client_address=""
) -> bool:
    """Stop using the borough's uploaded template; False when none was in use."""
    if not _deactivate(db_session, borough, document_type.name):
        return False
    _audit(
        db_session,
        "document_template.default_restored",
        user,
        client_address,
        borough,
        document_type,
        object_type="document_type",
        object_id=document_type.name,
    )
    return True


def _audit(
    db_session: Session,
    action: str,
    user: User,
    client_address: str,
    borough: str,
    document_type: DocumentType,
    **detail: object,
) -> None:
    """An administrator's change to which template a borough uses for a type of document."""
    audit.record(
        db_session,
        action,
        actor_id=user.id,
        client_address=client_address,
        borough=borough,
        document_type=document_type.name,
        **detail,
    )


def _deactivate(db_session: Session, borough: str, document_type: str) -> int:
    result = db_session.execute(
        update(UploadedTemplate)
        .where(
            UploadedTemplate.borough == borough,
            UploadedTemplate.document_type == document_type,
            UploadedTemplate.active.is_(True),
        )
        .values(active=False, withdrawn_at=utcnow())
    )
    return result.rowcount


def sample(library, source: TemplateSource, borough_name: str, borough: str, document_type, user):
    """The template rendered for a synthetic sample episode (no real child's data)."""
    form = library.effective(borough, document_type.form_id) if document_type.form_id else None
    sections = list(form.sections) if form is not None else []
    field_ids = sources.form_field_ids(form) if form is not None else set()
    return render_docx(
        source.read(),
        context.build(
            document={
                **dict.fromkeys(context.DOCUMENT_KEYS, ""),
                "id": "SAMPLE",
                "title": document_type.title,
                "type": document_type.name,
                "reference": "SAMPLE-2026-00001",
                "form_id": form.id if form is not None else "",
                "form_title": form.title if form is not None else "",
                "form_version": str(form.version) if form is not None else "",
                "version_label": "Sample",
                "borough": borough_name,
                "generated_at": "1 January 2026 at 09:00 (UK time)",
                "generated_by": user.full_name,
                "generated_by_organisation": user.organisation.name,
                "prepared_for": "Sample only: not for use with a family",
                "status": "Sample",
                "notice": "A sample made from invented answers. Do not use it.",
            },
            child={
                "name": "Sample Child",
                "date_of_birth": "1 January 2018",
                "reference": "SAMPLE-CHILD",
            },
            sections=sources.form_sections(sections, {}, blank=True),
            answers=dict.fromkeys(field_ids, SAMPLE_ANSWER),
            signatures=sources.signatures_for(document_type.name),
        ),
    )
