"""The register on each episode, and the pages that record a decision to share or not.

Refused attempts (an episode the user may not see or act on, an agency the family did not
agree to, forged or missing answers) change nothing and are audited."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires, requires_episode, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_about, audited_episode
from webapp.boroughs.models import Organisation
from webapp.consent import services as consent_services
from webapp.episodes.models import Episode
from webapp.errors import render_error
from webapp.pages import Saving, permitted_or_404
from webapp.sharing import services
from webapp.sharing.forms import (
    NotSharedForm,
    PublicInterestForm,
    RecipientForm,
    ShareWithConsentForm,
    SharingReviewForm,
)
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.sharing.requests import audited_refusal

bp = Blueprint("sharing", __name__)


def _episode(episode_id: int, attempted: str) -> Episode:
    """The episode if the user may see it; otherwise the attempt is audited and it is 404."""
    episode = permitted_or_404(
        Episode,
        episode_id,
        Permission.EPISODE_VIEW,
        "sharing.refused",
        attempted=attempted,
        reason="episode not visible",
    )
    return episode


def _may_decide(episode: Episode) -> bool:
    return may(current_user, Permission.EPISODE_EDIT, episode)


@bp.route("/episodes/<int:episode_id>/sharing")
@requires(Permission.EPISODE_VIEW)
def register(episode_id: int):
    episode = _episode(episode_id, "view register")
    audited_episode(
        "sharing.register_viewed",
        episode,
    )
    db.session.commit()
    return render_template(
        "sharing/register.html",
        episode=episode,
        decisions=services.register(db.session, episode),
        consent=consent_services.status(db.session, episode),
        may_decide=_may_decide(episode),
    )


def _agency_choices(episode: Episode) -> list[tuple[object, str]]:
    organisations = db.session.scalars(
        select(Organisation).order_by(
            Organisation.borough_id != episode.borough_id, Organisation.name
        )
    )
    return [("", "Select an agency")] + [
        (organisation.id, organisation.name) for organisation in organisations
    ]


def _decision_page(
    episode_id: int,
    form: RecipientForm,
    attempted: str,
    template: str,
    record: Callable[[Episode, RecipientForm], SharingDecision],
):
    episode = _episode(episode_id, attempted)
    if not _may_decide(episode):
        audited_refusal(
            episode, "not allowed to record sharing decisions on this episode", attempted=attempted
        )
        db.session.commit()
        return render_error(403)
    form.organisation_id.choices = _agency_choices(episode)
    refused = None
    if request.method == "POST":
        problem: object = "the answers were not valid"
        if form.validate_on_submit():
            try:
                record(episode, form)
            except services.SharingRefused as error:
                db.session.rollback()
                form.organisation_id.errors = [error.reason]
                problem = refused = error
            except services.SharingInvalid as error:
                db.session.rollback()
                form.show_problems(error.errors)
                problem = error
            else:
                db.session.commit()
                flash("The decision is in the information-sharing register")
                return redirect(url_for(".register", episode_id=episode.id))
        else:
            problem = services.SharingInvalid(
                {name: messages[0] for name, messages in form.errors.items()}
            )
        audited_refusal(episode, problem, attempted=attempted, organisation_id=form.agency_id())
        db.session.commit()
    return render_template(
        template,
        episode=episode,
        form=form,
        refused=refused,
        consent=consent_services.status(db.session, episode),
    )


def _recipient(form: RecipientForm) -> dict:
    return {
        "organisation_id": form.organisation_id.data,
        "recipient_name": (form.recipient_name.data or "").strip(),
    }


@bp.route("/episodes/<int:episode_id>/sharing/with-consent", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT)
def share_with_consent(episode_id: int):
    def record(episode: Episode, form: ShareWithConsentForm) -> SharingDecision:
        return services.share(
            db.session,
            episode,
            current_user,
            what=form.what.data,
            client_address=client_address(),
            **_recipient(form),
        )

    return _decision_page(
        episode_id, ShareWithConsentForm(), "share with consent", "sharing/share.html", record
    )


@bp.route("/episodes/<int:episode_id>/sharing/public-interest", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT)
def public_interest(episode_id: int):
    def record(episode: Episode, form: PublicInterestForm) -> SharingDecision:
        return services.share(
            db.session,
            episode,
            current_user,
            what=form.what.data,
            public_interest=form.public_interest(),
            client_address=client_address(),
            **_recipient(form),
        )

    return _decision_page(
        episode_id,
        PublicInterestForm(),
        "share in the public interest",
        "sharing/public_interest.html",
        record,
    )


@bp.route("/episodes/<int:episode_id>/sharing/not-shared", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT)
def not_shared(episode_id: int):
    def record(episode: Episode, form: NotSharedForm) -> SharingDecision:
        return services.record_decision(
            db.session,
            episode,
            current_user,
            basis=SharingBasis.NOT_SHARED,
            what=form.what.data,
            reasons=form.reasons.data,
            client_address=client_address(),
            **_recipient(form),
        )

    return _decision_page(
        episode_id, NotSharedForm(), "record not shared", "sharing/not_shared.html", record
    )


@bp.route("/sharing/decisions/<int:decision_id>/review", methods=["GET", "POST"])
@requires(Permission.SHARING_REVIEW)
def review(decision_id: int):
    """A manager reviews a decision to share without consent made in their team: agreed or
    not, with a comment (guidance 4.25). Anyone else gets an audited 404."""
    decision = visible_or_404(
        Permission.SHARING_REVIEW, db.session.get(SharingDecision, decision_id)
    )
    episode = db.session.get(Episode, decision.episode_id)
    form = SharingReviewForm()
    if decision.review is None and form.validate_on_submit():
        saving = Saving(form, services.SharingInvalid)
        with saving:
            services.record_review(
                db.session,
                decision,
                current_user,
                agreed=form.agreed.data,
                comment=form.comment.data,
                client_address=client_address(),
            )
        if saving.committed:
            flash(f"Your review of the decision to share {episode.reference} is recorded")
            return redirect(url_for("home.index", _anchor="sharing-reviews"))
    if request.method == "POST" and form.errors:
        audited_refusal(
            episode,
            services.SharingInvalid({n: m[0] for n, m in form.errors.items()}),
            attempted="review a decision to share without consent",
        )
    audited_about("sharing.decision_review_viewed", decision, episode=episode)
    db.session.commit()
    return render_template("sharing/review.html", decision=decision, episode=episode, form=form)
