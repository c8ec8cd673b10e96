"""Reading and writing form responses: the rules live here, not in the views.

- No answer is stored without current consent to record (DESIGN §3), checked on every save.
- A completed response is immutable: every change to it is refused.
- Each section row has a version counter: a save names the version it was based on, and a
  stale save is refused with the current row, so the user can choose (never overwritten).
- Every change is written to the audit trail in the same transaction.
- An answer the family asked not to be shared (on a field whose definition allows it) is
  seen only by the agency of the practitioner who recorded that; everyone else, and every
  document or export made for another agency, gets NOT_SHARED in its place
  (`visible_answers`). The family's own subject access bundle reads the stored answers.
- On a shielded child's record the family's address and contacts are withheld the same
  way from everyone but the borough CAF contact (webapp/children/shielding.py), on every
  page, and a save by someone who could not see them keeps them as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from webapp.accounts.models import User
from webapp.assessments import consent_record, display, pages, pins, ratings
from webapp.assessments.kinds import KINDS, Kind, kind_of
from webapp.assessments.library import form_library
from webapp.assessments.models import FormResponse, ResponseStatus, SectionAnswers
from webapp.audit import services as audit
from webapp.children import shielding
from webapp.consent.models import Consent, ConsentDecision
from webapp.db import utcnow
from webapp.episodes.models import Episode
from webapp.formdefs import Field, FormDefinition, Section, ValidationResult, validate_section
from webapp.formdefs.definition import walk_fields

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
#: What everyone outside the recording agency sees instead of a restricted answer.
NOT_SHARED = display.NOT_SHARED


class FormRefused(Exception):
    """A change the rules do not allow. `reason` is what the user is told."""

    reason = "This change cannot be saved."


class ConsentRequired(FormRefused):
    reason = (
        "There is no current consent to record for this episode, so nothing can be saved. "
        "Record the family's consent first."
    )


class ResponseLocked(FormRefused):
    reason = "This form has been completed and cannot be changed."


class UnknownSection(FormRefused):
    reason = "This form has no such section."


class Incomplete(FormRefused):
    reason = "Some answers are missing or need correcting."

    def __init__(self, results: dict[str, ValidationResult]):
        super().__init__(self.reason)
        self.results = results


class NotShareable(FormRefused):
    reason = (
        "The family can only ask for some answers not to be shared, and at least one of "
        "those marked is not one of them. Nothing has been saved."
    )


class RestrictedElsewhere(FormRefused):
    reason = (
        "Some answers in this section are not shared at the family’s request. Only the "
        "agency that recorded them can change which answers are not shared, or the lists "
        "that hold them. Nothing has been saved."
    )


class ConsentRecordedElsewhere(FormRefused):
    reason = (
        "Consent is recorded once, on the episode's consent pages, and this section shows "
        "that record. Change the consent there. Nothing has been saved."
    )


class StaleSection(FormRefused):
    """Someone else saved the section since this user opened it."""

    reason = "Someone else has changed this section since you opened it."

    def __init__(self, current: SectionAnswers | None):
        super().__init__(self.reason)
        self.current = current


# --- reading ------------------------------------------------------------------------------


def kind(response: FormResponse) -> Kind:
    return kind_of(response.form_id, response.review_number)


def definition(response: FormResponse) -> FormDefinition:
    """The exact definition the response was started with (never the newest one)."""
    return form_library().resolve(response.pin)


def sections(response: FormResponse, form: FormDefinition | None = None) -> list[Section]:
    form = form or definition(response)
    wanted = kind(response).sections
    return [section for section in form.sections if wanted is None or section.id in wanted]


def find_response(db_session: Session, episode_id: int, response_id: int) -> FormResponse | None:
    response = db_session.get(FormResponse, response_id)
    if response is None or response.episode_id != episode_id:
        return None
    return response


def responses_of(db_session: Session, episode_id: int) -> list[FormResponse]:
    return list(
        db_session.scalars(
            select(FormResponse)
            .where(FormResponse.episode_id == episode_id)
            .order_by(FormResponse.form_id, FormResponse.review_number, FormResponse.sequence)
        )
    )


def latest(db_session: Session, episode_id: int, kind_name: str) -> FormResponse | None:
    """The newest response of a kind (the highest assessment version, review, ...)."""
    wanted = KINDS[kind_name]
    query = select(FormResponse).where(
        FormResponse.episode_id == episode_id, FormResponse.form_id == wanted.form_id
    )
    if wanted.form_id == KINDS["review"].form_id:
        query = query.where(
            FormResponse.review_number > 0
            if kind_name == "review"
            else FormResponse.review_number == 0
        )
    query = query.order_by(FormResponse.review_number.desc(), FormResponse.sequence.desc())
    return db_session.scalars(query.limit(1)).first()


def current_draft(db_session: Session, episode_id: int, kind_name: str) -> FormResponse | None:
    response = latest(db_session, episode_id, kind_name)
    return response if response is not None and not response.is_completed else None


def has_consent_to_record(db_session: Session, episode_id: int) -> bool:
    found = db_session.scalars(
        select(Consent.id).where(
            Consent.episode_id == episode_id,
            Consent.decision == ConsentDecision.GIVEN,
            Consent.withdrawn_at.is_(None),
            Consent.to_record.is_(True),
        )
    ).first()
    return found is not None


def context_for(response: FormResponse, section_id: str) -> dict[str, Any]:
    """The stored answers of the *other* sections (conditions may look at them)."""
    context: dict[str, Any] = {}
    for row in response.sections:
        if row.section_id != section_id:
            context.update(row.values)
    return context


def validate_stored(
    response: FormResponse, form: FormDefinition | None = None, today: date | None = None
) -> dict[str, ValidationResult]:
    """Every section of the response checked against its own pinned definition (but the
    consent section, which the consent record answers)."""
    rows = response.section_rows()
    answers = response.answers()
    from_record = kind(response).consent_section
    return {
        section.id: validate_section(
            section,
            rows[section.id].values if section.id in rows else {},
            context=answers,
            today=today,
        )
        for section in sections(response, form)
        if section.id != from_record
    }


def statuses(response: FormResponse, form: FormDefinition | None = None) -> dict[str, str]:
    """Each section's task-list status: not started, in progress or completed. The consent
    section is completed when the episode has current consent to record."""
    rows = response.section_rows()
    results = validate_stored(response, form)
    found: dict[str, str] = {}
    from_record = kind(response).consent_section
    if from_record is not None and any(item.id == from_record for item in sections(response, form)):
        session = object_session(response)
        recorded = session is not None and has_consent_to_record(session, response.episode_id)
        found[from_record] = COMPLETED if recorded else NOT_STARTED
    for section_id, result in results.items():
        row = rows.get(section_id)
        if row is None:
            found[section_id] = NOT_STARTED
        elif (row.is_complete or response.is_completed) and result.is_valid:
            found[section_id] = COMPLETED
        else:
            found[section_id] = IN_PROGRESS
    return found


def is_complete(response: FormResponse, form: FormDefinition | None = None) -> bool:
    """Every required, visible answer of every section is given and valid."""
    return all(result.is_valid for result in validate_stored(response, form).values())


@lru_cache(maxsize=256)
def draft_section(section: Section) -> Section:
    """The section with nothing required: what a draft save checks (formats, lengths and
    options are still checked, so nothing invalid is ever stored)."""
    return replace(section, fields=_optional(section.fields))


def _optional(fields: Iterable[Field]) -> tuple[Field, ...]:
    return tuple(
        replace(item, required=False, min_items=0, fields=_optional(item.fields)) for item in fields
    )


# --- answers the family asked not to be shared -------------------------------------------------


def restrictable(section: Section) -> frozenset[str]:
    """The fields of a section the family may ask not to be shared (by the definition)."""
    return frozenset(
        item.id
        for item in walk_fields(section.visible_fields)
        if item.shareable_restriction and not item.hidden
    )


def _organisation_of(viewer: User | int | None) -> int | None:
    if viewer is None or isinstance(viewer, int):
        return viewer
    return getattr(viewer, "organisation_id", None)


def withheld(row: SectionAnswers | None, viewer: User | int | None) -> frozenset[str]:
    """The ids of the answers of a section row that `viewer` (a user or an organisation
    id) may not see: every restricted one, unless the viewer's agency recorded them."""
    if row is None:
        return frozenset()
    restricted = row.not_shared
    if not restricted:
        return frozenset()
    organisation_id = _organisation_of(viewer)
    if organisation_id is not None and organisation_id == row.not_shared_organisation_id:
        return frozenset()
    return restricted


def _with_follow_ups(form: FormDefinition, ids: frozenset[str]) -> frozenset[str]:
    """The ids and the "please specify" answers that go with them (they say the same)."""
    found = set(ids)
    for field_id in ids:
        item = form.find_field(field_id)
        if item is not None:
            found.update(follow_up.id for follow_up in item.specify_fields())
    return frozenset(found)


def _hide(values: dict[str, Any], ids: frozenset[str]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in values.items():
        if key in ids:
            shown[key] = NOT_SHARED
        elif isinstance(value, list):
            shown[key] = [
                _hide(entry, ids) if isinstance(entry, dict) else entry for entry in value
            ]
        else:
            shown[key] = value
    return shown


def withheld_ids(
    row: SectionAnswers | None, viewer: User | int | None, form: FormDefinition | None = None
) -> frozenset[str]:
    """`withheld` with the "please specify" answers that go with those answers."""
    hidden = withheld(row, viewer)
    if not hidden or row is None:
        return hidden
    return _with_follow_ups(form or definition(row.response), hidden)


def hide_withheld(
    values: dict[str, Any],
    row: SectionAnswers | None,
    viewer: User | int | None,
    form: FormDefinition | None = None,
) -> dict[str, Any]:
    """`values` (a section's answers) with what `row` withholds from `viewer` replaced."""
    hidden = withheld_ids(row, viewer, form)
    return _hide(values, hidden) if hidden else dict(values)


def contacts_hidden(response: FormResponse, viewer: User | int | None) -> bool:
    """Whether the family's address and contacts in this response are withheld from
    `viewer` because the child's record is shielded."""
    session = object_session(response)
    episode = session.get(Episode, response.episode_id) if session is not None else None
    return shielding.hides_contacts_from(viewer, episode.child if episode else None)


def visible_values(
    row: SectionAnswers | None,
    viewer: User | int | None,
    form: FormDefinition | None = None,
) -> dict[str, Any]:
    """One section row's answers as `viewer` may see them."""
    if row is None:
        return {}
    values = hide_withheld(row.values, row, viewer, form)
    if contacts_hidden(row.response, viewer):
        values = shielding.withhold_contacts(values)
    return values


def keep_unseen(
    values: Mapping[str, Any],
    stored: Mapping[str, Any],
    row: SectionAnswers,
    viewer: User,
    form: FormDefinition | None = None,
) -> dict[str, Any]:
    """`values` sent for a section row with what was not on `viewer`'s page put back from
    `stored` (the row's answers, in the same shape as `values`): answers another agency
    asked not to be shared, with their "please specify" answers, and a shielded family's
    address and contacts. The viewer never saw them, so what they sent must not replace
    them."""
    kept = dict(values)
    for field_id in withheld_ids(row, viewer, form):
        if field_id in stored:
            kept[field_id] = stored[field_id]
        else:
            kept.pop(field_id, None)
    if contacts_hidden(row.response, viewer):
        kept = shielding.keep_contacts(kept, stored)
    return kept


def keep_unseen_on_page(
    section: Section, submitted: Mapping[str, Any], row: SectionAnswers | None, viewer: User
) -> dict[str, Any]:
    """A section page's answers as the browser sent them (`pages.parse_section`), with what
    was not on the viewer's page as stored (`keep_unseen`), so that the page is checked
    against the answers `save_section` will keep."""
    if row is None:
        return dict(submitted)
    return keep_unseen(
        submitted, pages.raw_from_stored(section.visible_fields, row.values), row, viewer
    )


def visible_answers(
    response: FormResponse, viewer: User | int | None, form: FormDefinition | None = None
) -> dict[str, Any]:
    """Every answer of a response as `viewer` (a user, or the id of the organisation a
    document or export is made for) may see it: answers the family asked not to be shared
    are replaced by NOT_SHARED unless the viewer is of the agency that recorded them. Use
    this for every page, document and export, never `response.answers()`, except for the
    family's own subject access bundle."""
    form = form or definition(response)
    merged: dict[str, Any] = {}
    for row in response.sections:
        merged.update(visible_values(row, viewer, form))
    if kind(response).consent_section is not None:
        merged = consent_record.with_record(merged, consent_answers(response))
    return merged


def consent_answers(response: FormResponse) -> dict[str, Any]:
    """The consent section's answers as the episode's consent record gives them."""
    session = object_session(response)
    consents = consent_record.current_consents(session, response.episode_id) if session else []
    return consent_record.record_answers(consents)


def visible_context(
    response: FormResponse, section_id: str, viewer: User | int | None
) -> dict[str, Any]:
    """`context_for` as the viewer may see it."""
    form = definition(response)
    context: dict[str, Any] = {}
    for row in response.sections:
        if row.section_id != section_id:
            context.update(visible_values(row, viewer, form))
    return context


def check_restriction(section: Section, requested: Iterable[str]) -> None:
    """Refuse marking as not to be shared a field whose definition does not allow it."""
    if not set(requested) <= restrictable(section):
        raise NotShareable(NotShareable.reason)


# --- writing ------------------------------------------------------------------------------


def _audit(
    db_session: Session,
    action: str,
    response: FormResponse,
    actor: User,
    client_address: str,
    episode: Episode | None = None,
    **detail: object,
) -> None:
    audit.record_about(
        db_session,
        action,
        response,
        actor,
        client_address,
        episode=episode or db_session.get(Episode, response.episode_id),
        form_id=response.form_id,
        sequence=response.sequence,
        review_number=response.review_number,
        **detail,
    )


def _check_consent(db_session: Session, response_kind: Kind, episode_id: int) -> None:
    if response_kind.needs_consent_to_record and not has_consent_to_record(db_session, episode_id):
        raise ConsentRequired(ConsentRequired.reason)


def _lock_draft(db_session: Session, response: FormResponse) -> FormResponse:
    """Re-read the response under a row lock, so a save and a completion cannot interleave."""
    locked = db_session.scalars(
        select(FormResponse)
        .where(FormResponse.id == response.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if locked.is_completed:
        raise ResponseLocked(ResponseLocked.reason)
    return locked


def start_response(
    db_session: Session,
    episode: Episode,
    kind_name: str,
    actor: User,
    *,
    client_address: str = "",
) -> FormResponse:
    """A new draft of a kind, pinned to the newest form the episode's borough uses. If a
    draft of that kind already exists it is returned instead (one draft at a time)."""
    response_kind = KINDS[kind_name]
    existing = current_draft(db_session, episode.id, kind_name)
    if existing is not None:
        return existing
    _check_consent(db_session, response_kind, episode.id)
    previous = latest(db_session, episode.id, kind_name)
    form = pins.pinned_form(db_session, episode, response_kind.form_id)
    pin = form.pin
    sequence, review_number = 1, 0
    if kind_name == "review":
        review_number = (previous.review_number + 1) if previous else 1
    else:
        sequence = (previous.sequence + 1) if previous else 1
    now = utcnow()
    response = FormResponse(
        episode_id=episode.id,
        form_id=response_kind.form_id,
        sequence=sequence,
        review_number=review_number,
        form_version=pin.version,
        borough=pin.borough,
        overlay_version=pin.overlay_version,
        status=ResponseStatus.DRAFT,
        created_by_id=actor.id,
        created_at=now,
        updated_by_id=actor.id,
        updated_at=now,
    )
    db_session.add(response)
    if response_kind.copy_previous and previous is not None:
        wanted = {section.id for section in form.sections}
        for row in previous.sections:
            if row.section_id in wanted:
                response.sections.append(
                    SectionAnswers(
                        section_id=row.section_id,
                        answers_json=row.answers_json,
                        not_shared_json=row.not_shared_json,
                        not_shared_organisation_id=row.not_shared_organisation_id,
                        is_complete=False,
                        updated_by_id=actor.id,
                        updated_at=now,
                    )
                )
    db_session.flush()
    _audit(
        db_session,
        "form.started",
        response,
        actor,
        client_address,
        episode,
        form_version=pin.version,
        borough=pin.borough,
        overlay_version=pin.overlay_version,
        copied_from=previous.id if response_kind.copy_previous and previous else None,
    )
    return response


@dataclass(frozen=True)
class Saved:
    row: SectionAnswers
    created: bool


def save_section(
    db_session: Session,
    response: FormResponse,
    section_id: str,
    values: dict[str, Any],
    *,
    expected_version: int,
    complete: bool,
    actor: User,
    client_address: str = "",
    not_shared: Iterable[str] | None = None,
) -> Saved:
    """Store one section's (already validated) answers.

    `expected_version` is the section row's version the user started from (0: there was
    none). `not_shared` is the ids of the fields the family asked not to be shared (None:
    leave the section's restrictions as they are); only fields whose definition allows it
    may be named. Answers restricted by another agency are kept as stored, whatever was
    sent, and their restrictions cannot be changed by this actor. Raises ConsentRequired,
    ResponseLocked, UnknownSection, NotShareable, RestrictedElsewhere or StaleSection; the
    caller rolls back on any of them."""
    response_kind = kind(response)
    _check_consent(db_session, response_kind, response.episode_id)
    response = _lock_draft(db_session, response)
    form = definition(response)
    page = next((item for item in sections(response, form) if item.id == section_id), None)
    if page is None:
        raise UnknownSection(UnknownSection.reason)
    if section_id == response_kind.consent_section:
        raise ConsentRecordedElsewhere(ConsentRecordedElsewhere.reason)
    requested = None if not_shared is None else frozenset(not_shared)
    if requested is not None:
        check_restriction(page, requested)
    row = db_session.scalars(
        select(SectionAnswers)
        .where(SectionAnswers.response_id == response.id, SectionAnswers.section_id == section_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    current_version = row.version if row is not None else 0
    if current_version != expected_version:
        raise StaleSection(row)
    hidden = withheld(row, actor)
    if hidden:
        # Another agency's restricted answers: kept exactly as stored, restrictions too.
        top_level = {item.id for item in page.visible_fields} | {
            follow_up.id for item in page.visible_fields for follow_up in item.specify_fields()
        }
        if requested or not hidden <= top_level:
            raise RestrictedElsewhere(RestrictedElsewhere.reason)
    if row is not None:
        values = keep_unseen(values, row.values, row, actor, form)
    now = utcnow()
    created = row is None
    if row is None:
        row = SectionAnswers(response=response, section_id=section_id, updated_by_id=actor.id)
        db_session.add(row)
    row.values = values
    if requested is not None and not hidden:
        row.restrict(requested, actor.organisation_id)
    row.is_complete = complete
    row.updated_by_id = actor.id
    row.updated_at = now
    response.updated_by_id = actor.id
    response.updated_at = now
    try:
        db_session.flush()  # the section's optimistic lock is checked here
    except (StaleDataError, IntegrityError):
        db_session.rollback()
        raise StaleSection(None) from None
    _audit(
        db_session,
        "form.section_saved",
        response,
        actor,
        client_address,
        section=section_id,
        section_version=row.version,
        complete=complete,
        not_shared=sorted(row.not_shared),
    )
    return Saved(row, created)


def complete_response(
    db_session: Session, response: FormResponse, actor: User, *, client_address: str = ""
) -> FormResponse:
    """Submit a response: from now on it cannot change. Refused unless every section is
    complete and valid against the response's own pinned definition."""
    _check_consent(db_session, kind(response), response.episode_id)
    response = _lock_draft(db_session, response)
    results = validate_stored(response)
    if not all(result.is_valid for result in results.values()):
        raise Incomplete(results)
    now = utcnow()
    response.status = ResponseStatus.COMPLETED
    response.completed_by_id = actor.id
    response.completed_at = now
    response.needs_rating = ratings.needs_rating(definition(response), response.answers())
    db_session.flush()
    _audit(db_session, "form.completed", response, actor, client_address)
    return response
