"""Tolerant matching for the child index: accents, case, punctuation, common name variants,
typing errors and day/month transposed dates.

Search keys are stored on each child and indexed, so candidates come from an index lookup;
only those candidates are scored here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

# Given names that are the same name in everyday use (a small, extendable list).
NAME_VARIANTS = [
    {"william", "bill", "billy", "will", "liam"},
    {"robert", "bob", "bobby", "rob", "robbie"},
    {"elizabeth", "liz", "lizzie", "beth", "eliza", "betty"},
    {"muhammad", "mohammed", "mohammad", "mohamed", "muhammed", "mo"},
    {"alexander", "alex", "sasha", "alexandra", "alexa"},
    {"katherine", "catherine", "kate", "katie", "cathy", "kathryn"},
    {"jacob", "jake", "jakub"},
    {"joseph", "joe", "joey", "josef", "jose"},
    {"thomas", "tom", "tommy"},
    {"oliver", "ollie", "olly"},
    {"charlotte", "lottie", "charlie"},
    {"zoe", "zoey"},
    {"aleksander", "alexander"},
    {"jonathan", "jon", "john", "johnny", "jack"},
    {"sian", "sean", "shaun", "shawn"},
]
NAME_VARIANTS_BY_NAME = {name: frozenset(group) for group in NAME_VARIANTS for name in group}


@lru_cache(maxsize=2**17)
def normalise(text: str) -> str:
    """'Zoë  O'Brien-Smith' -> 'zoe obrien smith'. Cached: the same names come up again and
    again, in scoring every candidate and in loading the index."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.casefold().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z]+", " ", plain).split())


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=2**17)
def soundex(text: str) -> str:
    """American Soundex of the name's letters run together: 'Robert' and 'Rupert' -> R163."""
    word = normalise(text).replace(" ", "")
    if not word:
        return ""
    codes = _SOUNDEX_CODES
    result, previous = word[0].upper(), codes.get(word[0], "")
    for char in word[1:]:
        code = codes.get(char, "")
        if code and code != previous:
            result += code
        if char not in "hw":
            previous = code
    return (result + "000")[:4]


def postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def reference_key(reference: str) -> str:
    """'riv 0000001 ' -> 'RIV0000001': references are compared without case or spaces."""
    return "".join(reference.split()).upper()


def first_given_name(given_names: str) -> str:
    """'Amelia-Rose Jane' -> 'amelia': the name a child is searched by is the first one."""
    return normalise(given_names).split(" ")[0]


def given_name_sound(given_names: str) -> str:
    """The soundex key of the first given name, as stored on each child."""
    return soundex(first_given_name(given_names))


def given_name_sounds(given_name: str) -> frozenset[str]:
    """The keys a searched-for given name may be stored under: its own soundex and those of
    its everyday variants ('Bill' is looked up under William's key too)."""
    first = first_given_name(given_name)
    if not first:
        return frozenset()
    return frozenset(soundex(name) for name in NAME_VARIANTS_BY_NAME.get(first, {first}))


def search_keys(
    *,
    family_name: str,
    given_names: str,
    postcode: str,
    unique_reference: str,
    date_of_birth: date | None,
    expected_delivery_date: date | None,
) -> dict[str, object]:
    """The indexed search keys of one child. The model keeps them in step on every insert and
    update; bulk loads call this directly, so both derive them the same way."""
    return {
        "family_name_key": normalise(family_name),
        "family_name_sound": soundex(family_name),
        "given_name_sound": given_name_sound(given_names),
        "postcode_key": postcode_key(postcode or ""),
        "reference_key": reference_key(unique_reference or ""),
        "born_on": date_of_birth or expected_delivery_date,
    }


def transposed(value: date) -> date | None:
    """The date with day and month swapped, if that is a real, different date."""
    if value.day > 12 or value.day == value.month:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def same_given_name(first: str, second: str) -> bool:
    first, second = normalise(first).split(" ")[0], normalise(second).split(" ")[0]
    if not first or not second:
        return False
    if first == second:
        return True
    return first in NAME_VARIANTS_BY_NAME and NAME_VARIANTS_BY_NAME[
        first
    ] == NAME_VARIANTS_BY_NAME.get(second)


@lru_cache(maxsize=2**16)
def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, normalise(first), normalise(second)).ratio()


@dataclass(frozen=True)
class Query:
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    reference: str = ""


def score(query: Query, child) -> float:
    """0 (no likeness) to 1 (everything given matches). Only what was asked counts."""
    points, possible = 0.0, 0.0
    if query.reference:
        possible += 3
        same = reference_key(query.reference) == reference_key(child.unique_reference)
        points += 3 if same else 0
    if query.family_name:
        possible += 3
        names = [child.family_name, *child.also_known_as.split(",")]
        best = max(
            similarity(query.family_name, name.split()[-1] if name.split() else name)
            for name in names
        )
        if soundex(query.family_name) == child.family_name_sound:
            best = max(best, 0.85)
        points += 3 * best
    if query.given_name:
        possible += 2
        given = [
            child.given_names,
            *[n.split()[0] for n in child.also_known_as.split(",") if n.split()],
        ]
        best = max(
            1.0 if same_given_name(query.given_name, name) else similarity(query.given_name, name)
            for name in given
        )
        points += 2 * best
    if query.date_of_birth:
        possible += 3
        born = child.date_of_birth or child.expected_delivery_date
        if born == query.date_of_birth:
            points += 3
        elif born is not None and born == transposed(query.date_of_birth):
            points += 2.5
        elif born is not None and born.year == query.date_of_birth.year:
            points += 1
    if query.postcode:
        possible += 2
        wanted, held = postcode_key(query.postcode), child.postcode_key
        points += 2 if wanted == held else (1 if held[:-3] == wanted[:-3] and held else 0)
    return points / possible if possible else 0.0


def _same_family_name(query_name: str, child) -> bool:
    wanted = normalise(query_name)
    held = [child.family_name, *child.also_known_as.split(",")]
    return any(
        wanted in (normalise(name), normalise(name).rsplit(" ", 1)[-1])
        for name in held
        if normalise(name)
    )


def _same_given_name_exactly(query_name: str, child) -> bool:
    wanted = first_given_name(query_name)
    held = [child.given_names, *child.also_known_as.split(",")]
    return any(wanted == first_given_name(name) for name in held if normalise(name))


def differences(query: Query, child, address_hidden: bool = False) -> tuple[str, ...]:
    """How a child found differs from what was searched for, in words for the results page
    ("a similar family name"): empty when it matches every detail given exactly. Nothing is
    said of the postcode of a child whose address the searcher may not see."""
    found: list[str] = []
    if query.reference and reference_key(query.reference) != reference_key(child.unique_reference):
        found.append("a different unique reference number")
    if query.family_name and not _same_family_name(query.family_name, child):
        found.append("a family name that is spelt differently or sounds alike")
    if query.given_name and not _same_given_name_exactly(query.given_name, child):
        if any(
            same_given_name(query.given_name, name)
            for name in [child.given_names, *child.also_known_as.split(",")]
        ):
            found.append("another form of the given name (such as Bill for William)")
        else:
            found.append("a given name that is spelt differently or sounds alike")
    if query.date_of_birth:
        born = child.date_of_birth or child.expected_delivery_date
        if born is not None and born == transposed(query.date_of_birth):
            found.append("a date of birth with the day and month the other way round")
        elif born != query.date_of_birth:
            found.append("a different date of birth")
    if query.postcode and not address_hidden:
        wanted, held = postcode_key(query.postcode), child.postcode_key
        if wanted != held:
            same_area = bool(held) and held[:-3] == wanted[:-3]
            found.append("a postcode in the same area" if same_area else "a different postcode")
    return tuple(found)
