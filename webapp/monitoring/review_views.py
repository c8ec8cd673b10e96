"""Quarterly access reviews in the browser: a manager's worklist and the review of their
team's quarter; the borough CAF contact's view of every team's review, read only, and the
number of days after which a review is overdue. Anyone else is answered 404 (a team of
another borough, another team) or 403 (no right to any review), audited."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_about
from webapp.boroughs.models import Borough, Team
from webapp.govuk_fields import show_errors
from webapp.monitoring import access_reviews, alerts
from webapp.monitoring.access_reviews import Quarter
from webapp.monitoring.forms import AccessReviewForm, OverdueDaysForm
from webapp.pages import first_answer_stands

bp = Blueprint("access_reviews", __name__, url_prefix="/access-reviews")


@bp.route("")
@requires(Permission.ACCESS_REVIEW_VIEW)
def index():
    today = access_reviews.today()
    latest = access_reviews.last_ended(today)
    contact = may(current_user, Permission.ACCESS_ALERTS_REVIEW)
    return render_template(
        "monitoring/access_reviews.html",
        today=today,
        mine=(
            access_reviews.manager_worklist(db.session, current_user, today)
            if may(current_user, Permission.ACCESS_REVIEW_ATTEST)
            else []
        ),
        borough=(
            access_reviews.borough_worklist(db.session, current_user.borough_id, today)
            if contact
            else []
        ),
        not_appropriate=(
            access_reviews.not_appropriate(
                db.session, current_user.borough_id, latest.before.before.start
            )
            if contact
            else []
        ),
        days=db.session.get(Borough, current_user.borough_id).access_review_days,
        contact=contact,
        quarter_of=access_reviews.quarter_of,
    )


def _team_and_quarter(team_id: int, quarter_key: str) -> tuple[Team, Quarter]:
    team = visible_or_404(Permission.ACCESS_REVIEW_VIEW, db.session.get(Team, team_id))
    quarter = Quarter.parse(quarter_key)
    if quarter is None or not quarter.has_ended(access_reviews.today()):
        abort(404)
    return team, quarter


def _review_page(team: Team, quarter: Quarter, form: AccessReviewForm):
    review = access_reviews.find(db.session, team, quarter)
    return render_template(
        "monitoring/access_review.html",
        team=team,
        quarter=quarter,
        review=review,
        summary=access_reviews.summarise(db.session, team, quarter, current_user),
        due_on=quarter.due_on(team.organisation.borough),
        today=access_reviews.today(),
        rules=alerts.RULES,
        form=form
        if review is None and may(current_user, Permission.ACCESS_REVIEW_ATTEST, team)
        else None,
    )


@bp.route("/teams/<int:team_id>/<quarter_key>")
@requires(Permission.ACCESS_REVIEW_VIEW)
def show(team_id: int, quarter_key: str):
    team, quarter = _team_and_quarter(team_id, quarter_key)
    audited_about("monitoring.access_review_viewed", team, quarter=quarter.key)
    db.session.commit()
    return _review_page(team, quarter, AccessReviewForm())


@bp.route("/teams/<int:team_id>/<quarter_key>", methods=["POST"])
@requires(Permission.ACCESS_REVIEW_ATTEST)
def attest(team_id: int, quarter_key: str):
    team, quarter = _team_and_quarter(team_id, quarter_key)
    team = visible_or_404(Permission.ACCESS_REVIEW_ATTEST, team)
    form = AccessReviewForm()
    if access_reviews.find(db.session, team, quarter) is not None:
        flashes.important("This quarter's review has already been recorded: it cannot change")
        return redirect(url_for(".show", team_id=team.id, quarter_key=quarter.key))
    if not form.validate_on_submit():
        return _review_page(team, quarter, form)
    return first_answer_stands(
        lambda: access_reviews.attest(
            db.session,
            team,
            quarter,
            current_user,
            form.appropriate.data == "yes",
            form.comment.data or "",
            access_reviews.today(),
            client_address(),
        ),
        access_reviews.AlreadyAttested,
        taken="Another manager of the team has already recorded this review",
        back=url_for(".show", team_id=team.id, quarter_key=quarter.key),
        recorded=f"Review of {quarter.title} recorded",
        then=url_for(".index"),
    )


@bp.route("/overdue-days", methods=["GET", "POST"])
@requires(Permission.ACCESS_ALERTS_REVIEW)  # the CAF contact, who tunes the borough's alerts
def overdue_days():
    borough = db.session.get(Borough, current_user.borough_id)
    form = OverdueDaysForm()
    if not form.is_submitted():
        form.days.data = str(borough.access_review_days)
    elif form.validate():
        try:
            access_reviews.set_overdue_days(
                db.session, borough, int(form.days.data), current_user, client_address()
            )
        except access_reviews.DaysInvalid as invalid:
            db.session.rollback()
            show_errors(form, {"days": str(invalid)})
        else:
            db.session.commit()
            flash("The number of days has been saved")
            return redirect(url_for(".index"))
    return render_template("monitoring/access_review_days.html", form=form)
