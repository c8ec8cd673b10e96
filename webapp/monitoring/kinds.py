"""What kind of access an audit event records, and how a history says it."""

from __future__ import annotations

from webapp.subject_access.bundle import ACTIONS as SUBJECT_ACCESS_ACTIONS
from webapp.titled_enum import TitledEnum

SEARCHED = "child_index.searched"
EXPORTED_CHILD_HISTORY = "monitoring.child_history_exported"
EXPORTED_PERSON_HISTORY = "monitoring.person_history_exported"


class AccessKind(TitledEnum):
    SEARCH = "search", "Search that returned the child"
    PAGE = "page", "Page opened"
    DOCUMENT = "document", "Document produced or downloaded"
    CHANGE = "change", "Change"
    REFUSED = "refused", "Refused"
    URGENT = "urgent", "Urgent access"


# Documents: anything that leaves the service as a file.
DOCUMENT_ACTIONS = frozenset(
    {
        "document.generated",
        "upload.downloaded",
        "consent.refusal_note_downloaded",
        "subject_access.produced",
        EXPORTED_CHILD_HISTORY,
    }
)
# Pages read whose action names do not end in "viewed" or "listed".
PAGE_ACTIONS = frozenset({"form.compared", "form.version_compared", "form.answers_checked"})

DESCRIPTIONS = {
    **SUBJECT_ACCESS_ACTIONS,
    "access.refused": "Was refused a page",
    "break_glass.granted": "Took urgent access to the episode",
    "break_glass.reviewed": "Reviewed urgent access to the episode",
    "form.viewed": "Read a form",
    "form.section_viewed": "Opened a section of a form",
    "form.task_list_viewed": "Opened a form's list of sections",
    "forms.listed": "Looked at the episode's forms",
    "upload.downloaded": "Downloaded an uploaded file",
    "tac.join_requested": "Asked to join the team around the child",
    "monitoring.child_history_viewed": "Looked at the child's access history",
    EXPORTED_CHILD_HISTORY: "Exported the child's access history",
}


def kind_of(action: str) -> AccessKind:
    if action == SEARCHED:
        return AccessKind.SEARCH
    if action.startswith("break_glass."):
        return AccessKind.URGENT
    if action in DOCUMENT_ACTIONS:
        return AccessKind.DOCUMENT
    if "refused" in action:
        return AccessKind.REFUSED
    if action in PAGE_ACTIONS or action.endswith(("viewed", "listed")):
        return AccessKind.PAGE
    return AccessKind.CHANGE


def actions_of(kind: AccessKind, actions: set[str]) -> set[str]:
    return {action for action in actions if kind_of(action) is kind}


def describe(action: str) -> str:
    return DESCRIPTIONS.get(action) or action.replace("_", " ").replace(".", ": ").capitalize()
