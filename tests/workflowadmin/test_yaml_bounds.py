"""YAML typed in the browser cannot hold a worker or end in an error page: a document that
multiplies through its aliases, refers to itself, or nests too deep is refused with a
message, in every editor that reads YAML (a workflow draft, a condition written out, a form
draft), and the shipped definition files stay within the bounds."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.formadmin.test_form_drafts import errors as form_errors
from tests.formadmin.test_form_drafts import lock_of
from tests.formadmin.test_form_drafts import start_draft as start_form_draft
from tests.workflowadmin.helpers import change, problems, save_yaml, source_of, start_draft
from webapp import db
from webapp.formadmin.models import OverlayDraft
from webapp.yaml_bounds import MAX_DEPTH


def multiplying(levels: int = 7) -> str:
    """A few hundred characters that stand for 10**levels values."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


TOO_DEEP = "deep: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
ITSELF = "loop: &loop [*loop]\n"
BAD = [
    (multiplying(), "once its aliases"),
    (ITSELF, "once its aliases"),
    (TOO_DEEP, "levels deep"),
    ("deeper: " + "[" * 3000 + "]" * 3000 + "\n", "levels deep"),
]


@pytest.mark.parametrize(("extra", "expected"), BAD)
def test_the_workflow_draft_editor_refuses_yaml_beyond_the_bounds(
    client, eastmoor, extra, expected
):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    before = source_of(draft.id)
    for check_only in (True, False):
        response = save_yaml(client, draft, before + extra, check_only=check_only)
        assert response.status_code == 400
        assert any(expected in problem for problem in problems(response)), problems(response)
    assert source_of(draft.id) == before


@pytest.mark.parametrize(("extra", "expected"), BAD[:2])
def test_a_condition_written_out_is_held_to_the_same_bounds(client, eastmoor, extra, expected):
    sign_in(client, eastmoor["first_admin"])
    draft = start_draft(client)
    response = change(
        client,
        draft,
        "add-condition",
        {"trigger": "start_delivery", "written": extra, "refusal": "Wait"},
    )
    assert response.status_code == 400
    assert any(expected in message for message in form_errors(response))


@pytest.mark.parametrize(("extra", "expected"), BAD)
def test_the_form_draft_editor_refuses_yaml_beyond_the_bounds(client, eastmoor, extra, expected):
    sign_in(client, eastmoor["first_admin"])
    draft = start_form_draft(client)
    before = db.session.get(OverlayDraft, draft.id).source_yaml
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    response = client.post_form(
        path, {"source": before + extra, "lock_version": lock_of(client, path)}
    )
    assert response.status_code == 400
    assert any(expected in message for message in form_errors(response)), form_errors(response)
    assert db.session.get(OverlayDraft, draft.id).source_yaml == before
