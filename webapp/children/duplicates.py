"""Likely duplicates inside a borough's child index: record linkage run on the index itself
(`flask --app webapp caf children find-duplicates --borough CODE`).

Every pair the model scores from its review threshold up joins the borough CAF contact's
review queue, never merged automatically: both records may already have CAFs and people
working from them. A pair already queued, or already answered (kept apart included), is not
queued again; two different NHS numbers or unique pupil numbers are two children."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.children import linkage, merges
from webapp.children.import_models import ChildIdentifier
from webapp.children.merge_models import ChildLinkReview
from webapp.children.models import Child

REASON = "Two records already in the index may be of the same child"


def index_records(db_session: Session, borough_id: int) -> list[linkage.LinkRecord]:
    """The borough's children that searches find (not merged away), as linkage compares
    them."""
    rows = db_session.execute(
        select(
            Child.id,
            Child.given_names,
            Child.family_name,
            Child.date_of_birth,
            Child.gender,
            Child.postcode,
        ).where(
            Child.borough_id == borough_id,
            Child.merged_into_id.is_(None),
            Child.date_of_birth.is_not(None),
        )
    )
    return [
        linkage.LinkRecord(str(row.id), row[1], row[2], row[3], row[4].value, row[5])
        for row in rows
    ]


def find(db_session: Session, borough: Borough) -> int:
    """Queue the borough's likely duplicates not queued before; how many were queued."""
    model = linkage.load_model(borough.code)
    pairs = linkage.score_within(
        model, index_records(db_session, borough.id), at_least=model.review_at
    )
    known = {
        (child_id, candidate_id)
        for child_id, candidate_id in db_session.execute(
            select(ChildLinkReview.child_id, ChildLinkReview.candidate_id).where(
                ChildLinkReview.borough_id == borough.id
            )
        )
    }
    identifiers: dict[int, dict[str, str]] = {}
    for child_id, kind, value in db_session.execute(
        select(ChildIdentifier.child_id, ChildIdentifier.kind, ChildIdentifier.value).where(
            ChildIdentifier.borough_id == borough.id
        )
    ):
        identifiers.setdefault(child_id, {})[kind] = value
    queued = 0
    for pair in sorted(pairs, key=lambda pair: -pair.match_weight):
        older, newer = sorted((int(pair.index_id), int(pair.incoming_id)))
        if (newer, older) in known or (older, newer) in known:
            continue
        theirs, ours = identifiers.get(older, {}), identifiers.get(newer, {})
        if any(theirs.get(kind, value) != value for kind, value in ours.items()):
            continue
        merges.queue(
            db_session,
            db_session.get_one(Child, newer),
            db_session.get_one(Child, older),
            pair,
            reason=REASON,
            import_run_id=None,
        )
        known.add((newer, older))
        queued += 1
    audit.record(
        db_session,
        "children.duplicates_found",
        object_type="borough",
        object_id=borough.id,
        borough_id=borough.id,
        pairs_scored=len(pairs),
        queued=queued,
        waiting=merges.count_waiting(db_session, borough.id),
    )
    return queued
