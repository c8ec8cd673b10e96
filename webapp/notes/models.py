from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, utcnow
from webapp.episodes.models import Episode


class ConfidentialNote(Base):
    """A practitioner's private case note on an episode. Only its author reads it; a subject
    access bundle lists that it exists (author, date) for the data controller to consider,
    never its text."""

    __tablename__ = "confidential_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    episode: Mapped[Episode] = relationship()
    author: Mapped[User] = relationship()
