from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, utcnow
from webapp.episodes.models import Episode


class StoredFile(Base):
    """One uploaded file attached to an episode.

    The bytes live under the UPLOAD_FOLDER (never the web root) at `stored_path`, a random
    name; the media type comes from the file's content, not its name or the browser's claim.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(255), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    episode: Mapped[Episode] = relationship()
    uploaded_by: Mapped[User] = relationship()

    @property
    def kind_title(self) -> str:
        return MEDIA_TITLES.get(self.media_type, "File")

    @property
    def size_text(self) -> str:
        if self.size_bytes < 1024:
            return f"{self.size_bytes} bytes"
        if self.size_bytes < 1024 * 1024:
            return f"{self.size_bytes / 1024:.0f} KB"
        return f"{self.size_bytes / (1024 * 1024):.1f} MB"


PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MEDIA_TITLES = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image", DOCX: "Word document"}
