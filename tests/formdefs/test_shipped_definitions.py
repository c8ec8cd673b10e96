"""The definitions shipped in formdefs/: they all load, every overlay merges, and the
national forms carry the content of the DCSF forms (DESIGN §4, seeds 002 and 003)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from webapp.formdefs.cli import check_paths
from webapp.formdefs.definition import FieldType, FormDefinition
from webapp.formdefs.loader import default_root, load_library
from webapp.formdefs.overlay import OPERATIONS
from webapp.formdefs.validation import validate_form


@pytest.fixture(scope="module")
def library():
    return load_library(default_root())


def caf(library) -> FormDefinition:
    return library.get_base("caf_assessment", 1)


def normalise(label: str) -> str:
    return re.sub(r"[^a-z]+", " ", label.lower()).strip()


def test_every_definition_file_loads_and_checks_clean(library):
    files = sorted(
        path
        for path in default_root().rglob("*.yaml")
        if path.name not in ("classification.yaml", "bindings.yaml")
    )
    assert len(files) == len(library.bases) + len(library.overlays)
    assert check_paths([default_root()]) == []


def test_every_borough_overlay_merges_into_its_base_form(library):
    overlay_files = sorted((default_root() / "boroughs").rglob("*.yaml"))
    assert len(overlay_files) >= 3
    assert len(library.merged) == len(overlay_files)
    for (borough, form_id, version), merged in library.merged.items():
        assert (merged.borough, merged.id, merged.overlay_version) == (borough, form_id, version)


def test_the_national_forms_are_all_there(library):
    assert library.form_ids() == [
        "caf_assessment",
        "childrens_centre_consent",
        "closure",
        "delivery_plan_review",
        "pre_assessment_checklist",
        "tac_meeting",
    ]


def test_the_caf_assessment_has_the_ten_parts_of_the_national_form(library):
    assert [section.id for section in caf(library).sections] == [
        "identifying_details",
        "assessment_information",
        "parents_and_carers",
        "family_situation",
        "assessment_team",
        "other_services",
        "development",
        "parenting",
        "family_environment",
        "comments",
        "conclusions",
        "consent",
    ]


DOMAINS = {
    "development_strengths_needs": [
        "General health",
        "Physical development",
        "Speech, language and communication",
        "Emotional and social development",
        "Behavioural development",
        "Identity, including self-esteem, self-image and social presentation",
        "Family and social relationships",
        "Self-care skills and independence",
        "Understanding, reasoning and problem solving",
        "Participation in learning, education and employment",
        "Progress and achievement",
        "Aspirations",
    ],
    "parenting_strengths_needs": [
        "Basic care, ensuring safety and protection",
        "Emotional warmth and stability",
        "Guidance, boundaries and stimulation",
    ],
    "family_environment_strengths_needs": [
        "Family history, functioning and well-being",
        "Wider family",
        "Housing, employment and financial considerations",
        "Social and community elements and resources, including education",
    ],
}


@pytest.mark.parametrize("block_id", DOMAINS)
def test_every_element_of_the_three_domains_has_a_strengths_and_needs_block(library, block_id):
    block = caf(library).find_field(block_id)
    assert block.type is FieldType.STRENGTHS_NEEDS and block.core
    assert [normalise(e.label) for e in block.elements] == [normalise(x) for x in DOMAINS[block_id]]
    assert all(element.hint for element in block.elements)


def test_identifying_details_cover_the_national_form(library):
    form = caf(library)
    for field_id in [
        "given_names", "family_name", "also_known_as", "gender", "date_of_birth", "mother_name",
        "address", "postcode", "contact_telephone", "unique_reference_number",
        "assessment_version_number", "religion", "ethnicity", "immigration_status",
        "child_first_language", "parent_first_language", "disability", "disability_details",
        "interpreter_needed", "special_requirements",
    ]:  # fmt: skip
        assert form.section_of(field_id).id == "identifying_details", field_id
    assert [o.label for o in form.find_field("gender").options] == ["Male", "Female", "Not known"]
    assert form.find_field("date_of_birth").unborn_if.field == "unborn"


def test_ethnicity_has_the_census_categories_and_please_specify_options(library):
    ethnicity = caf(library).find_field("ethnicity")
    labels = [option.label for option in ethnicity.options]
    for label in ["Gypsy or Roma", "Traveller of Irish heritage", "Not given", "Chinese"]:
        assert label in labels
    any_other = [option for option in ethnicity.options if option.label.startswith("Any other")]
    assert len(any_other) == 5
    assert all(option.specify is not None for option in any_other)


def test_the_repeating_groups_have_the_national_columns(library):
    form = caf(library)
    expected = {
        "parents_carers": ["parent_name", "parent_relationship", "parent_address",
                           "parent_telephone", "parent_email", "parental_responsibility"],
        "services": ["service_level", "service_name", "service_contact_name",
                     "service_contact_details"],
        "agreed_actions": ["action_what", "action_who", "action_by_when"],
    }  # fmt: skip
    for group_id, sub_fields in expected.items():
        group = form.find_field(group_id)
        assert group.type is FieldType.REPEATING_GROUP
        assert [field.id for field in group.fields] == sub_fields
    levels = [option.value for option in form.find_field("service_level").options]
    assert levels == ["universal", "targeted", "specialist"]
    assert form.find_field("first_review_date").required


def test_the_pre_assessment_checklist_asks_about_the_five_outcomes(library):
    checklist = library.get_base("pre_assessment_checklist", 1)
    outcomes = [field.label for field in checklist.find_section("outcomes").fields][::2]
    assert outcomes[:5] == [
        "Be healthy",
        "Stay safe",
        "Enjoy and achieve",
        "Make a positive contribution",
        "Achieve economic well-being",
    ]


def test_the_closure_form_has_the_six_reasons_a_summary_and_an_outcome_per_need(library):
    closure = library.get_base("closure", 1)
    reasons = [option.value for option in closure.find_field("closure_reason").options]
    assert reasons == [
        "needs_met", "step_up", "step_down", "moved_away", "consent_withdrawn",
        "no_longer_engaging",
    ]  # fmt: skip
    assert closure.find_field("closure_summary").required
    assert closure.find_field("need_outcomes").type is FieldType.REPEATING_GROUP


def test_the_delivery_plan_and_tac_record_have_their_parts(library):
    plan = library.get_base("delivery_plan_review", 1)
    for field_id in ["plan_actions", "plan_action_progress", "needs_met", "next_review_date"]:
        assert plan.find_field(field_id) is not None, field_id
    tac = library.get_base("tac_meeting", 1)
    for field_id in ["meeting_date", "attendees", "decisions", "tac_actions",
                     "lead_professional_nominated", "next_meeting_date"]:  # fmt: skip
        assert tac.find_field(field_id) is not None, field_id


def test_the_childrens_centre_consent_form_follows_the_seed_annex(library):
    form = library.get_base("childrens_centre_consent", 1)
    children = form.find_field("children")
    assert [field.label for field in children.fields] == [
        "First name", "Surname", "Date of birth", "Address", "Your relationship to the child",
    ]  # fmt: skip
    assert form.find_field("agree_to_record").core
    assert form.find_field("partner_agencies").visible_if.field == "agree_to_share"
    assert form.find_field("signatories").max_items == 2


def test_the_demo_overlays_between_them_use_every_operation(library):
    used = {
        operation.kind for overlay in library.overlays.values() for operation in overlay.operations
    }
    assert used == set(OPERATIONS)


def test_the_demo_boroughs_add_the_usual_local_fields(library):
    riverside = library.effective("riverside", "caf_assessment")
    northgate = library.effective("northgate", "caf_assessment")
    assert riverside.find_field("nhs_number").type is FieldType.NHS_NUMBER
    assert riverside.find_field("school_attended") is not None
    assert riverside.find_field("young_carer") is not None
    assert riverside.find_field("assessment_version_number") is None
    assert northgate.sections[0].id == "child_index_check"
    assert northgate.find_field("co_author_name") is not None
    assert northgate.find_field("unique_reference_number").hidden
    assert "panel_decision" in [
        option.value
        for option in library.effective("northgate", "closure").find_field("closure_reason").options
    ]


def test_every_merged_form_keeps_every_core_field_of_its_base(library):
    for merged in library.merged.values():
        base = library.get_base(merged.id, merged.version)
        for field in base.all_fields():
            if field.core:
                kept = merged.find_field(field.id)
                assert kept is not None and not kept.hidden
                assert kept.type is field.type and kept.required >= field.required
                assert {o.value for o in field.options} <= {o.value for o in kept.options}


def test_required_questions_have_their_own_error_wording(library):
    for form in library.bases.values():
        for field in form.all_fields():
            if field.required and field.label.endswith("?") and field.type is not FieldType.YES_NO:
                assert field.errors, f"{form.id}: {field.id}"


def full_assessment_answers() -> dict:
    def blocks(block_id):
        field_ids = DOMAINS[block_id]
        return {
            "strengths": f"Strengths in {field_ids[0].lower()}",
            "needs": "<b>Needs</b> & more",
        }

    return {
        "unborn": "no",
        "given_names": "Sam",
        "family_name": "Smith",
        "gender": "female",
        "date_of_birth": {"day": "1", "month": "5", "year": "2015"},
        "postcode": "n1 9gu",
        "contact_telephone": "07700 900 982",
        "ethnicity": "white_other",
        "ethnicity_white_other_details": "Polish",
        "disability": "no",
        "interpreter_needed": "yes",
        "interpreter_details": "Polish",
        "date_assessment_started": "2024-06-01",
        "reason_for_assessment": "Worried about attendance",
        "parents_carers": [
            {
                "parent_name": "Jo Smith",
                "parent_relationship": "Mother",
                "parental_responsibility": "yes",
            },
        ],  # fmt: skip
        "assessor_name": "Pat Jones",
        "assessor_role": "Learning mentor",
        "assessor_organisation": "Riverside Primary School",
        "services": [{"service_level": "universal", "service_name": "School nursing"}],
        "development_strengths_needs": {"general_health": blocks("development_strengths_needs")},
        "parenting_strengths_needs": {"basic_care_safety": {"not_discussed": True}},
        "conclusion_strengths": "Loves art",
        "conclusion_needs": "Attendance",
        "agreed_actions": [
            {
                "action_what": "Walk to school together",
                "action_who": "Mum",
                "action_by_when": "2024-07-01",
            },
        ],  # fmt: skip
        "first_review_date": "2024-09-01",
        "consent_given_by": "both",
        "consenting_parent_name": "Jo Smith",
        "consent_to_store": "yes",
        "consent_to_share": "yes",
        "share_with": [{"share_agency": "School nursing"}],
        "consent_method": "written",
        "consent_date": "2024-06-10",
    }


@pytest.mark.parametrize("borough", [None, "riverside", "northgate"])
def test_a_complete_assessment_passes_and_stays_valid_when_checked_again(library, borough):
    form = library.effective(borough, "caf_assessment")
    extra = {
        None: {},
        "riverside": {"young_carer": "no", "people_present": "Sam and Jo"},
        "northgate": {"child_index_checked": "yes", "existing_caf_found": "no"},
    }[borough]
    today = date(2024, 6, 15)
    results = validate_form(form, {**full_assessment_answers(), **extra}, today=today)
    assert {section: result.errors for section, result in results.items() if result.errors} == {}

    stored = {key: value for result in results.values() for key, value in result.values.items()}
    assert stored["postcode"] == "N1 9GU"
    assert stored["development_strengths_needs"]["general_health"]["needs"] == "<b>Needs</b> & more"
    again = validate_form(form, stored, today=today)
    assert {key: value for r in again.values() for key, value in r.values.items()} == stored
