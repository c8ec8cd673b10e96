"""Bindings say, as data, where a question's answer is pre-filled from. A binding to an
unknown source, to a question of the wrong type or to a question that does not exist is
refused by `caf formdefs check`, at start-up and by the browser's form editor."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import sign_in
from tests.formadmin import test_form_drafts as editor
from webapp import db
from webapp.formadmin.models import OverlayDraft
from webapp.formdefs import DefinitionError, load_library
from webapp.formdefs.cli import formdefs
from webapp.formdefs.loader import default_root

borough = editor.borough  # Eastmoor's administrators, from the form editor's tests


def test_the_shipped_bindings_are_valid_and_bind_the_identifying_details():
    assert CliRunner().invoke(formdefs, ["check"]).exit_code == 0
    form = load_library(default_root()).get_base("caf_assessment")
    assert form.find_field("given_names").prefill == ("child.given_names",)
    assert form.find_field("assessor_email").prefill == ("practitioner.email",)


def _tree_with(tmp_path, form_id: str, field_id: str, source):
    root = tmp_path / "formdefs"
    shutil.copytree(default_root(), root)
    data = yaml.safe_load((root / "bindings.yaml").read_text())
    data["national"].setdefault(form_id, {})[field_id] = source
    (root / "bindings.yaml").write_text(yaml.safe_dump(data))
    return root


@pytest.mark.parametrize(
    ("form_id", "field_id", "source", "expected"),
    [
        (
            "caf_assessment",
            "religion",
            "child.favourite_colour",
            "national.caf_assessment.religion: 'child.favourite_colour' is not a source",
        ),
        (
            "caf_assessment",
            "given_names",
            "child.date_of_birth",
            "national.caf_assessment.given_names: 'child.date_of_birth' can fill only a date "
            "question, and 'given_names' is text",
        ),
        (
            "caf_assessment",
            "no_such_question",
            "child.given_names",
            "national.caf_assessment.no_such_question: 'no_such_question' is not a question "
            "of any version of caf_assessment",
        ),
        (
            "closure",
            "closure_summary",
            "previous.caf_assessment.no_such_answer",
            "'no_such_answer' is not a question of any version of caf_assessment",
        ),
        (
            "closure",
            "closure_date",
            "previous.caf_assessment.conclusion_needs",
            "'previous.caf_assessment.conclusion_needs' is a textarea question and cannot "
            "fill 'closure_date', a date question",
        ),
        (
            "closure",
            "need_outcome_comment",
            "previous.caf_assessment.action_what",
            "'need_outcome_comment' is inside the repeating group 'need_outcomes'",
        ),
    ],
)
def test_check_refuses_a_bad_binding_with_a_clear_message(
    tmp_path, form_id, field_id, source, expected
):
    root = _tree_with(tmp_path, form_id, field_id, source)
    result = CliRunner().invoke(formdefs, ["check", str(root)])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "formdefs/bindings.yaml" in result.output
    with pytest.raises(DefinitionError):
        load_library(root)  # the app does not start with it either


def _draft_with_binding(client, borough, field_line: str):
    sign_in(client, borough["first_admin"])
    draft = editor.start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    source = (
        "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
        "operations:\n  - add_field:\n      into: identifying_details\n"
        "      field: {id: school_start, type: text, label: School start, data_class: basic,\n"
        f"              {field_line}}}\n"
    )
    response = client.post_form(
        path, {"source": source, "lock_version": editor.lock_of(client, path)}
    )
    return draft, response


@pytest.mark.parametrize(
    ("binding", "expected"),
    [
        ("prefill: child.nowhere", "'child.nowhere' is not a source"),
        ("prefill: today", "'today' can fill only a date question"),
        ("prefill: previous.caf_assessment.missing", "'missing' is not a question"),
    ],
)
def test_the_form_editor_refuses_an_invalid_binding(client, borough, binding, expected):
    draft, response = _draft_with_binding(client, borough, binding)
    assert response.status_code == 400
    assert any(expected in message for message in editor.errors(response)), editor.errors(response)
    assert "prefill" not in db.session.get(OverlayDraft, draft.id).source_yaml


def test_the_form_editor_keeps_a_valid_binding(client, borough):
    draft, response = _draft_with_binding(client, borough, "prefill: child.reference")
    assert response.status_code == 302
    assert "prefill: child.reference" in db.session.get(OverlayDraft, draft.id).source_yaml
