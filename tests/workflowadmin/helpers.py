"""What the workflow-draft tests do as an administrator does: through the pages."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy import select

from webapp import db
from webapp.workflowadmin.models import WorkflowDraft


def text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text().split()
    )


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select(".govuk-error-summary__list li")]


def problems(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select("#check-problems li")]


def start_draft(client) -> WorkflowDraft:
    response = client.post_form("/admin/workflow-drafts", {}, token_from="/admin/workflows")
    assert response.status_code == 302, text(response)[:800]
    draft_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(WorkflowDraft, draft_id)


def lock_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="lock_version"[^>]*value="(\d+)"', html).group(1)


def change(client, draft, kind: str, data: dict, lock: str | None = None):
    path = f"/admin/workflow-drafts/{draft.id}/changes/{kind}"
    form = {"lock_version": lock or lock_of(client, path), **data}
    return client.post_form(path, form, token_from=path)


def save_yaml(client, draft, source: str, *, check_only: bool = False, lock: str | None = None):
    path = f"/admin/workflow-drafts/{draft.id}"
    form = {"lock_version": lock or lock_of(client, path), "source": source}
    form["check" if check_only else "submit"] = "1"
    return client.post_form(path, form, token_from=path)


def step(client, draft, trigger: str, comment: str = ""):
    path = f"/admin/workflow-drafts/{draft.id}/steps/{trigger}"
    page = client.get(path).get_data(as_text=True)
    state = re.search(r'name="expected_state"[^>]*value="([a-z_]*)"', page).group(1)
    return client.post_form(path, {"expected_state": state, "comment": comment}, token_from=path)


def source_of(draft_id: int) -> str:
    db.session.expire_all()
    return db.session.scalars(
        select(WorkflowDraft.source_yaml).where(WorkflowDraft.id == draft_id)
    ).one()


#: A waiting stage before the assessment, in and out by guided changes.
REGISTRATION_STAGE = {
    "key": "awaiting_registration",
    "title": "Awaiting registration",
    "description": "The family is being registered with the children's centre.",
    "like_state": "identified",
    "wildcard_steps": ["refer_to_social_care", "transfer_out", "withdraw_consent"],
}
INTO_REGISTRATION = {
    "trigger": "ask_for_registration",
    "title": "Ask the children's centre to register the family",
    "sources": ["identified"],
    "dest": "awaiting_registration",
    "roles": ["assessor"],
    "requires_comment": "no",
}
OUT_OF_REGISTRATION = {
    "trigger": "record_registration",
    "title": "Record the family's registration",
    "sources": ["awaiting_registration"],
    "dest": "identified",
    "roles": ["assessor"],
    "requires_comment": "yes",
    "comment_label": "Which centre registered the family?",
    "comment_error": "Enter which centre registered the family",
}
TAC_BEFORE_DELIVERY = {
    "trigger": "start_delivery",
    "count_of": "tac_meetings",
    "count_at_least": "1",
    "refusal": "Record a team around the child meeting before the plan starts",
}
