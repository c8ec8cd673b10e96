"""Pre-filling a section from what the service already holds (`formdefs/bindings.yaml` and
the `prefill` key of a question): the child's record in the index, the signed-in
practitioner, the episode, or a previous form's answer on the same episode.

Only a section never saved is pre-filled, and only on the page: nothing is stored until the
practitioner saves it, so what they change or clear is what is kept, and nothing they saved
is ever replaced. Nothing is pre-filled that the practitioner may not see: a shielded
child's address and postcode only for whom the access policy lets see them, and a previous
form's answers as `services.visible_answers` shows them to this practitioner (answers not
shared with their agency, or withheld by shielding, are left empty)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.assessments import services
from webapp.assessments.models import FormResponse
from webapp.children import shielding
from webapp.episodes.models import Episode
from webapp.formdefs import Field, FieldType, Section
from webapp.formdefs.bindings import SOURCES, previous_source

#: Answers that stand for something withheld, never copied as if they were answers.
_WITHHELD = frozenset({services.NOT_SHARED, shielding.SHIELDED})


@dataclass
class Prefilled:
    """What a section starts with: answers as they would be stored, and where each came
    from ("the child index"), by field id."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)


@dataclass
class _Holdings:
    """What one page may be filled from, read once."""

    db_session: Session
    response: FormResponse
    episode: Episode
    viewer: User
    today: date
    previous: dict[str, tuple[dict[str, Any], str] | None] = field(default_factory=dict)

    @property
    def contacts_hidden(self) -> bool:
        return shielding.hides_contacts_from(self.viewer, self.episode.child)

    def previous_answers(self, form_id: str) -> tuple[dict[str, Any], str] | None:
        """The newest other response of a form on the episode (a completed one first), as
        the viewer may see it, with what to call it."""
        if form_id not in self.previous:
            others = [
                other
                for other in services.responses_of(self.db_session, self.episode.id)
                if other.form_id == form_id and other.id != self.response.id
            ]
            chosen = max(others, key=lambda other: (other.is_completed, other.id), default=None)
            self.previous[form_id] = (
                None
                if chosen is None
                else (services.visible_answers(chosen, self.viewer), _called(chosen))
            )
        return self.previous[form_id]


def _called(response: FormResponse) -> str:
    if response.review_number:
        return f"review {response.review_number}"
    title = services.kind(response).title
    return "the " + (title if title[1:2].isupper() else title[:1].lower() + title[1:])


def _lead(episode: Episode) -> tuple[str | None, str | None]:
    """The lead professional's name and organisation, if one is nominated."""
    member = next((m for m in episode.tac_members if m.id == episode.lead_member_id), None)
    if member is not None:
        return member.name, member.organisation.name if member.organisation else None
    lead = episode.lead_professional
    if lead is not None:
        return lead.full_name, lead.organisation.name if lead.organisation else None
    return None, None


def _address(holdings: _Holdings) -> str:
    child = holdings.episode.child
    lines = (child.address_line_1, child.address_line_2, child.town)
    return "\n".join(line for line in lines if line)


def _born(holdings: _Holdings) -> str | None:
    child = holdings.episode.child
    day = child.date_of_birth or child.expected_delivery_date
    return day.isoformat() if day else None


def _unborn(holdings: _Holdings) -> str:
    child = holdings.episode.child
    return "yes" if child.date_of_birth is None and child.expected_delivery_date else "no"


def _organisation(user: User) -> str | None:
    return user.organisation.name if user.organisation else None


#: How each source named in formdefs/bindings.py is read.
_READ: dict[str, Callable[[_Holdings], Any]] = {
    "child.given_names": lambda h: h.episode.child.given_names,
    "child.family_name": lambda h: h.episode.child.family_name,
    "child.name": lambda h: h.episode.child.display_name,
    "child.also_known_as": lambda h: h.episode.child.also_known_as,
    "child.mother_name": lambda h: h.episode.child.mother_name,
    "child.gender": lambda h: h.episode.child.gender.value,
    "child.unborn": _unborn,
    "child.date_of_birth": _born,
    "child.address": _address,
    "child.postcode": lambda h: h.episode.child.postcode,
    "child.reference": lambda h: h.episode.child.unique_reference,
    "practitioner.name": lambda h: h.viewer.full_name,
    "practitioner.role": lambda h: h.viewer.job_title,
    "practitioner.organisation": lambda h: _organisation(h.viewer),
    "practitioner.telephone": lambda h: h.viewer.phone,
    "practitioner.email": lambda h: h.viewer.email,
    "episode.reference": lambda h: h.episode.reference,
    "episode.lead_professional": lambda h: _lead(h.episode)[0],
    "episode.lead_professional_organisation": lambda h: _lead(h.episode)[1],
    "episode.has_lead_professional": lambda h: "yes" if _lead(h.episode)[0] else None,
    "episode.review_number": lambda h: h.response.review_number or None,
    "episode.assessment_version": lambda h: (
        h.response.sequence if h.response.form_id == "caf_assessment" else None
    ),
    "today": lambda h: h.today.isoformat(),
}


def _blank(value: Any) -> bool:
    return value in (None, "", [], {}) or (isinstance(value, str) and value in _WITHHELD)


def _fits(item: Field, value: Any) -> bool:
    """Whether a value can be this question's answer (a choice must be one of its options)."""
    if item.type in (FieldType.RADIOS, FieldType.SELECT, FieldType.YES_NO):
        return isinstance(value, str) and item.option(value) is not None
    return True


def _from_previous(holdings: _Holdings, item: Field, form_id: str, field_id: str):
    found = holdings.previous_answers(form_id)
    if found is None:
        return None, ""
    answers, called = found
    value = answers.get(field_id)
    if item.type is FieldType.REPEATING_GROUP:
        value = _items(item, form_id, value)
    return value, called


def _items(group: Field, form_id: str, entries: Any) -> list[dict[str, Any]]:
    """A previous form's group items as this group's: each question takes the answer of
    the question it is bound to in that form (or of the same id)."""
    if not isinstance(entries, list):
        return []
    names: dict[str, str] = {}
    for inner in group.fields:
        bound = [previous_source(source) for source in inner.prefill]
        names[inner.id] = next(
            (source[1] for source in bound if source is not None and source[0] == form_id),
            inner.id,
        )
    items = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        item = {
            inner: entry[source]
            for inner, source in names.items()
            if source in entry and not _blank(entry[source])
        }
        if item:
            items.append(item)
    return items


def _value(holdings: _Holdings, item: Field) -> tuple[Any, str]:
    for name in item.prefill:
        previous = previous_source(name)
        if previous is not None:
            value, origin = _from_previous(holdings, item, *previous)
        else:
            source = SOURCES.get(name)
            if source is None or (source.contact and holdings.contacts_hidden):
                continue
            value, origin = _READ[name](holdings), source.origin
        if not _blank(value) and _fits(item, value):
            return value, origin
    return None, ""


def for_section(
    db_session: Session,
    response: FormResponse,
    section: Section,
    viewer: User,
    today: date | None = None,
) -> Prefilled:
    """What a section never saved starts with, for `viewer`."""
    bound = [item for item in section.visible_fields if item.prefill]
    if not bound:
        return Prefilled()
    episode = db_session.get(Episode, response.episode_id)
    holdings = _Holdings(db_session, response, episode, viewer, today or date.today())
    prefilled = Prefilled()
    for item in bound:
        value, origin = _value(holdings, item)
        if value is not None:
            prefilled.values[item.id] = value
            prefilled.origins[item.id] = origin
    return prefilled
