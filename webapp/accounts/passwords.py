"""Argon2id password hashing, with a dummy hash so unknown accounts cost the same time."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

# "fast" is for the test suite only: the default profile takes ~150 ms a hash by design.
PROFILES = {
    "default": {},
    "fast": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}

# No argon2 hash starts with this, so no password ever matches a hash that does.
UNUSABLE_PREFIX = "!"


def unusable_password_hash() -> str:
    """What a new account stores until its person sets a password of their own."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def is_usable(password_hash: str | None) -> bool:
    return bool(password_hash) and not password_hash.startswith(UNUSABLE_PREFIX)


class Passwords:
    def __init__(self, profile: str) -> None:
        self.hasher = PasswordHasher(**PROFILES[profile])
        self._dummy_hash = self.hasher.hash("not a real password")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True if `password` matches; with no usable hash, spend the same time and say
        False."""
        usable = is_usable(password_hash)
        try:
            return (
                self.hasher.verify(password_hash if usable else self._dummy_hash, password)
                and usable
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


def init_app(app: Flask) -> None:
    app.extensions["caf_passwords"] = Passwords(app.config["ARGON2_PROFILE"])


def passwords() -> Passwords:
    return current_app.extensions["caf_passwords"]
