from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires
from webapp.accounts.sessions import client_address
from webapp.boroughs.models import Sector
from webapp.children import index, matching
from webapp.children.forms import REASONS, ChildSearchForm, StartEpisodeForm
from webapp.children.models import Child
from webapp.episodes import workflow
from webapp.episodes.models import SocialCareInvolvement
from webapp.episodes.services import (
    AnotherOpenEpisode,
    find_open_episode,
    notify_caf_contacts_of_start,
    open_episode,
)
from webapp.errors import render_error

bp = Blueprint("children", __name__)


@bp.route("/child-index", methods=["GET", "POST"])
@requires(Permission.CHILD_INDEX_SEARCH)
def search():
    form = ChildSearchForm()
    results = None
    if form.validate_on_submit():
        query = matching.Query(
            given_name=(form.given_name.data or "").strip(),
            family_name=(form.family_name.data or "").strip(),
            date_of_birth=form.date_of_birth.data,
            postcode=(form.postcode.data or "").strip(),
            reference=(form.reference.data or "").strip(),
        )
        reason = dict(REASONS)[form.reason.data]
        if form.reason_details.data:
            reason += f": {form.reason_details.data.strip()}"
        try:
            results = index.search(
                db.session,
                current_user,
                query,
                reason,
                current_app.config["CHILD_INDEX_SEARCHES_PER_HOUR"],
                client_address(),
            )
        except index.SearchLimitReached:
            db.session.commit()
            return render_error(429)
        db.session.commit()
    return render_template(
        "children/search.html",
        form=form,
        results=results,
        start_form=StartEpisodeForm(),
        may_start=current_user.is_authenticated and _may_start_episodes(),
        may_register_at_centre=_may_register_at_centres(),
    )


def _may_start_episodes() -> bool:
    return may(current_user, Permission.EPISODE_START)


def _may_register_at_centres() -> bool:
    """Children's centre staff register families, and health visitors for them."""
    return may(current_user, Permission.CENTRE_REGISTRATION_RECORD) and (
        current_user.organisation.sector in (Sector.EARLY_YEARS, Sector.HEALTH)
    )


def _child_found_recently(child_id: int) -> Child:
    child = db.session.get(Child, child_id)
    if child is None or not index.child_found_recently(db.session, current_user.id, child_id):
        abort(404)
    return child


def _start_page(child: Child, form: StartEpisodeForm):
    return render_template(
        "children/start.html",
        child=child,
        form=form,
        open_episode=find_open_episode(db.session, child.id),
    )


@bp.route("/children/<int:child_id>/episodes/new")
@requires(Permission.EPISODE_START)
def new_episode(child_id: int):
    """Start a CAF: the existing-CAF check's last question, then the start itself."""
    return _start_page(_child_found_recently(child_id), StartEpisodeForm())


@bp.route("/children/<int:child_id>/episodes", methods=["POST"])
@requires(Permission.EPISODE_START)
def start_episode(child_id: int):
    child = _child_found_recently(child_id)
    form = StartEpisodeForm()
    if not form.validate_on_submit():
        return _start_page(child, form)
    try:
        episode = open_episode(
            db.session,
            workflow.catalogue(),
            child,
            current_user,
            child.borough,
            client_address(),
            social_care=SocialCareInvolvement(form.social_care.data),
        )
    except AnotherOpenEpisode:
        db.session.rollback()
        flashes.important(
            "This child already has an open CAF. Contact its lead professional, or ask to "
            "join its team around the child, instead of starting another."
        )
        return redirect(url_for("crossborough.new_join_request", child_id=child.id))
    db.session.commit()
    try:  # telling the CAF contacts must never undo the start
        notify_caf_contacts_of_start(db.session, episode, current_user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Could not tell the CAF contacts of a new CAF")
    flash(f"CAF episode {episode.reference} started. Record the family's consent next.")
    return redirect(url_for("episodes.show", episode_id=episode.id))
