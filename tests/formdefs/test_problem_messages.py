"""Problems say what is wrong in the words of the form: a condition on a question of a table
says the question is in a table, and a problem in a borough's merged form names the section
and question, not their positions (which are in no file)."""

from __future__ import annotations

import pytest

from tests.formdefs.factories import base_form, overlay
from webapp.formdefs.overlay import apply_overlay
from webapp.formdefs.problems import DefinitionError


def refusal_messages(*operations: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        apply_overlay(base_form(), overlay(*operations))
    return [problem.message for problem in caught.value.problems]


def added_question_depending_on(field_id: str) -> dict:
    """An operation adding a local question to the family section, shown on `field_id`."""
    question = {
        "id": "pet_kind",
        "type": "text",
        "label": "What kind of pet?",
        "data_class": "basic",
        "visible_if": {"field": field_id, "equals": "x"},
    }
    return {"add_field": {"field": question, "into": "family"}}


def test_a_condition_on_a_question_of_a_table_says_it_is_in_the_table():
    [message] = refusal_messages(added_question_depending_on("carer_name"))
    assert "'carer_name' is a question inside the table 'carers'" in message
    assert "only a question of the same table can depend on it" in message
    assert "not a field of this form" not in message


def test_a_problem_in_the_merged_form_names_the_section_and_question():
    [message] = refusal_messages(added_question_depending_on("nickname"))
    assert message.endswith("(merged form: family.pet_kind.visible_if)"), message
    assert "sections[" not in message
