"""Sessions kept on the server: the cookie carries only an opaque, random key.

Flask's default session is a signed cookie: readable by anyone holding it (it once carried a
flash naming a child), and impossible to end from the server. Here the session's contents
live in the `sign_in_session` table, found by the SHA-256 digest of the cookie's key, so:

- nothing of the session is in the browser, only 256 random bits;
- a person sees their sessions (device, address, when) and ends any of them, or all;
- a cleared session (signing in, signing out, timing out) gets a new key: the old one is
  ended, so a key seen before signing in is worthless after (no fixation);
- whenever an account's session token changes (signing out everywhere, deactivation, a new
  password, a reset of two-factor sign-in), every one of its sessions ends with it: a rule
  on the database flush (`_end_sessions_of_changed_tokens`), whatever code path changes it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import DateTime, ForeignKey, String, Text, delete, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.datastructures import CallbackDict

from webapp import db
from webapp.accounts.models import User
from webapp.db import Base, utcnow

# A session's last-seen time is written at most this often (each write is a commit).
TOUCH_SECONDS = 60
USER_AGENT_MAX = 200
STATIC_ENDPOINTS = frozenset({"static", "assets.asset"})


class SignInSession(Base):
    """One browser's session. `user_id` is set while someone is signed in with it."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_MAX), default="")
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_reason: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped[User | None] = relationship()

    @property
    def device(self) -> str:
        return describe_device(self.user_agent)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def describe_device(user_agent: str) -> str:
    """A plain name for a browser and system, from its User-Agent."""
    browsers = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
    systems = (
        ("Windows", "Windows"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Mac OS X", "Mac"),
        ("Linux", "Linux"),
    )
    browser = next((name for mark, name in browsers if mark in user_agent), "")
    if not browser and "Safari/" in user_agent:
        browser = "Safari"
    system = next((name for mark, name in systems if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, key: str | None = None):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.key = key
        self.modified = False
        self.renew = False

    def clear(self) -> None:
        """Emptied on signing in, signing out or timing out: the next key is a new one."""
        super().clear()
        self.renew = True


class StaticSession(ServerSession):
    """The empty, unsaved session of a request for a static file."""


def _signed_in_user_id(data: dict) -> int | None:
    user_id, _, _token = str(data.get("_user_id", "")).partition(":")
    return int(user_id) if user_id.isdigit() else None


def _for_static_file(app: Flask, path: str) -> bool:
    """Whether `path` is a static file's. Flask matches the URL only after opening the
    session, so `request.endpoint` is not known yet: the static routes' paths are compared
    instead."""
    prefixes = app.extensions.get("caf_static_prefixes")
    if prefixes is None:
        prefixes = tuple(
            rule.rule.partition("<")[0]
            for rule in app.url_map.iter_rules()
            if rule.endpoint in STATIC_ENDPOINTS
        )
        app.extensions["caf_static_prefixes"] = prefixes
    return path.startswith(prefixes)


class DatabaseSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    def open_session(self, app: Flask, request) -> ServerSession:
        key = request.cookies.get(self.get_cookie_name(app))
        if _for_static_file(app, request.path):
            # Styles, scripts and fonts need no session: they never touch the database.
            return StaticSession()
        if not key or len(key) > 100:
            return ServerSession()
        row = db.session.scalar(
            select(SignInSession).where(
                SignInSession.key_digest == digest(key),
                SignInSession.ended_at.is_(None),
                SignInSession.expires_at > utcnow(),
            )
        )
        if row is None:
            return ServerSession()
        session = ServerSession(self.serializer.loads(row.data), key=key)
        session.row_id = row.id
        session.last_seen_at = row.last_seen_at
        return session

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        if isinstance(session, StaticSession):
            return
        # What the view left uncommitted is discarded at the end of the request anyway; the
        # session's own change is committed alone (SQLite allows one writer: a second
        # connection would wait for this one).
        db.session.rollback()
        name, domain, path = (
            self.get_cookie_name(app),
            self.get_cookie_domain(app),
            self.get_cookie_path(app),
        )
        row_id = getattr(session, "row_id", None)
        now = utcnow()
        if row_id is not None and (session.renew or not session):
            db.session.execute(
                update(SignInSession)
                .where(SignInSession.id == row_id, SignInSession.ended_at.is_(None))
                .values(ended_at=now, ended_reason="renewed" if session else "cleared")
            )
            row_id = None
        if not session:
            db.session.commit()
            if session.key is not None or session.renew:
                response.delete_cookie(name, domain=domain, path=path)
            return
        if row_id is None:
            key = secrets.token_urlsafe(32)
            lifetime = app.permanent_session_lifetime
            db.session.add(
                SignInSession(
                    key_digest=digest(key),
                    user_id=_signed_in_user_id(session),
                    data=self.serializer.dumps(dict(session)),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                    client_address=_client_address(),
                    user_agent=(request.user_agent.string or "")[:USER_AGENT_MAX],
                )
            )
            # Sessions past their lifetime are gone for good; a day's grace for the list.
            db.session.execute(
                delete(SignInSession).where(SignInSession.expires_at < now - timedelta(days=1))
            )
            db.session.commit()
            self._set_cookie(app, session, response, key)
            return
        stale = now - session.last_seen_at >= timedelta(seconds=TOUCH_SECONDS)
        if session.modified or stale:
            db.session.execute(
                update(SignInSession)
                .where(SignInSession.id == row_id)
                .values(
                    data=self.serializer.dumps(dict(session)),
                    user_id=_signed_in_user_id(session),
                    last_seen_at=now,
                    client_address=_client_address(),
                )
            )
            db.session.commit()
        else:
            db.session.rollback()
        if session.modified:
            self._set_cookie(app, session, response, session.key)

    def _set_cookie(self, app: Flask, session, response, key: str) -> None:
        response.set_cookie(
            self.get_cookie_name(app),
            key,
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")


def _client_address() -> str:
    from webapp.accounts.sessions import client_address  # it imports the sign-in form

    return client_address()


def active_of(db_session: Session, user: User) -> list[SignInSession]:
    """The sessions signed in as `user` that have not ended, nor gone idle or expired."""
    now = utcnow()
    idle = timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))
    return list(
        db_session.scalars(
            select(SignInSession)
            .where(
                SignInSession.user_id == user.id,
                SignInSession.ended_at.is_(None),
                SignInSession.expires_at > now,
                SignInSession.last_seen_at > now - idle - timedelta(seconds=TOUCH_SECONDS),
            )
            .order_by(SignInSession.last_seen_at.desc())
        )
    )


def end(db_session: Session, row: SignInSession, reason: str) -> None:
    row.ended_at = utcnow()
    row.ended_reason = reason


@event.listens_for(Session, "before_flush")
def _end_sessions_of_changed_tokens(db_session: Session, _context, _instances) -> None:
    """An account's new session token ends all its sessions, in the same transaction."""
    for user in [obj for obj in db_session.dirty if isinstance(obj, User)]:
        if user.id is not None and inspect(user).attrs.session_token.history.has_changes():
            db_session.execute(
                update(SignInSession)
                .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
                .values(ended_at=utcnow(), ended_reason="signed out everywhere")
            )


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface()
