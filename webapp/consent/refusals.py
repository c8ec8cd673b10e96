"""A refusal of consent to the CAF, before anything was agreed to be recorded (CWDC 2009):

- 4.16: "If the child or young person and/or their parent or carer refuses consent for the
  CAF to be undertaken, the practitioner should make a note of this in their personal files
  for future reference."
- 4.17-4.18: consent is needed to undertake the CAF *and* to record it; "If the child or
  young person, or family, do not consent to recording the information in an eCAF system,
  nothing can be stored."

So a refusal to be assessed, and an agreement to be assessed without agreeing to the record
being kept in eCAF, end the same way here: the episode is erased with everything hanging off
it (webapp/episodes/erasure.py), the child index shows no trace of it, and the practitioner
takes away a note for their own files, built from what they typed and never stored. One
audit event says only that a refusal happened, who noted it, when, and in which borough, so
the borough can count refusals; it names neither the child nor the episode.

Once the family has agreed to recording, a change of mind is a withdrawal of consent
(webapp/consent/services.py `withdraw`): the record is kept, nothing more is shared and the
team is told (DESIGN §3).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from docx import Document
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.policy import may_edit_part
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.consent.models import Consent, ConsentDecision, ConsentGiver, ConsentMethod
from webapp.consent.services import ConsentInput, ConsentInvalid, check, record_ever_agreed
from webapp.episodes import erasure, workflow
from webapp.episodes.models import Episode
from webapp.notes import services as notes
from webapp.sharing import services as sharing

REFUSED_ASSESSMENT = "assess"
REFUSED_RECORDING = "record"
WHAT_WAS_REFUSED = {
    REFUSED_ASSESSMENT: "They do not agree to the assessment",
    REFUSED_RECORDING: "They agree to the assessment, but not to it being recorded in eCAF",
}
COMMENT_MAX = 2000
AUDIT_ACTION = "consent.refused_nothing_kept"

# Said on the note, so that it stands on its own in the practitioner's files.
GUIDANCE = {
    REFUSED_ASSESSMENT: (
        "The CAF was not undertaken: taking part is voluntary (CWDC 2009, paragraph 4.11). "
        "Keep this note in your own files for future reference (paragraph 4.16)."
    ),
    REFUSED_RECORDING: (
        "They agreed to the assessment but not to it being recorded in eCAF, so nothing is "
        "stored there (paragraph 4.18). If you carry out the assessment on paper with their "
        "consent, keep it in your own files, and share it only with their explicit consent "
        "unless there is sufficient public interest to share without it (paragraph 4.17)."
    ),
}


class RefusalNotPossible(Exception):
    """The episode cannot be erased for a refusal: `reason` says why and what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RefusalInput:
    refused: str
    decided: ConsentInput
    comment: str = ""


@dataclass(frozen=True)
class RefusalNote:
    """The practitioner's note of the refusal: plain text only, held nowhere on the server
    (the page that shows it carries it to the download as JSON in a hidden field)."""

    child: str
    born: str
    refused: str
    refused_by: str
    how: str
    decided_on: str
    comment: str
    noted_by: str
    organisation: str
    borough: str
    noted_on: str
    # What the erased CAF held that the practitioner should keep: decisions about sharing
    # recorded before the refusal, and their own confidential notes.
    sharing_decisions: tuple[str, ...] = field(default_factory=tuple)
    own_notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def refused_text(self) -> str:
        return WHAT_WAS_REFUSED.get(self.refused, "")

    @property
    def guidance(self) -> str:
        return GUIDANCE.get(self.refused, "")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, max_length: int = 20000) -> RefusalNote:
        """A note sent back by the browser; ValueError unless every field is text of a sane
        length (it is only ever written back into the note)."""
        values = json.loads(text)
        if not isinstance(values, dict) or set(values) != {item.name for item in fields(cls)}:
            raise ValueError("not a refusal note")
        for name, value in values.items():
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(item, str) and len(item) <= max_length for item in items):
                raise ValueError(f"{name} is not text of a sane length")
            if isinstance(value, list):
                values[name] = tuple(value)
        if values["refused"] not in WHAT_WAS_REFUSED:
            raise ValueError("refused is not one of the choices")
        return cls(**values)


@dataclass(frozen=True)
class Outcome:
    note: RefusalNote
    erased: erasure.Erased


# The national workflow's step that used to keep a refusal (and the episode, in a
# "consent refused" state). A refusal is now noted on the refusal page, which keeps nothing,
# so the episode page offers that page instead of the step, and the step's address leads
# there too.
SUPERSEDED_STEP = "record_consent_refusal"


def offered(db_session: Session, user: User, episode: Episode) -> bool:
    """May this user note a refusal on this episode now?"""
    return (
        may_edit_part(user, episode, "consent")
        and why_not(db_session, episode, workflow.definition_for(episode).initial) is None
    )


def why_not(db_session: Session, episode: Episode, initial_state: str) -> str | None:
    """Why a refusal cannot erase this episode, or None if it can: the episode must still be
    at its first stage and nobody may ever have agreed to its being recorded."""
    if episode.state != initial_state:
        return (
            "This CAF has moved on from its first stage, so it is kept. If the family no longer "
            "agree, record the withdrawal of their consent."
        )
    if record_ever_agreed(db_session, episode):
        return (
            "The family agreed to this CAF being recorded, so it is kept. If they no longer "
            "agree, record the withdrawal of their consent."
        )
    return None


def _check(data: RefusalInput, today: date) -> dict[str, str]:
    errors = check(data.decided, set(), today)
    if data.refused not in WHAT_WAS_REFUSED:
        errors["refused"] = "Select what they refused"
    if len(data.comment.strip()) > COMMENT_MAX:
        errors["comment"] = f"What they said must be {COMMENT_MAX} characters or fewer"
    return errors


def _refused_by(episode: Episode, decided: ConsentInput) -> str:
    if decided.given_by is ConsentGiver.CHILD:
        return f"{episode.child.display_name} (the child or young person)"
    return (
        f"{decided.given_by_name.strip()}, {decided.relationship_to_child.strip()}, "
        "with parental responsibility"
    )


def _what_to_keep(db_session: Session, episode: Episode, user: User) -> dict[str, tuple[str, ...]]:
    decisions = tuple(
        f"{decision.decided_at:%-d %B %Y}, {decision.decided_by.full_name}: "
        f"{decision.basis.title} with {decision.recipient}. What: {decision.what}"
        + (f" Why: {decision.reasons}" if decision.reasons else "")
        for decision in reversed(sharing.register(db_session, episode))
    )
    own_notes = tuple(
        f"{note.written_at:%-d %B %Y}: {note.text}"
        for note in notes.own_notes(db_session, episode, user)
    )
    return {"sharing_decisions": decisions, "own_notes": own_notes}


def record(
    db_session: Session,
    episode: Episode,
    user: User,
    data: RefusalInput,
    *,
    initial_state: str,
    today: date,
    client_address: str = "",
) -> Outcome:
    """Note a refusal: erase the episode and return the note. Raises ConsentInvalid for bad
    answers and RefusalNotPossible when the episode must be kept; nothing is changed then.
    The caller commits, then removes the uploaded files (`remove_files`)."""
    errors = _check(data, today)
    if errors:
        raise ConsentInvalid(errors)
    locked = db_session.scalars(
        select(Episode).where(Episode.id == episode.id).with_for_update()
    ).one()
    reason = why_not(db_session, locked, initial_state)
    if reason:
        raise RefusalNotPossible(reason)
    child = locked.child
    born = child.date_of_birth or child.expected_delivery_date
    decided = data.decided
    note = RefusalNote(
        child=child.display_name,
        born=f"{born:%-d %B %Y}" if born else "",
        refused=data.refused,
        refused_by=_refused_by(locked, decided),
        how="In writing" if decided.method is ConsentMethod.WRITTEN else "Verbally",
        decided_on=f"{decided.given_on:%-d %B %Y}",
        comment=data.comment.strip(),
        noted_by=user.full_name,
        organisation=user.organisation.name if user.organisation else "",
        borough=locked.borough.name,
        noted_on=f"{today:%-d %B %Y}",
        **_what_to_keep(db_session, locked, user),
    )
    borough_code = locked.borough.code
    erased = erasure.erase(db_session, locked)
    # Content-free, so that the borough can count refusals: no child, no episode, no words.
    audit.record(
        db_session,
        AUDIT_ACTION,
        actor_id=user.id,
        client_address=client_address,
        borough=borough_code,
    )
    return Outcome(note, erased)


# The stage in which earlier versions kept an episode after a refusal.
KEPT_REFUSAL_STATE = "consent_refused"


def kept_refusals(db_session: Session) -> list[Episode]:
    """Episodes that earlier versions kept after a refusal (and that were never agreed to be
    recorded): `flask caf consent erase-refused` erases them."""
    agreed = select(Consent.episode_id).where(
        Consent.decision == ConsentDecision.GIVEN, Consent.to_record.is_(True)
    )
    return list(
        db_session.scalars(
            select(Episode)
            .where(Episode.state == KEPT_REFUSAL_STATE, Episode.id.not_in(agreed))
            .order_by(Episode.id)
        )
    )


def erase_kept_refusal(db_session: Session, episode: Episode) -> erasure.Erased:
    borough_code = episode.borough.code
    erased = erasure.erase(db_session, episode)
    audit.record(db_session, AUDIT_ACTION, borough=borough_code, erased_later=True)
    return erased


def remove_files(stored_paths: tuple[str, ...]) -> None:
    """Delete the erased episode's uploaded files from disk (after the commit)."""
    if not stored_paths:
        return
    from webapp.uploads.services import upload_folder

    folder = upload_folder()
    for name in stored_paths:
        path = (folder / name).resolve()
        if path.parent == folder:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                current_app.logger.exception("Could not remove an erased episode's file")


def note_docx(note: RefusalNote) -> bytes:
    """The note as a one-page Word document, built in memory (python-docx escapes text)."""
    document = Document()
    document.add_heading("Refusal of consent to the CAF", level=1)
    document.add_paragraph(
        "A note for the practitioner's own files. Nothing of this CAF is kept in eCAF."
    )
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (
        ("Child or young person", note.child),
        ("Date of birth or expected date of delivery", note.born),
        ("What they refused", note.refused_text),
        ("Who refused", note.refused_by),
        ("How they told you", note.how),
        ("Date of the decision", note.decided_on),
        ("What they said", note.comment or "Nothing recorded"),
        ("Noted by", f"{note.noted_by}, {note.organisation}"),
        ("Borough", note.borough),
        ("Date of this note", note.noted_on),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_paragraph(note.guidance)
    for heading, lines in (
        ("Decisions about sharing recorded before the refusal", note.sharing_decisions),
        ("Your confidential notes on this CAF", note.own_notes),
    ):
        if lines:
            document.add_heading(heading, level=2)
            for line in lines:
                document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def input_from(
    refused: str,
    comment: str,
    *,
    given_by: str,
    method: str,
    given_on: date,
    given_by_name: str,
    relationship_to_child: str,
    has_parental_responsibility: bool | None,
    child_has_sufficient_understanding: bool | None,
    understanding_judgement: str,
) -> RefusalInput:
    return RefusalInput(
        refused=refused,
        comment=comment or "",
        decided=ConsentInput(
            given_by=ConsentGiver(given_by),
            decision=ConsentDecision.REFUSED,
            method=ConsentMethod(method),
            given_on=given_on,
            given_by_name=given_by_name or "",
            relationship_to_child=relationship_to_child or "",
            has_parental_responsibility=has_parental_responsibility,
            child_has_sufficient_understanding=child_has_sufficient_understanding,
            understanding_judgement=understanding_judgement or "",
        ),
    )
