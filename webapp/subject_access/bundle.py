"""Gather everything the system holds about one child, as plain records.

Each part is a list of records (dicts with snake_case keys, JSON-friendly values); the
archive module writes them as readable HTML and as JSON. Two things are *for review* by the
data controller rather than disclosed automatically (seed 003; DESIGN §3):

- confidential notes: that each exists, who wrote it and when, never its text;
- a shielded record's address and postcode, withheld from every part.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, exists, or_, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Organisation
from webapp.children.models import Child
from webapp.children.shielding_services import history as shielding_history
from webapp.consent.models import Consent
from webapp.db import Base
from webapp.episodes.models import Episode, Notification
from webapp.notes import services as notes
from webapp.sharing import services as sharing

WITHHELD = "Withheld: the record is shielded (see the part for review)"
# Other parts' models, read generically so that this module need not know their shape.
LINKED_MODULES = (
    (
        "webapp.assessments.models",
        "form_responses",
        "Forms and assessments",
        "Every form filled in on the child's episodes, with its answers.",
    ),
    (
        "webapp.tac.models",
        "team_around_the_child",
        "Team around the child",
        "Who was on the team around the child, lead professional changes, and who works with "
        "the child.",
    ),
    (
        "webapp.documents.models",
        "documents",
        "Documents produced",
        "Every Word document made from the child's records (when, by whom, for which agency, "
        "and its SHA-256 fingerprint), and the signed copies uploaded.",
    ),
)

Record = dict[str, Any]

ACTIONS = {
    "child_index.searched": "Found the child in a child index search",
    "episode.opened": "Started a CAF episode",
    "episode.viewed": "Looked at the episode",
    "episode.transition": "Moved the episode to another stage",
    "episode.transition.refused": "Was refused a step on the episode",
    "consent.viewed": "Looked at the consent records",
    "consent.given": "Recorded consent",
    "document.generated": "Produced a Word document from the record",
    "documents.viewed": "Looked at the episode's documents",
    "consent.refused": "Recorded a refusal of consent",
    "consent.withdrawn": "Recorded the withdrawal of consent",
    "sharing.register_viewed": "Looked at the information-sharing register",
    "sharing.decision_recorded": "Recorded a decision to share or not to share",
    "sharing.refused": "Was refused sharing or access to the register",
    "sharing.decision_review_viewed": "Looked at a decision to share without consent, to review it",
    "sharing.decision_reviewed": "Reviewed a decision to share without consent",
    "confidential_note.written": "Wrote a confidential note",
    "confidential_note.listed": "Looked at their own confidential notes",
    "confidential_note.viewed": "Read their own confidential note",
    "confidential_note.refused": "Was refused access to confidential notes",
    "child.shielded": "Shielded the record",
    "child.unshielded": "Removed the shielding of the record",
    "child.shielding_viewed": "Looked at the shielding of the record",
    "child.shielding_refused": "Was refused access to the shielding of the record",
    "subject_access.viewed": "Looked at the subject access page",
    "subject_access.produced": "Produced a subject access bundle",
    "subject_access.refused": "Was refused subject access",
}


@dataclass
class Part:
    key: str
    title: str
    description: str
    records: list[Record] = field(default_factory=list)


@dataclass
class Bundle:
    child: Child
    produced_at: datetime
    produced_by: User
    request_details: str
    parts: list[Part]
    for_review: Part

    def counts(self) -> dict[str, int]:
        counts = {part.key: len(part.records) for part in self.parts}
        counts[self.for_review.key] = len(self.for_review.records)
        return counts


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return f"{user.full_name}, {user.organisation.name}"


def child_records(child: Child) -> list[Record]:
    hidden = child.shielded
    return [
        {
            "name": child.display_name,
            "given_names": child.given_names,
            "family_name": child.family_name,
            "also_known_as": child.also_known_as or None,
            "gender": child.gender.value,
            "date_of_birth": _when(child.date_of_birth),
            "expected_date_of_delivery": _when(child.expected_delivery_date),
            "mother_name": child.mother_name or None,
            "address": WITHHELD
            if hidden
            else ", ".join(
                part for part in (child.address_line_1, child.address_line_2, child.town) if part
            )
            or None,
            "postcode": WITHHELD if hidden else child.postcode or None,
            "unique_reference": child.unique_reference,
            "borough": child.borough.name,
            "shielded": "Yes" if hidden else "No",
            "in_the_index_since": _when(child.created_at),
        }
    ]


def episode_records(episodes: list[Episode]) -> list[Record]:
    return [
        {
            "reference": episode.reference,
            "borough": episode.borough.name,
            "stage": episode.state,
            "opened": _when(episode.opened_at),
            "closed": _when(episode.closed_at),
            "assessor": _name(episode.assessor),
            "lead_professional": _name(episode.lead_professional),
            "episode_coordinator": _name(episode.coordinator),
            "next_review": _when(episode.next_review_on),
            "sharing_suspended": "Yes" if episode.sharing_suspended else "No",
            "history": [
                {
                    "when": _when(entry.occurred_at),
                    "step": entry.title,
                    "from": entry.from_state,
                    "to": entry.to_state,
                    "by": _name(entry.actor) or "The system",
                    "comment": entry.comment or None,
                }
                for entry in episode.history
            ],
        }
        for episode in episodes
    ]


def consent_records(db_session: Session, episodes: list[Episode]) -> list[Record]:
    references = {episode.id: episode.reference for episode in episodes}
    consents = db_session.scalars(
        select(Consent)
        .where(Consent.episode_id.in_(list(references)))
        .order_by(Consent.recorded_at, Consent.id)
    )
    return [
        {
            "episode": references[consent.episode_id],
            "decision": consent.decision.value,
            "given_by": consent.given_by_name,
            "relationship_to_child": consent.relationship_to_child or None,
            "parental_responsibility": consent.has_parental_responsibility,
            "sufficient_understanding": consent.child_has_sufficient_understanding,
            "to_assess": consent.to_assess,
            "to_record": consent.to_record,
            "to_share": consent.to_share,
            "shared_with": [
                agency.organisation.name if agency.organisation else agency.service_name
                for agency in consent.agencies
            ],
            "how": consent.method.value,
            "date": _when(consent.given_on),
            "review_by": _when(consent.review_on),
            "recorded_by": _name(consent.recorded_by),
            "withdrawn": _when(consent.withdrawn_at),
            "withdrawn_by": _name(consent.withdrawn_by),
            "withdrawal_reason": consent.withdrawal_reason or None,
        }
        for consent in consents
    ]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def sharing_records(db_session: Session, episodes: list[Episode]) -> list[Record]:
    references = {episode.id: episode.reference for episode in episodes}
    return [
        {
            "episode": references[decision.episode_id],
            "when": _when(decision.decided_at),
            "what": decision.what,
            "with_whom": decision.recipient,
            "basis": decision.basis.title,
            "grounds": decision.ground.title if decision.ground else None,
            "decided_by": _name(decision.decided_by),
            "reasons": decision.reasons or None,
            "why_necessary_and_proportionate": decision.necessity or None,
            "family_told": _yes_no(decision.family_told),
            "why_family_not_told": decision.family_not_told_reason or None,
            "advice_taken": _yes_no(decision.advice_taken),
            "advice_from": decision.advice_from or None,
            "manager_review": (
                {
                    "agreed": "Yes" if decision.review.agreed else "No",
                    "by": _name(decision.review.reviewed_by),
                    "when": _when(decision.review.reviewed_at),
                    "comment": decision.review.comment,
                }
                if decision.review
                else ("Waiting" if decision.needs_review else None)
            ),
        }
        for decision in sharing.for_episodes(db_session, list(references))
    ]


def notification_records(db_session: Session, episodes: list[Episode]) -> list[Record]:
    references = {episode.id: episode.reference for episode in episodes}
    if not references:
        return []
    rows = db_session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.episode_id.in_(list(references)))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    return [
        {
            "episode": references[notification.episode_id],
            "when": _when(notification.created_at),
            "to": _name(user),
            "kind": notification.kind,
            "message": notification.message,
            "read": _when(notification.read_at),
        }
        for notification, user in rows
    ]


def _found_in_search(db_session: Session, child_id: int) -> list[AuditEvent]:
    """Child index searches whose results included the child. The detail is JSON text: narrow
    with LIKE, then confirm by reading it."""
    patterns = [f"%[{child_id}]%", f"%[{child_id},%", f"% {child_id},%", f"% {child_id}]%"]
    candidates = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "child_index.searched",
            or_(*(AuditEvent.detail.like(pattern) for pattern in patterns)),
        )
    )
    found = []
    for event in candidates:
        results = json.loads(event.detail or "{}").get("results") or []
        if child_id in results:
            found.append(event)
    return found


def access_records(db_session: Session, child: Child, episodes: list[Episode]) -> list[Record]:
    """Who accessed or changed the record, from the audit trail."""
    episode_ids = [episode.id for episode in episodes]
    references = {episode.id: episode.reference for episode in episodes}
    conditions = [AuditEvent.child_id == child.id]
    if episode_ids:
        conditions.append(AuditEvent.episode_id.in_(episode_ids))
    # The events of an episode erased after a refusal of consent to record stay in the
    # append-only trail, but nothing of that CAF may be shown (guidance 4.18).
    not_erased = or_(
        AuditEvent.episode_id.is_(None),
        exists().where(Episode.id == AuditEvent.episode_id),
    )
    events = list(db_session.scalars(select(AuditEvent).where(or_(*conditions), not_erased)))
    events += _found_in_search(db_session, child.id)
    events.sort(key=lambda event: event.id)
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = {
        user.id: user for user in db_session.scalars(select(User).where(User.id.in_(actor_ids)))
    }
    organisation_names = dict(
        db_session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({user.organisation_id for user in actors.values()})
            )
        ).all()
    )
    records = []
    for event in events:
        actor = actors.get(event.actor_id)
        records.append(
            {
                "when": _when(event.occurred_at),
                "who": actor.full_name if actor else "The system",
                "organisation": organisation_names.get(actor.organisation_id) if actor else None,
                "what": ACTIONS.get(event.action, event.action.replace("_", " ")),
                "episode": references.get(event.episode_id),
                "audit_event": event.id,
            }
        )
    return records


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return _when(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # an enum
    return value


def _module_tables(module_name: str) -> list[Table] | None:
    """The tables of a models module, if that module exists and has any."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    tables = [
        model.__table__
        for model in vars(module).values()
        if isinstance(model, type)
        and issubclass(model, Base)
        and model.__module__ == module.__name__
        and hasattr(model, "__table__")
    ]
    return tables or None


def _owned_by(table: Table, child: Child, episode_ids: list[int]):
    if "episode_id" in table.c:
        return table.c.episode_id.in_(episode_ids) if episode_ids else None
    if "child_id" in table.c:
        return table.c.child_id == child.id
    return None


def linked_records(
    db_session: Session, module_name: str, child: Child, episodes: list[Episode]
) -> list[Record] | None:
    """Read another part's tables generically (None when the module does not exist): rows
    that belong to the child or their episodes, each with the rows of other tables that refer
    to it (for example the answers of each section of a form). For a shielded record,
    addresses and contact details are withheld."""
    tables = _module_tables(module_name)
    if tables is None:
        return None
    episode_ids = [episode.id for episode in episodes]
    references = {episode.id: episode.reference for episode in episodes}
    records: list[Record] = []
    for table in tables:
        condition = _owned_by(table, child, episode_ids)
        if condition is None:
            continue
        rows = (
            db_session.execute(select(table).where(condition).order_by(*table.primary_key))
            .mappings()
            .all()
        )
        ids = [row["id"] for row in rows if "id" in row]
        children = _rows_referring_to(db_session, tables, table, ids)
        readable = _Readable(db_session)
        for row in rows:
            record: Record = {"kind": table.name.replace("_", " ")}
            if "episode_id" in row:
                record["episode"] = references.get(row["episode_id"])
            record.update(readable(table, row))
            for child_table, child_rows in children.items():
                record[child_table.name] = [
                    readable(child_table, child_row)
                    for column, child_row in child_rows
                    if child_row[column] == row.get("id")
                ]
            records.append(_withhold_contacts(record) if child.shielded else record)
    return records


CONTACT_WORDS = ("address", "postcode", "telephone", "phone", "email", "contact")


def _withhold_contacts(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: WITHHELD
            if any(word in str(key).lower() for word in CONTACT_WORDS) and item not in (None, "")
            else _withhold_contacts(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_withhold_contacts(item) for item in value]
    return value


def _rows_referring_to(
    db_session: Session, tables: list[Table], parent: Table, ids: list[int]
) -> dict[Table, list[tuple[str, Any]]]:
    """Rows of the tables that belong to a row of `parent` (tables of their own are read as
    records of their own)."""
    found: dict[Table, list[tuple[str, Any]]] = {}
    if not ids:
        return found
    for table in tables:
        if _owns_rows(table):
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table is parent:
                column = foreign_key.parent
                rows = db_session.execute(
                    select(table).where(column.in_(ids)).order_by(*table.primary_key)
                ).mappings()
                found.setdefault(table, []).extend((column.name, row) for row in rows)
    return found


def _owns_rows(table: Table) -> bool:
    return "episode_id" in table.c or "child_id" in table.c


class _Readable:
    """A row as a record a person can read: people named instead of their account ids, JSON
    columns parsed, and the episode's id left out (its reference is given instead)."""

    def __init__(self, db_session: Session):
        self.db_session = db_session
        self.names: dict[int, str | None] = {}

    def person(self, user_id: int) -> str | None:
        if user_id not in self.names:
            self.names[user_id] = _name(self.db_session.get(User, user_id))
        return self.names[user_id]

    def __call__(self, table: Table, row: Any) -> Record:
        people = {
            column.name
            for column in table.c
            if any(key.column.table.name == User.__tablename__ for key in column.foreign_keys)
        }
        record: Record = {}
        for key, value in row.items():
            if key == "episode_id":
                continue
            if key in people and value is not None:
                record[key.removesuffix("_id")] = self.person(value)
            elif key.endswith("_json") and isinstance(value, str):
                record[key.removesuffix("_json")] = _parsed(value)
            else:
                record[key] = _plain(value)
        return record


def _parsed(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def review_records(db_session: Session, child: Child, episodes: list[Episode]) -> list[Record]:
    records: list[Record] = [
        {
            "item": "Confidential note",
            "episode": listing.episode_reference,
            "written_by": f"{listing.author_name}, {listing.author_organisation}",
            "written": _when(listing.written_at),
            "what_to_do": (
                "The text is not included. Ask the author for it and decide whether to "
                "disclose it; it may hold what the family asked not to be recorded or shared."
            ),
        }
        for listing in notes.listed_for_review(db_session, [episode.id for episode in episodes])
    ]
    if child.shielded:
        records.append(
            {
                "item": "Shielded record",
                "what_to_do": (
                    "The address and postcode, and the addresses and contact details given in "
                    "forms, are withheld from this bundle. Disclose them only "
                    "once you are sure it is safe. Check that nothing else in the bundle, such as "
                    "the names of schools or services, reveals where the family lives."
                ),
            }
        )
        for change in shielding_history(db_session, child):
            records.append(
                {
                    "item": "Shielding " + ("added" if change.shielded else "removed"),
                    "when": _when(change.changed_at),
                    "by": _name(change.changed_by),
                    "reason": change.reason,
                }
            )
    return records


def gather(
    db_session: Session,
    child: Child,
    produced_by: User,
    request_details: str,
    produced_at: datetime,
) -> Bundle:
    episodes = list(
        db_session.scalars(
            select(Episode).where(Episode.child_id == child.id).order_by(Episode.opened_at)
        )
    )
    parts = [
        Part("child", "The child's details", "What the child index holds.", child_records(child)),
        Part(
            "episodes",
            "CAF episodes and their history",
            "Each CAF episode, who worked on it, and every step taken.",
            episode_records(episodes),
        ),
        Part(
            "consents",
            "Consent decisions",
            "Every consent, refusal and withdrawal recorded.",
            consent_records(db_session, episodes),
        ),
        Part(
            "sharing_register",
            "Information-sharing register",
            "Every decision to share or not to share, with or without consent.",
            sharing_records(db_session, episodes),
        ),
        Part(
            "notifications",
            "Notifications about the child",
            "Messages the system sent to practitioners about the child's episodes.",
            notification_records(db_session, episodes),
        ),
        Part(
            "access_log",
            "Who accessed the record",
            "From the audit trail: every look-up, read and change of the child's records.",
            access_records(db_session, child, episodes),
        ),
    ]
    for position, (module_name, key, title, description) in enumerate(LINKED_MODULES, 3):
        records = linked_records(db_session, module_name, child, episodes)
        if records is not None:
            parts.insert(position, Part(key, title, description, records))
    for_review = Part(
        "for_review",
        "For review before disclosure",
        "Not to be disclosed as it stands: the data controller decides what of this to disclose.",
        review_records(db_session, child, episodes),
    )
    return Bundle(child, produced_at, produced_by, request_details, parts, for_review)
