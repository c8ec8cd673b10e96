"""A core national question keeps its national words in every borough: whatever operation
tries, a label or short label of a core question cannot change (issue: an overlay made
'date_of_birth' ask for the date the family moved). A hint or an error message may be
added. The one overlay published before the rule stays loadable as published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.formdefs.factories import base_data, base_form, overlay
from webapp.formdefs.checks import CORE_WORDING_KEPT
from webapp.formdefs.convert import form_from_dict
from webapp.formdefs.definition import FormDefinition
from webapp.formdefs.loader import default_root, load_library, parse_file
from webapp.formdefs.overlay import apply_overlay
from webapp.formdefs.problems import DefinitionError

CHANGES_OF_WORDING = {
    "relabel": {"relabel": {"id": "date_of_birth", "label": "Date the family moved here"}},
    "relabel with its own short label": {
        "relabel": {"id": "gender", "label": "School place?", "short_label": "School place"}
    },
    "relabel inside a repeating group": {"relabel": {"id": "carer_name", "label": "Pet's name"}},
    "modify the label": {"modify": {"field": "has_disability", "label": "Has a bus pass?"}},
    "modify the short label": {"modify": {"field": "full_name", "short_label": "Postcode"}},
    "rewrite the group around it": {
        "modify": {
            "field": "carers",
            "fields": [
                {"id": "carer_name", "type": "text", "label": "Pet's name", "core": True},
                {"id": "carer_email", "type": "email", "label": "E-mail"},
            ],
        }
    },
}


def local_group_base() -> FormDefinition:
    """The base form with a local repeating group holding a core question: the group may be
    rewritten, the core question in it may not be reworded."""
    data = base_data()
    data["sections"][1]["fields"][0]["core"] = False
    return form_from_dict(data, "formdefs/national/demo.v1.yaml")


@pytest.mark.parametrize("operation", CHANGES_OF_WORDING.values(), ids=CHANGES_OF_WORDING)
def test_no_operation_changes_the_words_of_a_core_question(operation):
    base = (
        local_group_base()
        if "modify" in operation and "fields" in operation["modify"]
        else base_form()
    )
    with pytest.raises(DefinitionError) as caught:
        apply_overlay(base, overlay(operation))
    messages = [problem.message for problem in caught.value.problems]
    assert any(CORE_WORDING_KEPT in message for message in messages), messages
    assert "a borough may add a hint" in CORE_WORDING_KEPT


def test_a_hint_and_an_error_message_may_be_added_to_a_core_question():
    merged = apply_overlay(
        base_form(),
        overlay(
            {"hint": {"id": "date_of_birth", "hint": "As on the birth certificate"}},
            {"modify": {"field": "gender", "errors": {"required": "Select the child's gender"}}},
        ),
    )
    assert merged.find_field("date_of_birth").hint == "As on the birth certificate"
    assert merged.find_field("date_of_birth").label == base_form().find_field("date_of_birth").label


def test_relabelling_a_core_question_to_its_own_words_changes_nothing_and_is_allowed():
    same = base_form().find_field("date_of_birth").label
    merged = apply_overlay(base_form(), overlay({"relabel": {"id": "pets", "label": same}}))
    assert merged.find_field("date_of_birth").label == same


def test_the_overlay_published_before_the_rule_loads_as_published():
    library = load_library()
    form = library.effective("riverside", "caf_assessment", 1, 1)
    assert form.find_field("given_names").label == "First name(s)"


def test_the_same_change_in_any_other_file_is_refused(tmp_path: Path):
    """Only the published bytes are exempt: a copy that differs by one byte (a new version,
    another borough) is held to the rule."""
    root = tmp_path / "formdefs"
    shutil.copytree(default_root(), root)
    published = root / "boroughs" / "riverside" / "caf_assessment.v1.yaml"
    published.write_text(published.read_text() + "\n# edited\n")
    document, problems = parse_file(published, "riverside v1, edited")
    assert not problems and document is not None and not document.wording_as_published
    with pytest.raises(DefinitionError) as caught:
        load_library(root)
    assert any(
        "'given_names'" in problem.message and CORE_WORDING_KEPT in problem.message
        for problem in caught.value.problems
    )
