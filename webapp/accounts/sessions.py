"""Idle time-out that loses no typed work.

Each request records when the user was last active. After SESSION_IDLE_MINUTES of
inactivity the session ends. If the request that finds the session expired is a form
submission, its fields are carried (in the page, never stored on the server) through the
sign-in page, and the same user can send them again after signing back in.
"""

from __future__ import annotations

import ipaddress
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request, session
from flask_login import current_user, logout_user

from webapp import db, flashes
from webapp.accounts.forms import SignInForm
from webapp.audit import services as audit

# Endpoints whose requests must not count as activity (a page polling would keep it alive).
PASSIVE_ENDPOINTS = frozenset({"accounts.session_status", "static", "assets.asset"})
# Fields never carried through a re-sign-in.
DROPPED_FIELDS = frozenset({"csrf_token", "password", "submit"})


def idle_seconds() -> int:
    return int(current_app.config["SESSION_IDLE_MINUTES"]) * 60


def seconds_left() -> int:
    last_seen = session.get("last_seen", 0)
    return max(0, int(last_seen + idle_seconds() - time.time()))


# Activity is written at most this often: each change of the session is a database write.
ACTIVE_MARK_SECONDS = 15


def mark_active() -> None:
    now = int(time.time())
    if now - session.get("last_seen", 0) >= ACTIVE_MARK_SECONDS:
        session["last_seen"] = now
    if not session.permanent:
        session.permanent = True


def expire_idle_session():
    """before_request hook: sign out an idle user, keeping what they were submitting."""
    if not current_user.is_authenticated:
        return
    if request.endpoint in PASSIVE_ENDPOINTS:
        return
    if seconds_left() > 0:
        mark_active()
        return
    user_id = current_user.id
    carried = carried_fields() if request.method == "POST" else None
    audit.record(
        db.session, "auth.session.timed_out", actor_id=user_id, client_address=client_address()
    )
    db.session.commit()
    logout_user()
    session.clear()
    session["expired_user_id"] = user_id
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if carried is None:
        flashes.important(f"You were signed out because you were inactive for {minutes} minutes")
        return None  # the view's access check sends the user to sign in
    session["resume_to"] = request.full_path.rstrip("?")
    return render_template(
        "accounts/sign_in.html",
        form=SignInForm(formdata=None),
        carried=carried,
        timed_out=True,
        idle_minutes=minutes,
    )


def carried_fields() -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, values in request.form.lists()
        if name not in DROPPED_FIELDS
        for value in values
    ]


def safe_local_path(target: str | None) -> str | None:
    """Only paths on this site (no scheme, no host, no '//') may be used as a destination."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def client_address() -> str:
    """The client's address: the connecting peer's, or, behind CAF_TRUSTED_PROXIES trusted
    proxies, the one the nearest of them saw (webapp/security.py applies ProxyFix)."""
    address = request.remote_addr or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # not an address: kept, but never longer than the audit column
        return address[:64]


def init_app(app: Flask) -> None:
    app.before_request(expire_idle_session)
