"""What a downloaded document holds: every section of the borough's own form, groups as
tables, blank lines for what is unanswered, escaped answers and its provenance."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from tests.directory.helpers import make_service
from tests.directory.test_plan_actions import save_action
from tests.documents.conftest import download, fill, start_assessment
from webapp import db
from webapp.assessments import services
from webapp.assessments.library import form_library
from webapp.consent.models import Consent
from webapp.documents.context import BLANK_LINE
from webapp.documents.types import DOCUMENT_TYPES


def item_of(pages) -> str:
    return f"response-{pages.response.id}"


def test_a_filled_assessment_prints_every_section_of_the_form_with_its_answers(filled):
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    form = form_library().effective("eastmoor", "caf_assessment")
    for section in form.sections:
        assert section.title in opened.headings
    assert opened.answer_to("Family name") == "Lovelace"
    assert opened.answer_to("Postcode") == "SE15 4AB"
    assert opened.answer_to("Ethnicity") == "Any other White background: Polish"
    assert opened.answer_to("Date of birth") == "17 May 2015"
    assert "Signatures" in opened.headings


def test_repeating_groups_are_tables_with_a_row_per_item(filled):
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    actions = opened.table_with_header("What will be done", "Who will do it", "By when")
    assert [row[0] for row in actions[1:]] == ["Morning club place", "Debt advice"]


def test_a_group_too_wide_for_a_table_prints_each_item_under_its_own_heading(client, app):
    """Six columns on a portrait page broke words mid-word: parents and carers (six
    questions) print as a block of questions for each, numbered; narrower groups stay
    tables."""
    pages = start_assessment(client, make_world("eastmoor"))
    parents = {
        **CAF_ASSESSMENT["parents_and_carers"],
        "parents_carers-items": "2",
        "parents_carers-1-parent_name": "Sam Lovelace",
        "parents_carers-1-parent_relationship": "Stepfather",
        "parents_carers-1-parental_responsibility": "no",
    }
    fill(pages, {**CAF_ASSESSMENT, "parents_and_carers": parents})
    opened = download(client, pages.world["episode"].id, item_of(pages))
    first, second = (
        opened.paragraphs.index(f"Parents and carers: Parent or carer {number}")
        for number in (1, 2)
    )
    assert first < second
    assert not any(
        table[0][:2] == ["Full name", "Relationship to the child"] for table in opened.tables
    )
    blocks = [table for table in opened.tables if table and table[0][0] == "Full name"]
    assert [block[0][1] for block in blocks] == ["Pat Lovelace", "Sam Lovelace"]
    assert [dict(block)["Relationship to the child"] for block in blocks] == [
        "Mother",
        "Stepfather",
    ]
    assert all(len(row) == 2 for block in blocks for row in block)


def test_strengths_and_needs_are_a_table_of_every_element(filled):
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    development = opened.table_with_header("Element", "Strengths", "Needs")
    rows = {row[0]: row[1:] for row in development[1:]}
    assert rows["General health"][0] == "Healthy and active"
    assert rows["Participation in learning, education and employment"][1] == "Attendance is 80%"
    assert rows["Identity, including self-esteem, self-image and social presentation"][0] == (
        "Not discussed"
    )
    assert len(rows) == 12  # every element of the development domain


def test_unanswered_questions_are_blank_lines_to_fill_in_by_hand(filled):
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    assert opened.answer_to("Religion") == BLANK_LINE
    assert opened.answer_to("Date completed") == "____ / ____ / ________"


def test_every_document_shows_its_provenance(filled):
    episode = filled.world["episode"]
    opened = download(filled.client, episode.id, item_of(filled))
    assert opened.answer_to("Episode reference") == episode.reference
    assert opened.answer_to("Form") == "Common Assessment Framework (CAF) assessment, version 1"
    assert opened.answer_to("Borough") == episode.borough.name
    generated = opened.answer_to("Generated")
    assert filled.world["assessor"].full_name in generated and " (UK time) by " in generated
    number = opened.answer_to("Document number")
    assert number.isdigit()
    assert episode.reference in opened.footer and f"document {number}" in opened.footer


def test_answers_holding_markup_are_printed_as_text(client, app):
    pages = start_assessment(client, make_world("eastmoor"))
    hostile = '<w:p><w:r><w:t>forged</w:t></w:r></w:p> & <script>alert("x")</script> {{ 7*7 }}'
    answers = dict(CAF_ASSESSMENT["comments"], child_comments=hostile)
    fill(pages, {"comments": answers})
    opened = download(client, pages.world["episode"].id, item_of(pages))
    assert opened.answer_to("Child's comments") == hostile
    assert "forged" not in opened.paragraphs


def test_a_boroughs_added_fields_and_own_template_appear_in_its_documents(client, app):
    pages = start_assessment(client, make_world("riverside"))
    details = dict(
        CAF_ASSESSMENT["identifying_details"],
        nhs_number="9434765919",
        school_attended="Riverside Primary",
        young_carer="no",
    )
    fill(pages, {"identifying_details": details})
    opened = download(client, pages.world["episode"].id, item_of(pages))
    # The overlay's fields, laid out by the renderer from the borough's definition...
    assert opened.answer_to("NHS number") == "943 476 5919"
    assert opened.answer_to("School attended") == "Riverside Primary"
    # ...and named directly by Riverside's own template.
    assert "Riverside Children's Services — Early Help" in opened.paragraphs
    assert "Key details" in opened.headings
    assert "Riverside" in opened.answer_to("Form")


def test_a_borough_without_its_own_template_falls_back_to_the_national_one(filled):
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    assert "Key details" not in opened.headings
    assert not any("Riverside Children" in text for text in opened.paragraphs)


@pytest.mark.parametrize(
    "type_name",
    [name for name, document_type in DOCUMENT_TYPES.items() if document_type.blank],
)
def test_a_blank_copy_of_every_form_offers_lines_and_boxes_to_complete(filled, type_name):
    opened = download(filled.client, filled.world["episode"].id, f"blank-{type_name}")
    form = form_library().effective("eastmoor", DOCUMENT_TYPES[type_name].form_id)
    for section in form.sections:
        assert section.title in opened.headings
    assert BLANK_LINE in opened.text
    assert "☐ " in opened.text  # the choices to tick
    assert opened.answer_to("Status").startswith("Blank form")


def test_the_blank_caf_form_offers_every_gender_to_tick(filled):
    opened = download(filled.client, filled.world["episode"].id, "blank-caf_assessment")
    assert opened.answer_to("Gender") == "☐ Male   ☐ Female   ☐ Not known"


def test_a_shielded_childs_address_and_contacts_are_withheld_from_documents(filled):
    filled.world["child"].shielded = True
    db.session.commit()
    opened = download(filled.client, filled.world["episode"].id, item_of(filled))
    assert opened.answer_to("Address") == "Withheld: this record is shielded"
    assert opened.answer_to("Postcode") == "Withheld: this record is shielded"
    assert "SE15 4AB" not in opened.text and "Example Street" not in opened.text
    assert "07700 900 982" not in opened.text  # the parent's telephone, in a group


def test_the_consent_statement_has_signature_blocks_with_printed_names(filled):
    consent = db.session.scalars(select(Consent)).first()
    opened = download(filled.client, filled.world["episode"].id, f"consent-{consent.id}")
    signatures = opened.table_with_header("Signed by", "Signature", "Printed name", "Date")
    rows = {row[0]: row for row in signatures[1:]}
    assert set(rows) == {"Child or young person", "Parent or carer", "Practitioner"}
    assert rows["Parent or carer"][2] == "Pat Parent"
    assert rows["Practitioner"][2] == filled.world["assessor"].full_name
    assert rows["Child or young person"][2].startswith("____")
    assert all(row[3] == "____\u00a0/\u00a0____\u00a0/\u00a0________" for row in rows.values())
    assert opened.answer_to("To share the information with the agencies named below") == "Agreed"
    assert "Who is giving consent" in opened.headings


def test_a_plan_action_names_its_directory_service_by_name(client, app):
    world = make_world("eastmoor", state="assessed")
    talkers = make_service(world["borough"], world["assessor"], name="Little Talkers")
    response = services.start_response(db.session, world["episode"], "plan", world["assessor"])
    db.session.commit()
    plan = {**world, "response": response}
    plan["base"] = f"/episodes/{world['episode'].id}/forms/{response.id}"
    sign_in(client, world["assessor"])
    assert save_action(client, plan, str(talkers.id)).status_code == 302
    opened = download(client, world["episode"].id, f"response-{response.id}")
    assert opened.answer_to("Service") == "Little Talkers"
