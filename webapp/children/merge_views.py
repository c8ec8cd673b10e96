"""The borough CAF contact's record linkage pages: the review queue, a queued pair side by
side (merge or keep apart), and a merge, which can be undone. Only the CAF contact of the
borough sees them; anyone else gets an audited 404 (visible_or_404)."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited
from webapp.children import linkage, merges
from webapp.children.import_models import ChildSourceRecord
from webapp.children.merge_forms import ReviewForm, UnmergeForm
from webapp.children.merge_models import ChildLinkReview, ChildMerge
from webapp.children.models import Child
from webapp.pages import first_answer_stands

bp = Blueprint("child_linkage", __name__, url_prefix="/child-index/linkage")


@bp.route("")
@requires(Permission.CHILD_LINKAGE_REVIEW)
def queue():
    waiting = merges.waiting(db.session, current_user.borough_id)
    done = merges.recent_merges(db.session, current_user.borough_id)
    audited("children.link_reviews_viewed", borough_id=current_user.borough_id, pairs=len(waiting))
    db.session.commit()
    return render_template("children/link_reviews.html", waiting=waiting, merges=done)


def _sources(child: Child) -> str:
    """The sources that send the record, with their own identifiers for it."""
    records = db.session.scalars(
        select(ChildSourceRecord)
        .where(ChildSourceRecord.child_id == child.id)
        .order_by(ChildSourceRecord.source)
    )
    return ", ".join(f"{record.source} ({record.source_id})" for record in records) or "None"


def _comparison(review: ChildLinkReview) -> list[tuple[str, str]]:
    """Each compared field with whether the two records agree on it, in words."""
    model = linkage.load_model(review.child.borough.code)
    weights = json.loads(review.weights)
    titles = {
        "given_name": "Given name",
        "family_name": "Family name",
        "dob": "Date of birth",
        "sex": "Sex",
        "postcode": "Postcode",
    }
    found = []
    for name, title in titles.items():
        weight = weights.get(name, 0.0)
        verdict = "Agrees" if weight > 0 else "Disagrees" if weight < 0 else "Not known"
        found.append((title, f"{verdict}: {model.level_title(name, weight).lower()}"))
    return found


def _viewed(
    action: str, row: ChildLinkReview | ChildMerge, child_id: int, other_child_id: int
) -> None:
    """Audit the reading of a pair or a merge: both children's records were shown."""
    audited(
        action,
        object_type=row.__tablename__,
        object_id=row.id,
        child_id=child_id,
        other_child_id=other_child_id,
    )
    db.session.commit()


def _review(review_id: int) -> ChildLinkReview:
    return visible_or_404(
        Permission.CHILD_LINKAGE_REVIEW, db.session.get(ChildLinkReview, review_id)
    )


def _review_page(review: ChildLinkReview, form: ReviewForm):
    return render_template(
        "children/link_review.html",
        review=review,
        form=form,
        comparison=_comparison(review),
        merge_at=linkage.load_model(review.child.borough.code).merge_at,
        sources={child.id: _sources(child) for child in (review.child, review.candidate)},
        why_not=None
        if review.decision
        else merges.why_not(db.session, review.candidate, review.child),
    )


@bp.route("/reviews/<int:review_id>")
@requires(Permission.CHILD_LINKAGE_REVIEW)
def show_review(review_id: int):
    review = _review(review_id)
    _viewed("children.link_review_viewed", review, review.child_id, review.candidate_id)
    return _review_page(review, ReviewForm())


@bp.route("/reviews/<int:review_id>", methods=["POST"])
@requires(Permission.CHILD_LINKAGE_REVIEW)
def decide(review_id: int):
    review = _review(review_id)
    form = ReviewForm()
    if review.decision or not form.validate_on_submit():
        return _review_page(review, form)
    same_child = form.same_child.data == "yes"
    if same_child and (reason := merges.why_not(db.session, review.candidate, review.child)):
        form.same_child.errors = [reason]
        return _review_page(review, form)
    return first_answer_stands(
        lambda: merges.decide(
            db.session,
            review,
            merges.Actor(current_user, client_address()),
            same_child=same_child,
        ),
        merges.AlreadyDecided,
        taken="Someone else has already answered for these records",
        back=url_for(".show_review", review_id=review.id),
        recorded="Records merged" if same_child else "Records kept apart",
        then=url_for(".queue"),
    )


def _merge(merge_id: int) -> ChildMerge:
    return visible_or_404(Permission.CHILD_LINKAGE_REVIEW, db.session.get(ChildMerge, merge_id))


def _merge_page(done: ChildMerge, form: UnmergeForm):
    return render_template(
        "children/merge.html",
        merge=done,
        form=form,
        sources={child.id: _sources(child) for child in (done.kept_child, done.merged_child)},
        filled_in=sorted(json.loads(done.replaced)),
    )


@bp.route("/merges/<int:merge_id>")
@requires(Permission.CHILD_LINKAGE_REVIEW)
def show_merge(merge_id: int):
    done = _merge(merge_id)
    _viewed("children.merge_viewed", done, done.kept_child_id, done.merged_child_id)
    return _merge_page(done, UnmergeForm())


@bp.route("/merges/<int:merge_id>", methods=["POST"])
@requires(Permission.CHILD_LINKAGE_REVIEW)
def unmerge(merge_id: int):
    done = _merge(merge_id)
    form = UnmergeForm()
    if done.is_undone or not form.validate_on_submit():
        return _merge_page(done, form)
    return first_answer_stands(
        lambda: merges.unmerge(db.session, done, merges.Actor(current_user, client_address())),
        merges.AlreadyDecided,
        taken="Someone else has already undone this merge",
        back=url_for(".show_merge", merge_id=done.id),
        recorded="Merge undone: the two records are apart again",
        then=url_for(".show_merge", merge_id=done.id),
    )
