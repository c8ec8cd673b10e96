"""Merging two records of the same child, and undoing it.

A merge moves the merged record's source records and identifiers to the record kept, fills
in the details the kept record lacked (an address, a postcode) and marks the merged record
as merged into it: it stays in the database, out of searches. `ChildMerge` keeps what moved
and what was replaced, so that unmerging restores both records as they were. Imports merge
automatically above the model's upper threshold (webapp/children/imports.py); between the
thresholds the pair waits in the review queue for the borough CAF contact. Every merge,
unmerge and review decision is audited. The caller commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.children import linkage, provenance
from webapp.children.import_models import ChildIdentifier, ChildSourceRecord
from webapp.children.merge_models import ChildLinkReview, ChildMerge, MergeHow, ReviewDecision
from webapp.children.models import Child, Gender
from webapp.children.provenance_models import ChildFieldValue
from webapp.db import utcnow
from webapp.episodes.models import Episode

# Details the kept record takes from the merged one when it has none of its own.
FILLED_IN = ("address_line_1", "address_line_2", "town", "postcode", "mother_name")
# Every detail a merge may change on the kept record, and unmerging restores.
DETAILS = ("given_names", "family_name", "date_of_birth", "gender", *FILLED_IN)


def _stored(value: object) -> object:
    """A detail as the merge keeps it (JSON): a date as ISO text, an enum as its value."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _loaded(name: str, value: str | None) -> object:
    if value is None:
        return None
    if name == "date_of_birth":
        return date.fromisoformat(value)
    return Gender(value) if name == "gender" else value


class MergeRefused(Exception):
    """The two records cannot be merged, or the merge undone; the message says why."""


class AlreadyDecided(Exception):
    """Someone else decided first; the first decision stands."""


@dataclass(frozen=True)
class Actor:
    """Who merges or unmerges: a person, or nobody for an import's automatic merge."""

    user: User | None = None
    client_address: str = ""

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    def record(
        self,
        db_session: Session,
        action: str,
        row: ChildMerge | ChildLinkReview,
        *,
        child_id: int,
        **detail: object,
    ) -> None:
        """Audit `action` on a merge or a pair of the borough, done by this actor."""
        audit.record(
            db_session,
            action,
            actor_id=self.user_id,
            object_type=row.__tablename__,
            object_id=row.id,
            child_id=child_id,
            client_address=self.client_address,
            borough_id=row.borough_id,
            **detail,
        )


def _identifiers(db_session: Session, child_id: int) -> list[ChildIdentifier]:
    return list(
        db_session.scalars(select(ChildIdentifier).where(ChildIdentifier.child_id == child_id))
    )


def why_not(db_session: Session, kept: Child, merged: Child) -> str | None:
    """Why these two records may not be merged, or None."""
    if kept.id == merged.id or kept.borough_id != merged.borough_id:
        return "These two records cannot be merged"
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        return "One of these records has already been merged into another"
    kinds = {identifier.kind: identifier.value for identifier in _identifiers(db_session, kept.id)}
    for identifier in _identifiers(db_session, merged.id):
        if kinds.get(identifier.kind, identifier.value) != identifier.value:
            return "The two records have different NHS numbers or unique pupil numbers"
    episodes = db_session.scalar(
        select(func.count()).select_from(Episode).where(Episode.child_id == merged.id)
    )
    if episodes:
        return "A CAF has been started for the newer record: it cannot be merged away"
    return None


def merge(
    db_session: Session,
    kept: Child,
    merged: Child,
    *,
    how: MergeHow,
    actor: Actor,
    match_weight: float | None = None,
    import_run_id: int | None = None,
) -> ChildMerge:
    if reason := why_not(db_session, kept, merged):
        raise MergeRefused(reason)
    records = list(
        db_session.scalars(select(ChildSourceRecord).where(ChildSourceRecord.child_id == merged.id))
    )
    identifiers = _identifiers(db_session, merged.id)
    for row in [*records, *identifiers]:
        row.child_id = kept.id
    before = {name: _stored(getattr(kept, name)) for name in DETAILS}
    kept_values = provenance.ids_of(db_session, kept.id)
    values = provenance.ids_of(db_session, merged.id)
    provenance.move(db_session, values, kept.id)
    if kept_values:
        # The most trusted source's values, now the merged record's sources count too.
        provenance.resolve(db_session, kept, provenance.load_priorities(kept.borough.code))
    for name in FILLED_IN:
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
    replaced = {
        name: value for name, value in before.items() if _stored(getattr(kept, name)) != value
    }
    merged.merged_into_id = kept.id
    done = ChildMerge(
        borough_id=kept.borough_id,
        kept_child_id=kept.id,
        merged_child_id=merged.id,
        how=how,
        match_weight=match_weight,
        import_run_id=import_run_id,
        merged_at=utcnow(),
        merged_by_id=actor.user_id,
        moved=json.dumps(
            {
                "source_records": [record.id for record in records],
                "identifiers": [identifier.id for identifier in identifiers],
                "field_values": values,
            }
        ),
        replaced=json.dumps(replaced),
    )
    db_session.add(done)
    db_session.flush()
    actor.record(
        db_session,
        "child.merged",
        done,
        child_id=kept.id,
        merged_child_id=merged.id,
        how=how.value,
        match_weight=match_weight,
        import_run_id=import_run_id,
        filled_in=sorted(replaced),
    )
    return done


def unmerge(db_session: Session, done: ChildMerge, actor: Actor) -> None:
    """Give the merged record back what the merge moved, and the kept record what it
    replaced; the merged record is found by searches again."""
    now = utcnow()
    claimed = db_session.execute(
        update(ChildMerge)
        .where(ChildMerge.id == done.id, ChildMerge.unmerged_at.is_(None))
        .values(unmerged_at=now, unmerged_by_id=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyDecided
    db_session.refresh(done)
    moved = json.loads(done.moved)
    for model, ids in (
        (ChildSourceRecord, moved.get("source_records", [])),
        (ChildIdentifier, moved.get("identifiers", [])),
        (ChildFieldValue, moved.get("field_values", [])),
    ):
        if ids:
            db_session.execute(
                update(model)
                .where(model.id.in_(ids), model.child_id == done.kept_child_id)
                .values(child_id=done.merged_child_id)
                .execution_options(synchronize_session=False)
            )
    kept, merged = done.kept_child, done.merged_child
    for name, value in json.loads(done.replaced).items():
        setattr(kept, name, _loaded(name, value))
    merged.merged_into_id = None
    db_session.flush()
    db_session.expire_all()
    actor.record(
        db_session,
        "child.unmerged",
        done,
        child_id=done.kept_child_id,
        merged_child_id=done.merged_child_id,
    )


def queue(
    db_session: Session,
    child: Child,
    candidate: Child,
    pair: linkage.ScoredPair,
    *,
    reason: str,
    import_run_id: int | None,
) -> ChildLinkReview:
    review = ChildLinkReview(
        borough_id=child.borough_id,
        child=child,
        candidate=candidate,
        match_weight=pair.match_weight,
        weights=json.dumps(pair.weights),
        import_run_id=import_run_id,
        reason=reason,
    )
    db_session.add(review)
    return review


def decide(db_session: Session, review: ChildLinkReview, actor: Actor, *, same_child: bool) -> None:
    """The borough CAF contact's answer to a queued pair: merge the import's new record into
    the one already in the index, or keep them apart. Only the first answer stands."""
    if same_child and (reason := why_not(db_session, review.candidate, review.child)):
        raise MergeRefused(reason)
    decision = ReviewDecision.MERGED if same_child else ReviewDecision.KEPT_APART
    claimed = db_session.execute(
        update(ChildLinkReview)
        .where(ChildLinkReview.id == review.id, ChildLinkReview.decision.is_(None))
        .values(decision=decision, decided_at=utcnow(), decided_by_id=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyDecided
    db_session.refresh(review)
    if same_child:
        done = merge(
            db_session,
            review.candidate,
            review.child,
            how=MergeHow.REVIEWED,
            actor=actor,
            match_weight=review.match_weight,
            import_run_id=review.import_run_id,
        )
        review.merge_id = done.id
    actor.record(
        db_session,
        "child.link_review_decided",
        review,
        child_id=review.child_id,
        candidate_id=review.candidate_id,
        decision=decision.value,
    )


def waiting(db_session: Session, borough_id: int) -> list[ChildLinkReview]:
    return list(
        db_session.scalars(
            select(ChildLinkReview)
            .where(ChildLinkReview.borough_id == borough_id, ChildLinkReview.decision.is_(None))
            .order_by(ChildLinkReview.match_weight.desc(), ChildLinkReview.id)
            .limit(200)
        )
    )


def count_waiting(db_session: Session, borough_id: int) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(ChildLinkReview)
        .where(ChildLinkReview.borough_id == borough_id, ChildLinkReview.decision.is_(None))
    )


def recent_merges(db_session: Session, borough_id: int, limit: int = 50) -> list[ChildMerge]:
    return list(
        db_session.scalars(
            select(ChildMerge)
            .where(ChildMerge.borough_id == borough_id)
            .order_by(ChildMerge.merged_at.desc(), ChildMerge.id.desc())
            .limit(limit)
        )
    )
