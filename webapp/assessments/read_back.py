"""A form read back in full, as its read-only page shows it: each section with its summary
rows, the answers the viewer may not see withheld, directory services linked. The forms'
own pages use it, and so does a closure decision, which shows the manager the closure
form, the last review and the team's last meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.assessments import display, service_choices, services
from webapp.assessments.models import FormResponse
from webapp.episodes.models import Episode
from webapp.formdefs import FormDefinition, Section


@dataclass(frozen=True)
class ReadBack:
    response: FormResponse
    title: str
    sections: list[tuple[Section, list[display.Row]]]


def title(response: FormResponse) -> str:
    kind = services.kind(response)
    if kind.name == "assessment":
        return f"CAF assessment, version {response.sequence}"
    if kind.name == "review":
        return f"Review {response.review_number}"
    if response.sequence > 1:
        return f"{kind.title}, version {response.sequence}"
    return kind.title


def summaries(
    db_session: Session, response: FormResponse, form: FormDefinition, answers: dict[str, Any]
) -> list[tuple[Section, list[display.Row]]]:
    """Each section with its summary rows; answers naming directory services link to them."""
    sections = services.sections(response, form)
    links = service_choices.links(db_session, sections, answers)
    return [(section, display.summary_rows(section, answers, links)) for section in sections]


def latest(db_session: Session, episode: Episode, kind_name: str, viewer: User) -> ReadBack | None:
    """The newest form of `kind_name` on the episode, as `viewer` may read it, if any."""
    response = services.latest(db_session, episode.id, kind_name)
    if response is None:
        return None
    form = services.definition(response)
    answers = services.visible_answers(response, viewer, form)
    return ReadBack(response, title(response), summaries(db_session, response, form, answers))


def audit_detail(response: FormResponse) -> dict[str, Any]:
    """What an audit event about a form names of it."""
    return {
        "response_id": response.id,
        "form_id": response.form_id,
        "sequence": response.sequence,
        "review_number": response.review_number,
    }
