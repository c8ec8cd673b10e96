from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import dbs_in_date, may, public, requires
from webapp.episodes import workflow
from webapp.home import approvals, notifications
from webapp.home.worklists import DUE_SOON_DAYS, worklists_for
from webapp.sharing import services as sharing_services
from webapp.tac import services as tac_services

bp = Blueprint("home", __name__)

# Account roles whose holders work on children's records, and so need an in-date DBS check.
RECORD_ROLES = {Role.PRACTITIONER, Role.MANAGER, Role.BOROUGH_CAF_CONTACT}


@bp.route("/")
@requires(Permission.HOME_VIEW)
def index():
    # Worklists link to children's records: none without the permission to see them.
    worklists = (
        worklists_for(db.session, current_user, workflow.catalogue())
        if may(current_user, Permission.EPISODE_VIEW)
        else []
    )
    return render_template(
        "home/index.html",
        worklists=worklists,
        due_soon_days=DUE_SOON_DAYS,
        needs_dbs=bool(current_user.roles & RECORD_ROLES) and not dbs_in_date(current_user),
        sharing_reviews=sharing_services.decisions_to_review(db.session, current_user)
        if may(current_user, Permission.SHARING_REVIEW)
        else [],
        notifications=notifications.unread(db.session, current_user),
        unread_count=notifications.unread_count(db.session, current_user),
        waiting_answers=tac_services.waiting_answers(db.session, current_user),
        administers_workflows=may(current_user, Permission.BOROUGH_ADMINISTER)
        or may(current_user, Permission.SYSTEM_ADMINISTER),
        # A manager acts for the team they are in (webapp/useradmin/teams.py): none, nothing.
        manages_team=current_user.team if current_user.has_role(Role.MANAGER) else None,
        manager_without_team=current_user.has_role(Role.MANAGER) and current_user.team_id is None,
        approvals=approvals.waiting_for(db.session, current_user)
        if may(current_user, Permission.ROLE_GRANTS_DECIDE)
        else [],
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires(Permission.HOME_VIEW)
def mark_notification_read(notification_id: int):
    notification = notifications.find_own(db.session, current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(notification)
    db.session.commit()
    flash("Notification marked as read")
    return redirect(url_for(".index", _anchor="notifications"))


@bp.route("/notifications/read", methods=["POST"])
@requires(Permission.HOME_VIEW)
def mark_all_notifications_read():
    marked = notifications.mark_all_read(db.session, current_user)
    db.session.commit()
    flash(f"{marked} notification{'s' if marked != 1 else ''} marked as read")
    return redirect(url_for(".index"))


@bp.route("/healthz")
@public
def health():
    return {"status": "ok"}


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("home/accessibility.html")
