"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238),
or one of the person's recovery codes.

- The TOTP secret is kept encrypted with the instance's two-factor key (CAF_TWO_FACTOR_KEY,
  else instance/two_factor_key), and shown only while the person sets up their app.
- A code is accepted for the time-step it belongs to, one step either side for a clock that
  drifts; the last step accepted is remembered, and a code for that step or an earlier one
  is refused, so that a code seen over a shoulder or in transit cannot be used again.
- Recovery codes are kept as argon2 digests; each signs in once.
- Between the password and the second step the person is not signed in: the sign-in waits
  in a `TwoFactorChallenge` row for a few minutes, named by a token only the browser holds.
- Wrong codes count, per account, as failed sign-ins do (`LoginThrottle`): after
  LOGIN_MAX_FAILURES in a run, the account's second step is locked for
  LOGIN_LOCKOUT_MINUTES.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
import qrcode
import qrcode.image.svg
from argon2.low_level import Type, hash_secret_raw
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts import services
from webapp.accounts.models import (
    LoginThrottle,
    RecoveryCode,
    TwoFactorChallenge,
    User,
    new_session_token,
)
from webapp.accounts.passwords import Passwords
from webapp.audit import services as audit
from webapp.db import utcnow

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after the current one is accepted too
CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper is read back without doubt. 31 letters, 10 of
# them: about 49 bits, out of reach of guessing at LOGIN_MAX_FAILURES tries a lock-out.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
CHALLENGE_VALID_FOR = timedelta(minutes=10)


class CodeResult(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REUSED = "reused"  # right, but for a time-step already used: refused
    LOCKED = "locked"  # too many wrong codes: wait for the lock-out


@dataclass(frozen=True)
class CodeOutcome:
    result: CodeResult
    remaining_recovery_codes: int = 0


# --- who needs it ---------------------------------------------------------------------


def is_enrolled(user: User) -> bool:
    """Whether the person has set up an app. A secret that the two-factor key in use cannot
    read (the key was changed) counts as none: they set up their app again."""
    return user.totp_secret is not None and decrypt_secret(user.totp_secret) is not None


def required_for(user: User) -> bool:
    """A system administrator always needs it; anyone else if their borough requires it."""
    return user.has_role(Role.SYSTEM_ADMIN) or user.borough.two_factor_required


def needs_second_step(user: User) -> bool:
    """Whoever has set it up uses it, required or not."""
    return is_enrolled(user) or required_for(user)


# --- the secret -----------------------------------------------------------------------


def _fernet() -> Fernet:
    key = str(current_app.config["TWO_FACTOR_KEY"]).encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"ecaf-two-factor:" + key).digest()))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str | None:
    """The secret, or None if it was encrypted with another key (the key was changed)."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def provisioning_uri(secret: str, user: User) -> str:
    issuer = str(current_app.config["SERVICE_NAME"])
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_svg(uri: str) -> Markup:
    """The QR code of `uri` as inline SVG, drawn on the server (no image library)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code to scan with your authenticator app" '
        'class="ecaf-qr-code" ',
        1,
    )
    return Markup(svg.replace('id="qr-path"', ""))  # noqa: S704 - drawn here, no user input


# --- codes from the app ---------------------------------------------------------------


def current_step(now: float | None = None) -> int:
    return int(time.time() if now is None else now) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def normalise_code(code: str) -> str:
    return "".join(character for character in code if not character.isspace() and character != "-")


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time-step `code` belongs to, within the drift allowed; None if it is wrong."""
    code = normalise_code(code)
    step_now = current_step(now)
    for step in range(step_now - DRIFT_STEPS, step_now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def _claim_step(db_session: Session, user: User, step: int) -> bool:
    """Record `step` as used, only if it comes after the last step used: in one statement,
    so that two requests with the same code cannot both succeed."""
    claimed = db_session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


def _throttle_key(user: User) -> str:
    return f"two-factor:{user.id}"


def _locked(db_session: Session, user: User, now: datetime) -> bool:
    throttle = db_session.get(LoginThrottle, _throttle_key(user))
    return services._locked(throttle, now)


def _failed(
    db_session: Session,
    user: User,
    rules: services.ThrottleRules,
    now: datetime,
    action: str,
    **detail: object,
) -> CodeOutcome:
    throttle = services._note_account_failure(db_session, _throttle_key(user), rules, now)
    audit.record(db_session, action, actor_id=user.id, **detail)
    if services._locked(throttle, now):
        audit.record(db_session, "auth.two_factor.lockout_started", actor_id=user.id, **detail)
        return CodeOutcome(CodeResult.LOCKED)
    return CodeOutcome(CodeResult.REUSED if action.endswith("reused") else CodeResult.WRONG)


def _succeeded(db_session: Session, user: User) -> None:
    throttle = db_session.get(LoginThrottle, _throttle_key(user))
    if throttle is not None:
        db_session.delete(throttle)


def check_app_code(
    db_session: Session,
    user: User,
    code: str,
    rules: services.ThrottleRules,
    client_address: str,
    *,
    now: float | None = None,
) -> CodeOutcome:
    """The second step with a code from the app: accepted once, for a step not used before."""
    moment = utcnow()
    detail = {"client_address": client_address}
    if _locked(db_session, user, moment):
        audit.record(db_session, "auth.two_factor.locked", actor_id=user.id, **detail)
        return CodeOutcome(CodeResult.LOCKED)
    secret = decrypt_secret(user.totp_secret) if user.totp_secret else None
    step = matching_step(secret, code, now) if secret else None
    if step is None:
        return _failed(db_session, user, rules, moment, "auth.two_factor.failed", **detail)
    if not _claim_step(db_session, user, step):
        return _failed(db_session, user, rules, moment, "auth.two_factor.reused", **detail)
    _succeeded(db_session, user)
    return CodeOutcome(CodeResult.ACCEPTED)


# --- recovery codes -------------------------------------------------------------------


def normalise_recovery_code(code: str) -> str:
    return normalise_code(code).lower()


def format_recovery_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _digest(code: str, salt: str, passwords: Passwords) -> str:
    hasher = passwords.hasher
    return hash_secret_raw(
        normalise_recovery_code(code).encode(),
        bytes.fromhex(salt),
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=32,
        type=Type.ID,
    ).hex()


def new_recovery_codes(db_session: Session, user: User, passwords: Passwords) -> list[str]:
    """A new set of codes, replacing any the person had: returned to be shown once."""
    db_session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    salt = secrets.token_hex(16)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    for code in codes:
        db_session.add(
            RecoveryCode(user_id=user.id, salt=salt, digest=_digest(code, salt, passwords))
        )
    db_session.flush()
    return [format_recovery_code(code) for code in codes]


def remaining_recovery_codes(db_session: Session, user: User) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _use_recovery_code(db_session: Session, user: User, code: str, passwords: Passwords) -> bool:
    unused = db_session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    digests: dict[str, str] = {}
    for row in unused:
        if row.salt not in digests:
            digests[row.salt] = _digest(code, row.salt, passwords)
        if hmac.compare_digest(digests[row.salt], row.digest):
            used = db_session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            return bool(used)
    if not digests:  # no codes left: spend the time of one check all the same
        _digest(code, secrets.token_hex(16), passwords)
    return False


def check_recovery_code(
    db_session: Session,
    user: User,
    code: str,
    passwords: Passwords,
    rules: services.ThrottleRules,
    client_address: str,
) -> CodeOutcome:
    moment = utcnow()
    detail = {"client_address": client_address}
    if _locked(db_session, user, moment):
        audit.record(db_session, "auth.two_factor.locked", actor_id=user.id, **detail)
        return CodeOutcome(CodeResult.LOCKED)
    if not _use_recovery_code(db_session, user, code, passwords):
        return _failed(
            db_session, user, rules, moment, "auth.two_factor.recovery_code_failed", **detail
        )
    _succeeded(db_session, user)
    remaining = remaining_recovery_codes(db_session, user)
    audit.record(
        db_session,
        "auth.two_factor.recovery_code_used",
        actor_id=user.id,
        remaining=remaining,
        **detail,
    )
    return CodeOutcome(CodeResult.ACCEPTED, remaining_recovery_codes=remaining)


# --- setting it up --------------------------------------------------------------------


def pending_secret(challenge: TwoFactorChallenge) -> str:
    """The secret offered to the person setting up their app: made once per sign-in."""
    secret = decrypt_secret(challenge.pending_secret) if challenge.pending_secret else None
    if secret is None:
        secret = new_secret()
        challenge.pending_secret = encrypt_secret(secret)
    return secret


def enrol(
    db_session: Session,
    user: User,
    secret: str,
    code: str,
    client_address: str,
    *,
    now: float | None = None,
) -> bool:
    """Keep `secret` for the account if `code` shows the app has it; the code's step counts
    as used."""
    step = matching_step(secret, code, now)
    if step is None:
        audit.record(
            db_session,
            "auth.two_factor.set_up_failed",
            actor_id=user.id,
            client_address=client_address,
        )
        return False
    user.totp_secret = encrypt_secret(secret)
    user.two_factor_enrolled_at = utcnow()
    user.totp_last_step = step
    audit.record(
        db_session, "auth.two_factor.set_up", actor_id=user.id, client_address=client_address
    )
    return True


def reset(db_session: Session, user: User) -> None:
    """Forget the account's app and recovery codes and end its sessions: at their next
    sign-in the person sets up their app again."""
    user.totp_secret = None
    user.two_factor_enrolled_at = None
    user.totp_last_step = None
    user.session_token = new_session_token()
    db_session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db_session.execute(delete(TwoFactorChallenge).where(TwoFactorChallenge.user_id == user.id))


# --- a sign-in waiting for its second step --------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_challenge(db_session: Session, user: User, next_path: str | None) -> str:
    """A sign-in whose password was right; the token is for the browser's session only."""
    now = utcnow()
    db_session.execute(
        delete(TwoFactorChallenge).where(
            TwoFactorChallenge.user_id == user.id, TwoFactorChallenge.expires_at <= now
        )
    )
    token = secrets.token_urlsafe(32)
    db_session.add(
        TwoFactorChallenge(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + CHALLENGE_VALID_FOR,
            next_path=(next_path or "")[:500],
        )
    )
    db_session.flush()
    return token


def find_challenge(db_session: Session, token: str | None) -> TwoFactorChallenge | None:
    """The sign-in waiting for `token`, unless it has expired or its account cannot sign in."""
    if not token or not isinstance(token, str):
        return None
    challenge = db_session.scalars(
        select(TwoFactorChallenge).where(TwoFactorChallenge.token_hash == _token_hash(token))
    ).one_or_none()
    if challenge is None or challenge.expires_at <= utcnow() or not challenge.user.active:
        return None
    return challenge


def end_challenge(db_session: Session, challenge: TwoFactorChallenge) -> None:
    db_session.delete(challenge)


def signed_in(db_session: Session, user: User, second_factor: str, client_address: str) -> None:
    """The whole sign-in succeeded."""
    user.last_login_at = utcnow()
    audit.record(
        db_session,
        "auth.sign_in.succeeded",
        actor_id=user.id,
        client_address=client_address,
        second_factor=second_factor,
    )
