"""A browser that has signed in to an account before is recognised when it signs in to that
account again, so that a slow-down of its client address (someone else's failed attempts
from the same network) does not hold the person up.

The cookie holds, signed and dated, a keyed digest of each email address that signed in on
this browser: it says nothing readable and cannot be made without the secret key. It only
lifts the slow-down per address; the lock-out of an account applies all the same.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Request, Response, current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from webapp.accounts.services import normalise_email

COOKIE_NAME = "ecaf_known_device"
SALT = "ecaf-known-device"
KEPT = 5  # a few people may share one office computer


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age_seconds() -> int:
    return int(current_app.config["LOGIN_KNOWN_DEVICE_DAYS"]) * 24 * 60 * 60


def _tag(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = b"known-device:" + normalise_email(email).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _tags(request: Request) -> list[str]:
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return []
    try:
        tags = _serializer().loads(value, max_age=_max_age_seconds())
    except BadData:
        return []
    if not isinstance(tags, list):
        return []
    return [tag for tag in tags if isinstance(tag, str)][:KEPT]


def recognises(request: Request, email: str) -> bool:
    """Whether this browser signed in to `email` within LOGIN_KNOWN_DEVICE_DAYS."""
    tag = _tag(email)
    return any(hmac.compare_digest(tag, known) for known in _tags(request))


def remember(request: Request, response: Response, email: str) -> None:
    """After a successful sign-in: this browser now knows `email` (most recent first)."""
    tag = _tag(email)
    tags = [tag] + [known for known in _tags(request) if known != tag]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(tags[:KEPT]),
        max_age=_max_age_seconds(),
        path=url_for("accounts.sign_in"),  # sent with sign-in attempts only
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
