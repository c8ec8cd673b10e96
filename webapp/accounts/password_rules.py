"""What a password may be, following the NCSC's password guidance and NIST SP 800-63B: long
enough, long enough to be a passphrase, any characters at all (spaces, accents, any
script), no composition rules (no "must contain a digit"), and not easy to guess.

"Easy to guess" is judged by zxcvbn (Dropbox's password strength estimator, maintained on
PyPI as `zxcvbn`). It ships its own lists: the 30,000 most common passwords of breached
password sets, common English words, names and surnames. It finds in a password those,
the words it is told about this account (the service's name, the person's name and email
address), repeats ("aaaa", "abcabc"), sequences ("abcd", "1234"), rows and patterns of keys
("qwerty", "1q2w3e"), dates and years, in any mix, and estimates how many guesses the
whole would take. A password it puts under 10^8 guesses is refused, saying why.

This is the one rule for every way a password is set: forms call `weakness()` for the
message, and services call `check()` before they hash.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from zxcvbn import zxcvbn

if TYPE_CHECKING:
    from webapp.accounts.models import User

MIN_LENGTH = 12  # NIST's floor is 8; eCAF asked for 12 before these rules
MAX_LENGTH = 200  # NIST asks that at least 64 be allowed
MIN_GUESSES_LOG10 = 8  # zxcvbn's "score 3": beyond guessing online, even unthrottled
# zxcvbn's time grows steeply with length (seconds at 100 characters). The first 64 are
# enough to judge by: the characters after them can only make a password harder to guess.
JUDGED_LENGTH = 64
SERVICE_WORDS = ("ecaf", "caf", "common assessment framework")

GUESS = "Choose a password that is harder to guess: "


class Weakness(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    ABOUT_THE_ACCOUNT = "about_the_account"
    COMMON = "common"
    REPEATED = "repeated"
    SEQUENCE = "sequence"
    KEYBOARD = "keyboard"
    GUESSABLE = "guessable"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES = {
    Weakness.TOO_SHORT: f"Password must be {MIN_LENGTH} characters or more",
    Weakness.TOO_LONG: f"Password must be {MAX_LENGTH} characters or fewer",
    Weakness.ABOUT_THE_ACCOUNT: GUESS
    + "this one uses your name, your email address or the name of this service",
    Weakness.COMMON: GUESS + "this one is a common password, or too like one",
    Weakness.REPEATED: GUESS + "this one repeats characters or words, like aaaa or abcabc",
    Weakness.SEQUENCE: GUESS + "this one has a sequence in it, like abcd or 1234",
    Weakness.KEYBOARD: GUESS + "this one follows keys on a keyboard, like qwerty",
    Weakness.GUESSABLE: GUESS + "this one is made of common words, names or dates",
}

# When a password has several weaknesses of the same size, the one named first is given.
_ORDER = (
    Weakness.ABOUT_THE_ACCOUNT,
    Weakness.COMMON,
    Weakness.REPEATED,
    Weakness.SEQUENCE,
    Weakness.KEYBOARD,
    Weakness.GUESSABLE,
)

# zxcvbn keeps the words about the account in a module-level dictionary while it runs.
_zxcvbn_lock = threading.Lock()


class WeakPassword(ValueError):
    def __init__(self, weakness: Weakness) -> None:
        super().__init__(weakness.message)
        self.weakness = weakness


def words_about(email: str = "", full_name: str = "") -> list[str]:
    """The words a guesser would try first for this account: the service's name, the email
    address and its parts, the person's name and its parts."""
    words = list(SERVICE_WORDS)
    for phrase in (email.strip().lower(), full_name.strip().lower()):
        if phrase:
            words.append(phrase)
            words.extend(part for part in re.split(r"[\s@._+\-']+", phrase) if len(part) > 1)
    local_part = email.strip().lower().partition("@")[0]
    if local_part:
        words.append(local_part)
    return list(dict.fromkeys(words))


def words_for(user: User) -> list[str]:
    return words_about(user.email, user.full_name)


def weakness(password: str, about_the_account: Iterable[str] = SERVICE_WORDS) -> Weakness | None:
    """Why `password` may not be used, or None if it may."""
    if len(password) < MIN_LENGTH:
        return Weakness.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return Weakness.TOO_LONG
    judged = password[:JUDGED_LENGTH]
    words = [word for word in about_the_account if word]
    estimate = _estimate(judged, words)
    if estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        return _main_weakness(estimate["sequence"])
    # The account's own words count for nothing: what is left must be hard to guess alone.
    rest = _without(judged, words)
    if rest != judged and _estimate(rest, [])["guesses_log10"] < MIN_GUESSES_LOG10:
        return Weakness.ABOUT_THE_ACCOUNT
    return None


def check(password: str, about_the_account: Iterable[str] = SERVICE_WORDS) -> None:
    """Raise WeakPassword unless `password` may be used."""
    found = weakness(password, about_the_account)
    if found is not None:
        raise WeakPassword(found)


def _estimate(password: str, words: list[str]) -> dict:
    with _zxcvbn_lock:
        return zxcvbn(password, user_inputs=words, max_length=JUDGED_LENGTH)


def _without(password: str, words: list[str]) -> str:
    """`password` with every word of three letters or more from `words` taken out."""
    for word in sorted((word for word in words if len(word) >= 3), key=len, reverse=True):
        password = re.sub(re.escape(word), "", password, flags=re.IGNORECASE)
    return password


def _main_weakness(sequence: list[dict]) -> Weakness:
    """The weakness that covers most of the password."""
    found = [
        (len(match["token"]), _weakness_of(match))
        for match in sequence
        if match["pattern"] != "bruteforce"
    ]
    if not found:
        return Weakness.GUESSABLE
    longest = max(size for size, _ in found)
    return min((w for size, w in found if size == longest), key=_ORDER.index)


def _weakness_of(match: dict) -> Weakness:
    pattern = match["pattern"]
    if pattern == "dictionary":
        return {
            "user_inputs": Weakness.ABOUT_THE_ACCOUNT,
            "passwords": Weakness.COMMON,
        }.get(match["dictionary_name"], Weakness.GUESSABLE)
    return {
        "repeat": Weakness.REPEATED,
        "sequence": Weakness.SEQUENCE,
        "spatial": Weakness.KEYBOARD,
    }.get(pattern, Weakness.GUESSABLE)
