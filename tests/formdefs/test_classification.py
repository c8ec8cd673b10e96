"""Every question of every form is classified as basic or sensitive personal data, on the
command line and in the browser's form editor.

DCSF 2010, "How to share information appropriately with children's centre staff":
paragraph 15 (basic personal information is name, address, post code and date of birth),
paragraph 17 (anything more - breastfeeding, lifestyle, appointments, emotional health - is
likely to be "sensitive personal data" and needs explicit, informed consent) and paragraph 8
(the distinction between basic personal information and more detailed information).
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import sign_in
from tests.formadmin import test_form_drafts as editor
from tests.formdefs.factories import base_data, overlay_data, write_tree, write_yaml
from webapp import db
from webapp.formadmin.models import OverlayDraft
from webapp.formdefs import load_library
from webapp.formdefs.classification import sensitive_ids
from webapp.formdefs.cli import check_paths, formdefs
from webapp.formdefs.definition import DataClass, FieldType
from webapp.formdefs.loader import default_root

borough = editor.borough  # Eastmoor's administrators, from the form editor's tests


def test_every_shipped_question_is_classified():
    """DCSF 2010, paragraphs 15 and 17: each answer is basic or sensitive, none left out."""
    library = load_library(default_root())
    forms = [*library.bases.values(), *library.merged.values()]
    for form in forms:
        for item in form.all_fields():
            if item.type is not FieldType.REPEATING_GROUP:
                assert item.data_class is not None or _inherits(form, item.id), (form, item.id)
    assert CliRunner().invoke(formdefs, ["check"]).exit_code == 0


def _inherits(form, field_id) -> bool:
    return any(
        option.specify is not None and option.specify.id == field_id and item.data_class
        for item in form.all_fields()
        for option in item.options
    )


@pytest.mark.parametrize(
    ("form_id", "field_id", "expected"),
    [
        # paragraph 15: basic personal information
        ("caf_assessment", "given_names", DataClass.BASIC),
        ("caf_assessment", "address", DataClass.BASIC),
        ("caf_assessment", "postcode", DataClass.BASIC),
        ("caf_assessment", "date_of_birth", DataClass.BASIC),
        ("childrens_centre_consent", "cc_child_date_of_birth", DataClass.BASIC),
        # paragraph 17 (and the Data Protection Act's sensitive personal data)
        ("caf_assessment", "religion", DataClass.SENSITIVE),
        ("caf_assessment", "ethnicity", DataClass.SENSITIVE),
        ("caf_assessment", "disability_details", DataClass.SENSITIVE),
        ("caf_assessment", "development_strengths_needs", DataClass.SENSITIVE),
        ("caf_assessment", "parenting_strengths_needs", DataClass.SENSITIVE),
        ("pre_assessment_checklist", "be_healthy", DataClass.SENSITIVE),
        ("closure", "closure_summary", DataClass.SENSITIVE),
    ],
)
def test_the_national_questions_are_classified_as_the_guidance_says(form_id, field_id, expected):
    """DCSF 2010, paragraph 15 (name, address, postcode, date of birth are basic) and
    paragraph 17 (health, emotional health and the like are sensitive)."""
    form = load_library(default_root()).get_base(form_id)
    assert form.find_field(field_id).data_class is expected


def test_a_please_specify_answer_is_as_sensitive_as_its_choice():
    """DCSF 2010, paragraph 17: "Any other White background: Polish" says the ethnicity."""
    form = load_library(default_root()).get_base("caf_assessment")
    assert "ethnicity_white_other_details" in sensitive_ids(form)
    assert "given_names" not in sensitive_ids(form)


def test_check_refuses_a_national_question_left_unclassified(tmp_path):
    """DCSF 2010, paragraph 8: the distinction must be drawn for every question."""
    data = base_data()
    del data["sections"][0]["fields"][3]["data_class"]  # nickname
    root = write_tree(tmp_path / "formdefs", bases=[data])
    result = CliRunner().invoke(formdefs, ["check", str(root)])
    assert result.exit_code == 1
    assert (
        "formdefs/national/demo.v1.yaml: sections[0].fields[3].data_class: 'nickname' is not "
        "classified as basic or sensitive personal data"
    ) in result.output


def test_check_refuses_an_overlay_question_left_unclassified_and_names_the_operation(tmp_path):
    """DCSF 2010, paragraph 17: a borough's new question must say whether it is sensitive."""
    new = {"add_field": {"into": "about", "field": {"id": "school", "type": "text", "label": "S"}}}
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data(new)])
    problems = [str(problem) for problem in check_paths([root])]
    assert problems == [
        "formdefs/boroughs/testshire/demo.v1.yaml: operations[0].add_field.data_class: 'school' "
        "is not classified as basic or sensitive personal data: add data_class: basic or "
        "sensitive to the field in the overlay, or list it under boroughs.testshire.demo in "
        "formdefs/classification.yaml"
    ]
    classified = overlay_data(
        {
            "add_field": {
                "into": "about",
                "field": {**new["add_field"]["field"], "data_class": "basic"},
            }
        }
    )
    assert check_paths([write_tree(tmp_path / "again", overlays=[classified])]) == []


def test_the_classification_file_classifies_published_files_and_refuses_stale_entries(tmp_path):
    """The published files cannot change, so the classification file says it for them."""
    root = tmp_path / "formdefs"
    shutil.copytree(default_root(), root)
    table = yaml.safe_load((root / "classification.yaml").read_text())
    table["national"]["caf_assessment"]["sensitive"].remove("religion")
    table["national"]["caf_assessment"]["basic"].append("religon")
    write_yaml(root / "classification.yaml", table)
    problems = [str(problem) for problem in check_paths([root])]
    assert any("'religion' is not classified" in problem for problem in problems)
    assert any(
        "classification.yaml: national.caf_assessment: 'religon' is not a field" in problem
        for problem in problems
    )


def test_an_overlay_cannot_make_a_sensitive_national_question_basic(tmp_path):
    """DCSF 2010, paragraph 17: only explicit consent covers sensitive data; a borough
    cannot reclassify it as basic to share it more easily."""
    weaken = {"modify": {"field": "family_notes", "data_class": "basic"}}
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data(weaken)])
    (problem,) = check_paths([root])
    assert problem.key == "operations[0].modify.data_class"
    assert "'family_notes' is sensitive personal data and cannot be made basic" in problem.message


# --- the browser's form editor -----------------------------------------------------------


def test_a_question_added_in_the_browser_must_be_classified(client, borough):
    """DCSF 2010, paragraphs 15 and 17: the administrator says which the new answer is."""
    sign_in(client, borough["first_admin"])
    draft = editor.start_draft(client)
    unclassified = {**editor.ADD_QUESTION}
    del unclassified["data_class"]
    response = editor.change(client, draft, "add-question", unclassified)
    assert response.status_code == 400
    assert editor.errors(response) == [
        "Select whether the answer is basic or sensitive information"
    ]
    assert "school_attended" not in db.session.get(OverlayDraft, draft.id).source_yaml

    saved = editor.change(
        client, draft, "add-question", {**unclassified, "data_class": "sensitive"}
    )
    assert saved.status_code == 302
    assert "data_class: sensitive" in db.session.get(OverlayDraft, draft.id).source_yaml
    assert "Sensitive" in editor.text(client.get(f"/admin/forms/drafts/{draft.id}"))


def test_the_yaml_view_refuses_an_unclassified_question(client, borough):
    """DCSF 2010, paragraph 17, through the YAML view as through the command line."""
    sign_in(client, borough["first_admin"])
    draft = editor.start_draft(client)
    path = f"/admin/forms/drafts/{draft.id}/yaml"
    source = (
        "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
        "operations:\n  - add_field:\n      into: identifying_details\n"
        "      field: {id: sexual_orientation, type: text, label: Sexual orientation}\n"
    )
    response = client.post_form(
        path, {"source": source, "lock_version": editor.lock_of(client, path)}
    )
    assert response.status_code == 400
    assert any(
        "'sexual_orientation' is not classified as basic or sensitive" in message
        for message in editor.errors(response)
    ), editor.errors(response)
    assert "sexual_orientation" not in db.session.get(OverlayDraft, draft.id).source_yaml


def test_a_stored_draft_with_an_unclassified_question_cannot_be_published(
    client, other_client, borough
):
    """DCSF 2010, paragraph 17: publication refuses it, whatever put it in the draft."""
    sign_in(client, borough["first_admin"])
    draft = editor.start_draft(client)
    stored = db.session.scalars(select(OverlayDraft)).one()
    stored.source_yaml = (
        "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
        "operations:\n  - add_field:\n      into: identifying_details\n"
        "      field: {id: criminal_record, type: text, label: Convictions}\n"
    )
    db.session.commit()
    page = editor.text(client.get(f"/admin/forms/drafts/{draft.id}"))
    assert "'criminal_record' is not classified as basic or sensitive" in page
    refused = editor.step(client, draft, "submit_for_approval", "Police asked for it")
    assert refused.status_code == 400
    assert db.session.get(OverlayDraft, draft.id).state == "draft"
