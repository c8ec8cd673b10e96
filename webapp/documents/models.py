"""A record of every Word document eCAF produced: what, from which form version, for whom,
and the SHA-256 of the file, so anyone holding a copy can check it was not altered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Organisation
from webapp.db import Base, unique_where, utcnow
from webapp.episodes.models import Episode
from webapp.uploads.models import StoredFile


class GeneratedDocument(Base):
    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    document_type: Mapped[str] = mapped_column(String(40))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("form_response.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form version it was made from (for the consent statement, none).
    form_id: Mapped[str | None] = mapped_column(String(80))
    form_version: Mapped[int | None] = mapped_column(Integer)
    borough: Mapped[str | None] = mapped_column(String(40))
    overlay_version: Mapped[int | None] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(120))  # "national" or the borough's code
    template_sha256: Mapped[str] = mapped_column(String(64))
    # Who it was made for: None for the generating practitioner's own agency's records.
    recipient_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    sharing_decision_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_decision.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True, default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    episode: Mapped[Episode] = relationship()
    generated_by: Mapped[User] = relationship()
    recipient_organisation: Mapped[Organisation | None] = relationship()

    @property
    def for_sharing(self) -> bool:
        return self.recipient_organisation_id is not None or bool(self.recipient_name)


class SignedCopy(Base):
    """A signed scan of a generated document, uploaded back to the episode."""

    __tablename__ = "signed_copy"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    document_type: Mapped[str] = mapped_column(String(40))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)
    generated_document_id: Mapped[int | None] = mapped_column(ForeignKey("generated_document.id"))

    stored_file: Mapped[StoredFile] = relationship()
    generated_document: Mapped[GeneratedDocument | None] = relationship()


class UploadedTemplate(Base):
    """A Word template a borough administrator uploaded for one document type. Stored in
    the database, because several app processes share it; the content never changes. At
    most one version per borough and type is active; none active means the shipped files
    (the borough's own, then the national default) are used."""

    __tablename__ = "uploaded_template"
    __table_args__ = (
        UniqueConstraint("borough", "document_type", "version"),
        # At most one active version per borough and type, even when two uploads race.
        unique_where("uq_uploaded_template_active", "borough", "document_type", where="active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), index=True)
    document_type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    uploaded_by: Mapped[User] = relationship()
