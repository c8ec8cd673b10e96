"""GOV.UK-styled error pages. No stack trace or internal detail ever reaches the user."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from webapp import db

PAGES = {
    400: ("Sorry, there is a problem with your request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with your request", "errors/400.html"),
    409: ("This episode has changed", "errors/409.html"),
    413: ("The file is too big", "errors/413.html"),
    429: ("Too many requests", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, reason: str = ""):
    title, template = PAGES.get(status, PAGES[500])
    if _wants_json():
        return {"error": title, "status": status}, status
    return render_template(template, title=title, reason=reason, status=status), status


def _http_error(error: HTTPException):
    status = error.code or 500
    if status not in PAGES:
        status = 400 if 400 <= status < 500 else 500
    body, status = render_error(status)
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return body, status, headers


def _csrf_error(error: CSRFError):
    """A form whose session has ended since (signed out elsewhere, the account deactivated):
    its token ended with the session, so the person is sent to sign in, as for any page
    that needs it. Anything else with a bad token is a bad request."""
    view = current_app.view_functions.get(request.endpoint or "")
    if not current_user.is_authenticated and getattr(view, "access_rule", "public") != "public":
        return current_app.login_manager.unauthorized()
    return render_error(400, reason="csrf")


_CLASH_TITLE = "Someone else made the same change at the same moment"


def _uniqueness_clash(error: IntegrityError):
    """A rule the database holds (one open CAF per child, a version number taken once...)
    refused a change that raced another request: the loser is told, nothing is half-saved."""
    current_app.logger.warning("Refused by a database rule on %s %s", request.method, request.path)
    db.session.rollback()
    if _wants_json():
        return {"error": _CLASH_TITLE, "status": 409}, 409
    return render_template("errors/409.html", title=_CLASH_TITLE, reason="clash", status=409), 409


def _unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected_error)
    app.register_error_handler(IntegrityError, _uniqueness_clash)
    app.register_error_handler(Exception, _unexpected_error)
