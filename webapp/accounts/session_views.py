"""A person's own sessions: where they are signed in, and signing out of any or all."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import refuse, requires
from webapp.accounts import services
from webapp.accounts.forms import SignOutForm
from webapp.accounts.session_store import SignInSession, active_of, end
from webapp.audit.requests import audited, audited_about

bp = Blueprint("account_sessions", __name__)


def _this_session_id() -> int | None:
    return getattr(session, "row_id", None)


@bp.route("/account/sessions")
@requires(Permission.ACCOUNT_VIEW_OWN)
def index():
    return render_template(
        "accounts/sessions.html",
        sessions=active_of(db.session, current_user),
        this_session_id=_this_session_id(),
        form=SignOutForm(),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@requires(Permission.ACCOUNT_VIEW_OWN)
def end_one(session_id: int):
    """Sign out one other device; signing out here is the sign-out button's."""
    row = db.session.get(SignInSession, session_id)
    if (
        row is None
        or row.user_id != current_user.id
        or row.ended_at is not None
        or row.id == _this_session_id()
    ):
        refuse(404, "no such session of this account", session_id=session_id)
    if SignOutForm().validate_on_submit():
        end(db.session, row, "signed out by its owner")
        audited_about("auth.session.ended", row)
        db.session.commit()
        flash(f"You have signed out of {row.device} ({row.client_address or 'unknown address'})")
    return redirect(url_for(".index"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@requires(Permission.ACCOUNT_VIEW_OWN)
def end_all():
    """Sign out everywhere, here included: a new session token ends every session."""
    if not SignOutForm().validate_on_submit():
        return redirect(url_for(".index"))
    audited(
        "auth.sign_out.everywhere",
    )
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out everywhere. Sign in again to go on.")
    return redirect(url_for("accounts.sign_in"))
