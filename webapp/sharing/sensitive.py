"""Sensitive answers left out of what goes to another agency without cover for them.

DCSF 2010 (paragraph 17): explicit, informed consent is required where "anything more than
basic personal information" is shared, and implied consent "is generally not sufficient as
a basis for sharing sensitive personal data". So a copy made for another agency keeps the
answers the form classifies as sensitive (`webapp/formdefs/classification.py`) only when
the family's consent to share with that agency explicitly includes them, or a recorded
decision to share without consent covers the sharing; otherwise each is replaced by
`SENSITIVE_WITHHELD`, and the document says so.

Plain Python (no Flask): the register decision and the form definition are all it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapp.formdefs import FormDefinition
from webapp.formdefs.classification import sensitive_ids
from webapp.sharing import services as sharing
from webapp.sharing.models import SharingBasis

SENSITIVE_WITHHELD = "Withheld: sensitive information the family has not agreed to share"
SENSITIVE_NOTICE = (
    "Sensitive information the family has not agreed to share with this agency is withheld."
)


def covers_sensitive(db_session: Any, episode: Any, decision: Any) -> bool:
    """Whether a register decision to share covers sensitive information: a decision to
    share without consent (the decider judged exactly what is shared, CWDC 2009 4.22), or
    current consent to share with that agency that explicitly includes it."""
    if decision is None:
        return False
    if decision.basis is SharingBasis.PUBLIC_INTEREST:
        return True
    if decision.basis is not SharingBasis.CONSENT:
        return False
    service = "" if decision.organisation_id is not None else decision.recipient_name
    covering = sharing.covering_consent(
        db_session, episode, decision.organisation_id, service, sensitive=True
    )
    return covering is not None


def withhold_sensitive(
    answers: Mapping[str, Any], form: FormDefinition
) -> tuple[dict[str, Any], frozenset[str]]:
    """`answers` with every sensitive answer replaced by SENSITIVE_WITHHELD (inside
    repeating groups too), and the ids of the answers withheld."""
    ids = sensitive_ids(form)
    withheld: set[str] = set()

    def hide(values: Mapping[str, Any]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key, value in values.items():
            if key in ids and value not in (None, "", [], {}):
                shown[key] = SENSITIVE_WITHHELD
                withheld.add(key)
            elif isinstance(value, list):
                shown[key] = [
                    hide(entry) if isinstance(entry, Mapping) else entry for entry in value
                ]
            else:
                shown[key] = value
        return shown

    return hide(answers), frozenset(withheld)
