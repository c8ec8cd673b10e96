"""Versions of a borough's workflow choices: never changed once written, so an episode
that pinned one keeps its rules."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.db import Base, utcnow
from webapp.useradmin.models import SecondPersonRequest


class WorkflowChoiceVersion(Base):
    __tablename__ = "workflow_choice_version"
    __table_args__ = (UniqueConstraint("borough_id", "workflow_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    # {choice: option}, as JSON text (the same on SQLite and PostgreSQL).
    selections_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    chosen_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    chosen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The second administrator who approved the change (None: versions written before
    # changes needed approval).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    borough: Mapped[Borough] = relationship()
    chosen_by: Mapped[User] = relationship(foreign_keys=[chosen_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def selections(self) -> dict[str, str]:
        return json.loads(self.selections_json)


@event.listens_for(WorkflowChoiceVersion, "before_update")
def _never_changed(mapper, connection, target) -> None:
    raise ValueError("A workflow choice version never changes: write a new version")


class WorkflowChoiceRequest(SecondPersonRequest, Base):
    """An administrator asked for the borough's workflow choices to change; another
    administrator of the borough approves (which writes the new version) or rejects it."""

    __tablename__ = "workflow_choice_request"
    audit_type = "workflow_choice_request"
    decided_action = "workflow.choices_change_decided"
    refused_action = "workflow.choices_change_refused"
    # One change waiting per borough and workflow, so approvals never cross.
    __table_args__ = SecondPersonRequest.table_args(
        "uq_workflow_choice_request_waiting", "borough_id", "workflow_id"
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    selections_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_choice_version.id"))

    borough: Mapped[Borough] = relationship()
    version: Mapped[WorkflowChoiceVersion | None] = relationship()

    @property
    def selections(self) -> dict[str, str]:
        return json.loads(self.selections_json)
