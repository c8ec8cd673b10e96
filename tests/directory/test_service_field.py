"""The `service` field type: a form definition may ask for a directory service, whose
choices the app supplies at run time; the definition machinery checks it like any field."""

import pytest

from webapp.assessments import display
from webapp.formdefs import Field, FieldType, Section, validate_section
from webapp.formdefs.checks import check_form
from webapp.formdefs.convert import form_from_dict
from webapp.formdefs.loader import default_root, load_library
from webapp.formdefs.overlay import apply_overlay, overlay_from_dict
from webapp.formdefs.schema import base_form_problems
from webapp.formdefs.validators import check_service

SERVICE = Field(id="service", type=FieldType.SERVICE, label="Service", required=True)
SECTION = Section(
    id="plan",
    title="Plan",
    fields=(
        Field(
            id="actions",
            type=FieldType.REPEATING_GROUP,
            label="Actions",
            item_label="action",
            fields=(Field(id="what", type=FieldType.TEXT, label="What"), SERVICE),
        ),
    ),
)


@pytest.mark.parametrize(("raw", "stored"), [("12", 12), (" 7 ", 7), (12, 12), ("", None)])
def test_a_service_is_stored_as_its_id(raw, stored):
    assert check_service(SERVICE, raw) == (stored, None)


@pytest.mark.parametrize("raw", ["abc", "-3", "0", "1.5", "1e3", True, ["1"], {"id": 1}])
def test_anything_but_a_service_id_is_refused(raw):
    assert check_service(SERVICE, raw) == (None, "Select a service from the list")


def test_only_the_supplied_services_are_accepted():
    assert check_service(SERVICE, "12", service_ids={12, 13}) == (12, None)
    assert check_service(SERVICE, "14", service_ids={12, 13}) == (
        None,
        "Select a service from the list",
    )
    assert check_service(SERVICE, "12", service_ids=set()) == (
        None,
        "Select a service from the list",
    )


def test_validating_a_page_checks_services_inside_repeating_groups():
    answers = {"actions": [{"what": "Group", "service": "5"}, {"what": "Visit", "service": "9"}]}
    result = validate_section(SECTION, answers, service_ids={5})
    assert result.errors == {"actions-1-service": "Select a service from the list"}
    shape_only = validate_section(SECTION, answers)
    assert shape_only.is_valid
    assert shape_only.values["actions"][1]["service"] == 9


def test_a_required_service_question_asks_to_select_it():
    result = validate_section(SECTION, {"actions": [{"what": "Group"}]}, service_ids={5})
    assert result.errors == {"actions-0-service": "Select service"}


def test_a_definition_may_ask_for_a_service_but_not_give_it_options():
    data = {
        "id": "demo",
        "version": 1,
        "title": "Demo",
        "sections": [
            {
                "id": "plan",
                "title": "Plan",
                "fields": [{"id": "service", "type": "service", "label": "Service"}],
            }
        ],
    }
    assert base_form_problems(data, "demo.v1.yaml") == []
    assert check_form(form_from_dict(data)) == []
    data["sections"][0]["fields"][0]["options"] = [{"value": "a", "label": "A"}]
    assert [finding.message for finding in check_form(form_from_dict(data))] == [
        "only radios, checkboxes, select and yes_no fields have options"
    ]


def test_the_plan_service_question_is_optional_and_a_borough_may_hide_it():
    library = load_library(default_root())
    plan = library.get_base("delivery_plan_review", 2)
    question = plan.find_field("plan_action_service")
    assert question.type is FieldType.SERVICE
    assert not question.required and not question.core
    assert library.get_base("delivery_plan_review", 1).find_field("plan_action_service") is None
    for borough in ("riverside", "northgate", "westshire", None):
        newest = library.effective(borough, "delivery_plan_review")
        assert newest.version == 3  # rates each need, and keeps the service question
        assert newest.find_field("plan_action_service").type is FieldType.SERVICE
    hidden = apply_overlay(
        plan,
        overlay_from_dict(
            {
                "borough": "testshire",
                "version": 1,
                "extends": {"form": "delivery_plan_review", "version": 2},
                "operations": [{"hide": "plan_action_service"}],
            },
            "formdefs/boroughs/testshire/delivery_plan_review.v1.yaml",
        ),
    )
    assert hidden.find_field("plan_action_service").hidden


def test_read_only_views_name_the_service_and_link_to_it():
    links = {5: display.ServiceLink("Little Talkers", "/directory/services/5")}
    answers = {"actions": [{"what": "Group", "service": 5}, {"what": "Visit", "service": 9}]}
    [row] = display.summary_rows(SECTION, answers, links)
    assert '<a class="govuk-link" href="/directory/services/5">Little Talkers</a>' in row.html
    assert "Service 9 in the service directory" in row.html
    texts = [entry.text for entry in display.entries(SECTION.fields, answers, services=links)]
    assert texts == ["Group", "Little Talkers", "Visit", "Service 9 in the service directory"]


def test_a_service_name_is_escaped_in_its_link():
    links = {5: display.ServiceLink("<script>x</script>", "/directory/services/5")}
    [row] = display.summary_rows(SECTION, {"actions": [{"service": 5}]}, links)
    assert "<script>" not in row.html
    assert "&lt;script&gt;x&lt;/script&gt;" in row.html
