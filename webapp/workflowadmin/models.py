"""Workflow drafts and the workflow versions published from them.

A published version is a row that is never changed or removed (a database trigger refuses
both): episodes started under it keep running by it. The workflow catalogue merges these
rows with the files in `workflows/` (webapp/workflowadmin/published.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.db import Base, utcnow
from webapp.formadmin.models import PublicationDraft, PublicationStep


class WorkflowVersion(Base):
    __tablename__ = "workflow_override_version"
    __table_args__ = (UniqueConstraint("workflow_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    extends_id: Mapped[str] = mapped_column(String(80))
    extends_version: Mapped[int] = mapped_column(Integer)
    source_yaml: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_override_draft.id"))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])
    approved_by: Mapped[User] = relationship(foreign_keys=[approved_by_id])


@event.listens_for(WorkflowVersion, "before_update")
def _never_changed(mapper, connection, target) -> None:
    raise ValueError("A published workflow version never changes: publish a new version")


class WorkflowDraft(PublicationDraft, Base):
    __tablename__ = "workflow_override_draft"
    __table_args__ = (PublicationDraft.one_open_per("uq_workflow_override_draft_open", "borough"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    #: The published version the draft started from (None: the borough had none).
    starts_from_version: Mapped[int | None] = mapped_column(Integer)

    history: Mapped[list[WorkflowDraftStep]] = relationship(
        back_populates="draft", order_by="WorkflowDraftStep.id"
    )


class WorkflowDraftStep(PublicationStep, Base):
    __tablename__ = "workflow_override_draft_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("workflow_override_draft.id"), index=True)

    draft: Mapped[WorkflowDraft] = relationship(back_populates="history")
