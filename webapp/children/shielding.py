"""Shielded records (DESIGN §3): while a child's record is shielded, the family's address
and contacts are withheld from everyone but the borough CAF contact of the child's borough
(webapp/access/policy.py says who). These are the rules only, which pages, documents,
exports and services apply to answers; marking a record (webapp/children/shielding_views.py)
and its history (webapp/children/shielding_services.py) live beside them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapp.access import policy
from webapp.accounts.models import User
from webapp.children.models import Child

#: What a shielded record hides: where the family lives and how to reach them (DESIGN §3).
FAMILY_CONTACT_FIELDS = frozenset(
    {
        "address",
        "postcode",
        "contact_telephone",
        "parent_address",
        "parent_telephone",
        "adult_address",
        "adult_postcode",
        "adult_telephone",
        "cc_child_address",
    }
)
SHIELDED = "Withheld: this record is shielded"


def hides_contacts_from(viewer: object, child: Child | None) -> bool:
    """Whether a child's family address and contacts are withheld from `viewer`: on a
    shielded record, from everyone but the borough CAF contact of the child's borough.
    A viewer that is not a user (a document or export made for an agency) never sees them."""
    if child is None or not child.shielded:
        return False
    return not (isinstance(viewer, User) and policy.may_see_shielded_details(viewer, child))


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {})


def withhold_contacts(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with the family's address and contacts withheld, inside groups too."""
    shown: dict[str, Any] = {}
    for key, value in answers.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(value):
            shown[key] = SHIELDED
        elif isinstance(value, list):
            shown[key] = [
                withhold_contacts(entry) if isinstance(entry, Mapping) else entry for entry in value
            ]
        else:
            shown[key] = value
    return shown


def without_contacts(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the address and contacts left out (inside groups too), for pages that
    carry answers back to the server for someone from whom they are withheld."""
    left: dict[str, Any] = {}
    for key, value in values.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(value):
            continue
        left[key] = (
            [without_contacts(entry) if isinstance(entry, Mapping) else entry for entry in value]
            if isinstance(value, list)
            else value
        )
    return left


def keep_contacts(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the stored address and contacts put back: someone from whom they are
    withheld never saw them, so what they sent must not replace them. In a repeating group
    each item keeps the stored item's at the same position."""
    kept = dict(values)
    for key, old in stored.items():
        if key in FAMILY_CONTACT_FIELDS and _has_value(old):
            kept[key] = old
        elif isinstance(old, list) and isinstance(kept.get(key), list):
            kept[key] = [
                keep_contacts(new, old[index])
                if index < len(old) and isinstance(new, Mapping) and isinstance(old[index], Mapping)
                else new
                for index, new in enumerate(kept[key])
            ]
    return kept
