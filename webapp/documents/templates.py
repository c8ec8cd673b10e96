"""Finding a document's Word template, and checking a template's placeholders.

A borough's active uploaded template (stored in the database, so every app process sees
it) is looked up first, then the borough's own file (`templates/boroughs/<borough>/<type>.docx`),
then the national default (`templates/national/<type>.docx`). A template is refused when
it names anything the renderer does not provide, so a typing mistake in a borough's
template is found when the template is added, not when a practitioner prints a form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from lxml.etree import XMLSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.documents.models import UploadedTemplate
from webapp.documents.placeholders import problems_in
from webapp.documents.render import (
    NOT_A_WORD_DOCUMENT,
    TOO_DEEP,
    DocumentEnvironment,
    package_problems,
)
from webapp.documents.types import DocumentType


@dataclass(frozen=True)
class TemplateSource:
    path: Path | None
    borough: str | None  # None: the national default
    #: The bytes of a template uploaded through the web (then `path` is None).
    content: bytes | None = None
    uploaded_version: int | None = None

    @property
    def label(self) -> str:
        if self.uploaded_version is not None:
            return f"{self.borough} uploaded template, version {self.uploaded_version}"
        return f"{self.borough} template" if self.borough else "national template"

    @property
    def record_label(self) -> str:
        """What a generated document records as its template."""
        if self.uploaded_version is not None:
            return f"{self.borough} upload {self.uploaded_version}"
        return self.borough or "national"

    def read(self) -> bytes:
        """The template's bytes (OSError when a shipped file is missing)."""
        if self.content is not None:
            return self.content
        assert self.path is not None
        return self.path.read_bytes()


def find_template(
    root: Path, document_type: DocumentType, borough: str | None, db_session: Session | None = None
) -> TemplateSource:
    """The borough's active uploaded template (with a database session), else the borough's
    own file, else the national default."""
    if borough and db_session is not None:
        uploaded = active_upload(db_session, borough, document_type.name)
        if uploaded is not None:
            return TemplateSource(None, borough, uploaded.content, uploaded.version)
    if borough:
        own = root / "boroughs" / borough / document_type.filename
        if own.is_file():
            return TemplateSource(own, borough)
    return TemplateSource(root / "national" / document_type.filename, None)


def active_upload(db_session: Session, borough: str, document_type: str) -> UploadedTemplate | None:
    return db_session.scalars(
        select(UploadedTemplate)
        .where(
            UploadedTemplate.borough == borough,
            UploadedTemplate.document_type == document_type,
            UploadedTemplate.active.is_(True),
        )
        .order_by(UploadedTemplate.version.desc())
        .limit(1)
    ).first()


# --- checking a template ------------------------------------------------------------------

#: The document properties docxtpl renders as templates too.
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def template_sources(content: bytes) -> list[str]:
    """Each piece of Jinja source docxtpl renders, as it renders it: the body, the headers
    and footers, the document properties and the footnotes. Only for bytes that passed
    the package check."""
    template = DocxTemplate(io.BytesIO(content))
    template.init_docx()
    sources = [template.patch_xml(template.get_xml())]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, part in template.get_headers_footers(uri):
            sources.append(template.patch_xml(template.get_part_xml(part)))
    properties = template.docx.core_properties
    sources += [getattr(properties, name) or "" for name in RENDERED_PROPERTIES]
    for part in template.docx.part.package.parts:
        if part.content_type == FOOTNOTES:
            blob = part.blob
            sources.append(
                template.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
            )
    return sources


def check_template(content: bytes, field_ids: set[str]) -> list[str]:
    """What is wrong with a template, in words a borough administrator can act on ([] when
    it can be used). `field_ids` are the questions of the borough's form."""
    problems = package_problems(content)
    if problems:
        return problems
    try:
        sources = template_sources(content)
    except (PackageNotFoundError, XMLSyntaxError, KeyError, ValueError, UnicodeDecodeError):
        return [NOT_A_WORD_DOCUMENT]
    environment = DocumentEnvironment()
    for source in sources:
        try:
            found = problems_in(environment.parse(source), field_ids)
        except TemplateSyntaxError as error:
            reason = (error.message or "").rstrip(".")
            found = [
                f"A placeholder is not written correctly: {reason}. Check that every "
                "{{ … }} and {% … %} is complete and that loops and conditions are closed"
            ]
        except RecursionError:
            found = [TOO_DEEP]
        problems += [problem for problem in found if problem not in problems]
    return problems
