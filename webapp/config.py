"""Configuration: defaults, then instance/config.py, then CAF_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "SERVICE_NAME": "eCAF",
    "SESSION_COOKIE_NAME": "ecaf_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_WARNING_MINUTES": 2,
    # Failed sign-ins lock the email address typed (any account, or none) for 15 minutes
    # after 5; a client address is only slowed down: after 100 failures in a run, one
    # attempt every 10 seconds (README, "Signing in").
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "LOGIN_ADDRESS_SLOW_DOWN_AFTER": 100,
    "LOGIN_ADDRESS_SLOW_DOWN_SECONDS": 10,
    "LOGIN_KNOWN_DEVICE_DAYS": 90,
    # How many reverse proxies in front of the app set X-Forwarded-For and -Proto: 0
    # trusts no such header.
    "TRUSTED_PROXIES": 0,
    "DBS_VALID_YEARS": 3,
    "WTF_CSRF_TIME_LIMIT": None,
    "GOVUK_FRONTEND_DIST": str(PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    "ARGON2_PROFILE": "default",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "CHILD_INDEX_SEARCHES_PER_HOUR": 60,
    # How long urgent ("break-glass") access to an episode lasts (README, "Access monitoring").
    "BREAK_GLASS_MINUTES": 60,
    "WORKFLOWS_PATH": str(PROJECT_ROOT / "workflows"),
    "FORMDEFS_PATH": str(PROJECT_ROOT / "formdefs"),
    "DOCUMENT_TEMPLATES_PATH": str(PROJECT_ROOT / "templates"),
    "UPLOAD_FOLDER": None,  # None: <instance>/uploads, outside the web root
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # Every uploaded Word document (a zip package) is held to these before it is parsed:
    # what it holds once opened, in all and in each part, how many parts, and how many
    # times a part of over 1MB may inflate. A real document, pictures included, stays well
    # inside them; a "zip bomb" does not.
    "DOCUMENT_PACKAGE_MAX_INFLATED_BYTES": 64 * 1024 * 1024,
    "DOCUMENT_PACKAGE_MAX_PART_BYTES": 24 * 1024 * 1024,
    "DOCUMENT_PACKAGE_MAX_PARTS": 1000,
    "DOCUMENT_PACKAGE_MAX_COMPRESSION_RATIO": 100,
    # A Word template's XML parts, in all (its pictures aside): checking and rendering a
    # template take time in proportion to them.
    "DOCUMENT_TEMPLATE_MAX_XML_BYTES": 4 * 1024 * 1024,
    "AUDIT_KEY": None,  # None: generated into <instance>/audit_key
    # Encrypts the accounts' two-factor secrets. None: generated into <instance>/two_factor_key.
    # Changing it makes everyone set up their authenticator app again.
    "TWO_FACTOR_KEY": None,
    "AUDIT_ANCHOR_PATH": None,  # None: <instance>/audit-anchors.log
    # E-mail (README, "E-mail"). Without SMTP_HOST each message is written to
    # MAIL_OUTBOX_FOLDER as an .eml file instead of being sent.
    "SERVICE_URL": None,  # where people reach eCAF, for links in e-mails
    "MAIL_FROM": "eCAF <ecaf@localhost>",
    "MAIL_OUTBOX_FOLDER": None,  # None: <instance>/outbox
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_TLS": "starttls",  # starttls, tls (implicit, usually port 465) or none
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_CA_FILE": None,  # None: the system's certificate authorities
    "SMTP_TIMEOUT_SECONDS": 10,
    # Password resets asked for, per email address typed and per client address, an hour.
    "PASSWORD_RESETS_PER_EMAIL_PER_HOUR": 3,
    "PASSWORD_RESETS_PER_ADDRESS_PER_HOUR": 20,
    # How long a report's protected figures are kept, in each app process, for the next
    # reader of the same report (0 keeps nothing): webapp/reports/cache.py.
    "REPORTS_CACHE_SECONDS": 120,
}

# Environment variables that override configuration, with the type they are read as.
ENVIRONMENT: dict[str, tuple[str, type]] = {
    "CAF_DATABASE_URL": ("DATABASE_URL", str),
    "CAF_SECRET_KEY": ("SECRET_KEY", str),
    "CAF_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "CAF_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", bool),
    "CAF_GOVUK_FRONTEND_DIST": ("GOVUK_FRONTEND_DIST", str),
    "CAF_DBS_VALID_YEARS": ("DBS_VALID_YEARS", int),
    "CAF_WORKFLOWS_PATH": ("WORKFLOWS_PATH", str),
    "CAF_FORMDEFS_PATH": ("FORMDEFS_PATH", str),
    "CAF_DOCUMENT_TEMPLATES_PATH": ("DOCUMENT_TEMPLATES_PATH", str),
    "CAF_UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
    "CAF_UPLOAD_MAX_BYTES": ("UPLOAD_MAX_BYTES", int),
    "CAF_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "CAF_BREAK_GLASS_MINUTES": ("BREAK_GLASS_MINUTES", int),
    "CAF_REPORTS_CACHE_SECONDS": ("REPORTS_CACHE_SECONDS", int),
    "CAF_AUDIT_KEY": ("AUDIT_KEY", str),
    "CAF_TWO_FACTOR_KEY": ("TWO_FACTOR_KEY", str),
    "CAF_AUDIT_ANCHOR_PATH": ("AUDIT_ANCHOR_PATH", str),
    "CAF_SERVICE_URL": ("SERVICE_URL", str),
    "CAF_MAIL_FROM": ("MAIL_FROM", str),
    "CAF_SMTP_HOST": ("SMTP_HOST", str),
    "CAF_SMTP_PORT": ("SMTP_PORT", int),
    "CAF_SMTP_TLS": ("SMTP_TLS", str),
    "CAF_SMTP_USERNAME": ("SMTP_USERNAME", str),
    "CAF_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "CAF_SMTP_CA_FILE": ("SMTP_CA_FILE", str),
}

MINIMUM_AUDIT_KEY_LENGTH = 32


def _parse(value: str, kind: type) -> object:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def load(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "ecaf.sqlite3")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for variable, (key, kind) in ENVIRONMENT.items():
            if variable in os.environ:
                app.config[key] = _parse(os.environ[variable], kind)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("MAIL_OUTBOX_FOLDER"):
        app.config["MAIL_OUTBOX_FOLDER"] = str(Path(app.instance_path) / "outbox")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    _load_audit_settings(app)
    if not app.config.get("TWO_FACTOR_KEY"):
        app.config["TWO_FACTOR_KEY"] = _instance_secret_key(
            Path(app.instance_path), "two_factor_key"
        )


def _load_audit_settings(app: Flask) -> None:
    """The audit trail's HMAC key, held outside the database (so that someone who can write
    to the database cannot recompute the chain), and the anchors file beside it."""
    if not app.config.get("AUDIT_KEY"):
        app.config["AUDIT_KEY"] = _instance_secret_key(Path(app.instance_path), "audit_key")
    if len(app.config["AUDIT_KEY"]) < MINIMUM_AUDIT_KEY_LENGTH:
        raise ValueError(
            f"CAF_AUDIT_KEY must be at least {MINIMUM_AUDIT_KEY_LENGTH} characters long"
        )
    if app.config["AUDIT_KEY"] == app.config["SECRET_KEY"]:
        raise ValueError("CAF_AUDIT_KEY must differ from the session secret key")
    if not app.config.get("AUDIT_ANCHOR_PATH"):
        app.config["AUDIT_ANCHOR_PATH"] = str(Path(app.instance_path) / "audit-anchors.log")


def _instance_secret_key(instance_path: Path, file_name: str = "secret_key") -> str:
    """Read the key from instance/<file_name>, creating it (readable by the owner only) once."""
    key_file = instance_path / file_name
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
