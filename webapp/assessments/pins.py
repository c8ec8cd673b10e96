"""Which version of each form an episode uses.

The rule (README, "Form versions"): an episode keeps the versions in force in its borough
when it started — for its first assessment, its reassessments, plans, reviews and closure
alike — whatever is published afterwards. The lead professional may move it to the newest
version of a form with an explicit, audited step that shows what changes; a draft then
carries its answers over by question id. Completed forms never change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.assessments.kinds import KINDS
from webapp.assessments.library import form_library
from webapp.assessments.models import (
    EpisodeFormPin,
    FormResponse,
    ResponseStatus,
    SectionAnswers,
)
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.episodes.models import Episode
from webapp.formdefs import FormDefinition, FormPin
from webapp.formdefs.definition import walk_fields
from webapp.formdefs.loader import UnknownFormError

#: Every form an episode's responses use, in the order the forms page lists them.
EPISODE_FORMS = tuple(dict.fromkeys(kind.form_id for kind in KINDS.values()))


def pin_new_episode(db_session: Session, episode: Episode) -> None:
    """Pin the borough's newest version of every form, as the episode starts."""
    library = form_library()
    for form_id in EPISODE_FORMS:
        try:
            form = library.effective(episode.borough.code, form_id)
        except UnknownFormError:
            continue  # a form the library does not hold: nothing to pin
        db_session.add(_row(episode.id, form.pin))


def _row(episode_id: int, pin: FormPin, moved_by: User | None = None) -> EpisodeFormPin:
    return EpisodeFormPin(
        episode_id=episode_id,
        form_id=pin.form_id,
        form_version=pin.version,
        borough=pin.borough,
        overlay_version=pin.overlay_version,
        pinned_at=utcnow(),
        moved_by_id=moved_by.id if moved_by else None,
    )


def find_pin(db_session: Session, episode_id: int, form_id: str) -> EpisodeFormPin | None:
    return db_session.get(EpisodeFormPin, (episode_id, form_id))


def pinned_form(db_session: Session, episode: Episode, form_id: str) -> FormDefinition:
    """The version of `form_id` the episode uses. An episode started before pins were kept
    is pinned on first use: to the version its newest response of that form used, or else
    the borough's newest."""
    row = find_pin(db_session, episode.id, form_id)
    if row is not None:
        return form_library().resolve(row.pin)
    used = db_session.scalars(
        select(FormResponse)
        .where(FormResponse.episode_id == episode.id, FormResponse.form_id == form_id)
        .order_by(FormResponse.id.desc())
        .limit(1)
    ).first()
    if used is not None:
        form = form_library().resolve(used.pin)
    else:
        form = form_library().effective(episode.borough.code, form_id)
    db_session.add(_row(episode.id, form.pin))
    db_session.flush()
    return form


def newest_form(episode: Episode, form_id: str) -> FormDefinition:
    """The version a new episode of the episode's (current) borough would use."""
    return form_library().effective(episode.borough.code, form_id)


@dataclass(frozen=True)
class Move:
    """What moving an episode's form to the newest version changes."""

    form_id: str
    current: FormDefinition
    newest: FormDefinition
    #: Questions of the current draft whose answers the newest version has no place for.
    answers_left_behind: tuple[str, ...]

    @property
    def is_newer(self) -> bool:
        return self.current.pin != self.newest.pin


def _draft(db_session: Session, episode_id: int, form_id: str) -> FormResponse | None:
    return db_session.scalars(
        select(FormResponse).where(
            FormResponse.episode_id == episode_id,
            FormResponse.form_id == form_id,
            FormResponse.status == ResponseStatus.DRAFT,
        )
    ).first()


def _field_ids(form: FormDefinition) -> dict[str, str]:
    """Each question id, with the id of the section it is in."""
    return {
        item.id: section.id for section in form.sections for item in walk_fields(section.fields)
    }


def plan_move(db_session: Session, episode: Episode, form_id: str) -> Move:
    current = pinned_form(db_session, episode, form_id)
    newest = newest_form(episode, form_id)
    draft = _draft(db_session, episode.id, form_id)
    left: list[str] = []
    if draft is not None:
        wanted = _field_ids(newest)
        for row in draft.sections:
            left += [field_id for field_id in row.values if field_id not in wanted]
    return Move(form_id, current, newest, tuple(left))


class NothingToMove(Exception):
    """The episode already uses the newest version."""


def move_to_newest(
    db_session: Session, episode: Episode, form_id: str, actor: User, client_address: str = ""
) -> Move:
    """Move the episode's pin (and a draft of that form) to the newest version. A draft keeps
    each answer under the section the newest version puts its question in; answers the new
    version has no question for are listed in the audit event and dropped."""
    move = plan_move(db_session, episode, form_id)
    if not move.is_newer:
        raise NothingToMove
    row = find_pin(db_session, episode.id, form_id)
    assert row is not None  # plan_move pinned it
    new_pin = move.newest.pin
    row.form_version, row.borough, row.overlay_version = (
        new_pin.version,
        new_pin.borough,
        new_pin.overlay_version,
    )
    row.pinned_at, row.moved_by_id = utcnow(), actor.id
    draft = _draft(db_session, episode.id, form_id)
    left: list[str] = []
    if draft is not None:
        left = _carry_over(draft, move.newest)
        draft.form_version, draft.borough, draft.overlay_version = (
            new_pin.version,
            new_pin.borough,
            new_pin.overlay_version,
        )
    audit.record_for_episode(
        db_session,
        "form.version_moved",
        episode,
        actor_id=actor.id,
        client_address=client_address,
        form=form_id,
        before=move.current.label + _overlay_label(move.current),
        after=move.newest.label + _overlay_label(move.newest),
        draft=draft.id if draft is not None else None,
        answers_left_behind=left,
    )
    return move


def _overlay_label(form: FormDefinition) -> str:
    if form.borough and form.overlay_version:
        return f", {form.borough} version {form.overlay_version}"
    return ""


def _carry_over(draft: FormResponse, newest: FormDefinition) -> list[str]:
    """Regroup the draft's answers under the sections the newest version puts each question
    in (by question id), with their not-to-be-shared marks, and mark every section to be
    checked again. Returns the questions whose answers could not be kept."""
    wanted = _field_ids(newest)
    regrouped: dict[str, dict] = {}
    restricted: dict[str, tuple[set[str], int | None]] = {}
    left: list[str] = []
    for row in draft.sections:
        for field_id, value in row.values.items():
            section_id = wanted.get(field_id)
            if section_id is None:
                left.append(field_id)
                continue
            if field_id in row.not_shared:
                marks, organisation = restricted.setdefault(
                    section_id, (set(), row.not_shared_organisation_id)
                )
                if organisation != row.not_shared_organisation_id:
                    left.append(field_id)  # one agency's restriction per section
                    continue
                marks.add(field_id)
            regrouped.setdefault(section_id, {})[field_id] = value
    rows = {row.section_id: row for row in draft.sections}
    now = utcnow()
    for section_id in set(rows) | set(regrouped):
        row = rows.get(section_id)
        if row is None:
            row = SectionAnswers(
                section_id=section_id,
                updated_by_id=draft.updated_by_id or draft.created_by_id,
                updated_at=now,
            )
            draft.sections.append(row)
        row.values = regrouped.get(section_id, {})
        marks, organisation = restricted.get(section_id, (set(), None))
        row.restrict(marks, organisation)
        row.is_complete = False
    return left
