"""What the password step and the second step of signing in share: the lock-out rules, the
form fields carried through a sign-in after an idle time-out, and the last move, which
signs the person in."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import login_user

from webapp.accounts import services
from webapp.accounts.models import User
from webapp.accounts.sessions import mark_active, safe_local_path


def throttle_rules() -> services.ThrottleRules:
    config = current_app.config
    return services.ThrottleRules(
        max_failures=config["LOGIN_MAX_FAILURES"],
        lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        address_slow_down_after=config["LOGIN_ADDRESS_SLOW_DOWN_AFTER"],
        address_slow_down=timedelta(seconds=config["LOGIN_ADDRESS_SLOW_DOWN_SECONDS"]),
    )


def carried_from_form() -> list[tuple[str, str]]:
    names = request.form.getlist("carried_name")
    values = request.form.getlist("carried_value")
    return list(zip(names, values, strict=False))


def complete_sign_in(user: User, next_page: str | None):
    """Sign `user` in (after the password, and the second step if they need one)."""
    expired_user_id = session.get("expired_user_id")
    resume_to = safe_local_path(session.get("resume_to"))
    next_page = safe_local_path(next_page)
    carried = carried_from_form()
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    mark_active()
    if carried and resume_to and expired_user_id == user.id:
        return render_template("accounts/resume.html", resume_to=resume_to, carried=carried)
    return redirect(next_page or url_for("home.index"))
