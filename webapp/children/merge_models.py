"""What record linkage (webapp/children/merges.py) keeps: each merge of two children's
records, with what it moved and what it replaced so that it can be undone, and the review
queue of pairs the model was not sure enough of."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.children.models import Child
from webapp.db import Base, enum_column, utcnow
from webapp.titled_enum import TitledEnum


class MergeHow(TitledEnum):
    AUTOMATIC = "automatic", "Automatically, on import"
    REVIEWED = "reviewed", "By the borough CAF contact"


class ReviewDecision(StrEnum):
    MERGED = "merged"
    KEPT_APART = "kept_apart"


class ChildMerge(Base):
    """`merged` was found to be the same child as `kept`: its source records and identifiers
    now belong to `kept`, which took the details it lacked from it. `moved` and `replaced`
    (JSON) say what to give back on unmerging."""

    __tablename__ = "child_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    kept_child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    merged_child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    how: Mapped[MergeHow] = mapped_column(enum_column(MergeHow, 16))
    match_weight: Mapped[float | None] = mapped_column(Float)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("child_import_run.id"))
    merged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # {"source_records": [ids], "identifiers": [ids]} moved from merged to kept.
    moved: Mapped[str] = mapped_column(Text, default="{}")
    # {field: value} of kept's details before the merge filled them in.
    replaced: Mapped[str] = mapped_column(Text, default="{}")
    unmerged_at: Mapped[datetime | None] = mapped_column(DateTime)
    unmerged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    kept_child: Mapped[Child] = relationship(foreign_keys=[kept_child_id])
    merged_child: Mapped[Child] = relationship(foreign_keys=[merged_child_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    unmerged_by: Mapped[User | None] = relationship(foreign_keys=[unmerged_by_id])

    @property
    def is_undone(self) -> bool:
        return self.unmerged_at is not None


class ChildLinkReview(Base):
    """A child an import added whom the model found may be `candidate`, already in the
    index: the borough CAF contact merges them or keeps them apart."""

    __tablename__ = "child_link_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("borough.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    match_weight: Mapped[float] = mapped_column(Float)
    # {comparison: match weight} as the model scored the pair.
    weights: Mapped[str] = mapped_column(Text, default="{}")
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("child_import_run.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decision: Mapped[ReviewDecision | None] = mapped_column(enum_column(ReviewDecision, 16))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("child_merge.id"))
    # Why the model did not merge it by itself, in words.
    reason: Mapped[str] = mapped_column(String(200), default="")

    child: Mapped[Child] = relationship(foreign_keys=[child_id])
    candidate: Mapped[Child] = relationship(foreign_keys=[candidate_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    merge: Mapped[ChildMerge | None] = relationship()
