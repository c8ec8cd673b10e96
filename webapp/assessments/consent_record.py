"""Consent is recorded once: the episode's consent record (webapp/consent) is the single
source, and the assessment's own consent section shows it instead of asking again.

The section's questions are answered from the record wherever the assessment is shown,
checked or printed, so the form and the record can never disagree. The section cannot be
saved (`services.save_section` refuses it); it links to the consent pages instead.

Episodes whose assessment was filled in before this keep their stored consent answers, as
they were typed (nothing is lost; the family's subject access bundle still reads them),
but every page and document shows the record. Where the stored answers say something else
than the record, the page says so and the audit event of the page or document names the
questions that differ, so a coordinator can follow it up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from webapp.consent.models import Consent, ConsentAgency, ConsentDecision, ConsentGiver

#: The questions of the national consent section the record answers, by field id.
RECORD_FIELDS = (
    "consent_given_by",
    "consenting_parent_name",
    "consent_to_store",
    "consent_to_share",
    "share_with",
    "not_to_share",
    "consent_method",
    "consent_date",
    "signed_by_child",
    "signed_by_parent",
    "signed_by_practitioner",
)


def current_consents(db_session: Session, episode_id: int) -> list[Consent]:
    """The consents given on the episode and not withdrawn, oldest first."""
    return list(
        db_session.scalars(
            select(Consent)
            .where(
                Consent.episode_id == episode_id,
                Consent.decision == ConsentDecision.GIVEN,
                Consent.withdrawn_at.is_(None),
            )
            .order_by(Consent.recorded_at, Consent.id)
            .options(selectinload(Consent.agencies).joinedload(ConsentAgency.organisation))
        )
    )


def _agency_names(consents: list[Consent]) -> list[str]:
    names: list[str] = []
    for consent in consents:
        if not consent.to_share:
            continue
        for agency in consent.agencies:
            name = agency.organisation.name if agency.organisation else agency.service_name
            if name and name not in names:
                names.append(name)
    return names


def _names(names: Iterable[str]) -> str:
    unique: list[str] = []
    for name in names:
        if name and name not in unique:
            unique.append(name)
    return ", ".join(unique)


def record_answers(consents: list[Consent]) -> dict[str, Any]:
    """The consent section's answers as the record gives them (no current consent: nothing
    agreed to store or share)."""
    if not consents:
        return {"consent_to_store": "no", "consent_to_share": "no"}
    givers = {consent.given_by for consent in consents}
    if givers == {ConsentGiver.CHILD}:
        given_by = "child"
    elif givers == {ConsentGiver.PARENT_CARER}:
        given_by = "parent_carer"
    else:
        given_by = "both"
    parents = [
        consent.given_by_name
        for consent in consents
        if consent.given_by is ConsentGiver.PARENT_CARER
    ]
    sharing = any(consent.to_share for consent in consents)
    methods = {consent.method.value for consent in consents}
    answers: dict[str, Any] = {
        "consent_given_by": given_by,
        "consent_to_store": "yes" if any(consent.to_record for consent in consents) else "no",
        "consent_to_share": "yes" if sharing else "no",
        "consent_date": max(consent.given_on for consent in consents).isoformat(),
    }
    if parents:
        answers["consenting_parent_name"] = _names(parents)
    wishes = [consent.not_to_share for consent in consents if consent.not_to_share]
    if wishes:
        answers["not_to_share"] = "\n".join(wishes)
    if sharing:
        answers["share_with"] = [{"share_agency": name} for name in _agency_names(consents)]
    written = [consent for consent in consents if consent.method.value == "written"]
    signed = {
        "signed_by_child": _names(
            c.given_by_name for c in written if c.given_by is ConsentGiver.CHILD
        ),
        "signed_by_parent": _names(
            c.given_by_name for c in written if c.given_by is ConsentGiver.PARENT_CARER
        ),
        "signed_by_practitioner": _names(
            c.recorded_by.full_name for c in written if c.recorded_by is not None
        ),
    }
    answers.update({field_id: names for field_id, names in signed.items() if names})
    if "written" in methods:
        answers["consent_method"] = "written"
    elif "verbal" in methods:
        answers["consent_method"] = "verbal"
    return answers


#: A family's wish typed on the form before consent was recorded once is still shown (and
#: printed) until the record holds one of its own: it is never hidden for want of a record.
KEPT_UNTIL_RECORDED = frozenset({"not_to_share"})


def with_record(answers: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """A response's answers with the consent section's as the record gives them (a stored
    answer the record does not give is dropped, never shown beside the record)."""
    shown = {
        key: value
        for key, value in answers.items()
        if key not in RECORD_FIELDS or (key in KEPT_UNTIL_RECORDED and key not in record)
    }
    shown.update(record)
    return shown


def _comparable(field_id: str, value: Any) -> Any:
    if field_id == "share_with":
        entries = value if isinstance(value, list) else []
        return frozenset(
            str(entry.get("share_agency", "")).strip().casefold()
            for entry in entries
            if isinstance(entry, Mapping) and str(entry.get("share_agency", "")).strip()
        )
    return str(value or "").strip().casefold()


def differences(stored: Mapping[str, Any], record: Mapping[str, Any]) -> list[str]:
    """The consent questions whose stored answer (typed on the form before consent was
    recorded once) says something else than the record."""
    return [
        field_id
        for field_id in RECORD_FIELDS
        if stored.get(field_id) not in (None, "", [])
        and not (field_id in KEPT_UNTIL_RECORDED and field_id not in record)
        and _comparable(field_id, stored.get(field_id))
        != _comparable(field_id, record.get(field_id))
    ]
