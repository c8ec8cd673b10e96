"""CSRF, sign-in sessions, response headers and page-wide template helpers."""

from __future__ import annotations

import secrets
from functools import lru_cache

from flask import Flask, g, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may
from webapp.accounts.forms import SignOutForm
from webapp.accounts.models import User


@lru_cache(maxsize=1)
def _user_statement() -> Select:
    """The signed-in user with what every page shows or checks (roles, borough,
    organisation), in one query: it runs on every request."""
    return (
        select(User)
        .where(User.id == bindparam("user_id"))
        .options(
            joinedload(User.role_grants),
            joinedload(User.borough),
            joinedload(User.organisation),
        )
    )


def _load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalars(_user_statement(), {"user_id": int(user_id)}).unique().one_or_none()
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def allow_inline_styles_on_this_page() -> None:
    """Relax the Content-Security-Policy for styles on this one response.

    For pages that draw with a library that writes its own styles: mermaid (the workflow
    diagram page) puts a <style> element inside each SVG it draws and sets `style`
    attributes on its shapes and labels, which `style-src 'self'` blocks. Scripts stay as
    strict as everywhere else (only this site's files and nonce'd scripts run), so no
    injected markup can run code; the page itself holds no personal data.
    """
    g.csp_inline_styles = True


def _style_source() -> str:
    if g.get("csp_inline_styles"):
        return "style-src 'self' 'unsafe-inline'; "
    return "style-src 'self'; "


def _security_headers(response):
    nonce = _csp_nonce()
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"{_style_source()}img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint not in {"assets.asset", "static"}:
        # Pages hold children's personal data: never keep them in a shared cache.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:  # the client's own scheme: a trusted proxy's X-Forwarded-Proto counts
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def _template_helpers() -> dict:
    return {
        "csp_nonce": _csp_nonce,
        "may": lambda permission, target=None: may(current_user, permission, target),
        "Permission": Permission,
        "sign_out_form": SignOutForm,
    }


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and X-Forwarded-Proto only as set by the TRUSTED_PROXIES
    proxies nearest the app (the right-most entries), never as sent by a client.

    X-Forwarded-Host is not trusted: a proxy that passes the client's own header through
    would let a client choose the host of the links the app writes (set-password links).
    The proxy passes the original Host header instead."""
    count = app.config["TRUSTED_PROXIES"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(
            f"TRUSTED_PROXIES (CAF_TRUSTED_PROXIES) must be a whole number, 0 or more: {count!r}"
        )
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    CSRFProtect(app)
    WTFormsHelpers(app)
    login_manager = LoginManager(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = flashes.IMPORTANT  # not a confirmation
    login_manager.session_protection = "basic"
    app.after_request(_security_headers)
    app.context_processor(_template_helpers)
