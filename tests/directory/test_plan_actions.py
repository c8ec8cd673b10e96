"""An action in a delivery plan names a service from the episode's borough's directory:
only that borough's listed services are offered and accepted, whatever the browser sends,
and the read-only views link to the service's page. Through HTTP."""

import json
from datetime import date, timedelta

import pytest

from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from tests.directory.helpers import error_summary, make_service, soup_of
from tests.factories import make_borough
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import FormResponse
from webapp.audit.models import AuditEvent
from webapp.directory.models import Service

NEXT_MONTH = date.today() + timedelta(days=30)
SERVICE_INPUT = "plan_actions-0-plan_action_service"


@pytest.fixture
def plan(app, client):
    """A plan being written by the assessor of an assessed episode in Eastmoor, whose
    directory has two listed services and one no longer listed; Westfold has one too."""
    world = make_world("eastmoor", state="assessed")
    author = world["assessor"]
    world["talkers"] = make_service(world["borough"], author, name="Little Talkers")
    world["hub"] = make_service(world["borough"], author, name="Eastmoor Family Hub")
    world["closed"] = make_service(world["borough"], author, name="Toy Library", active=False)
    world["elsewhere"] = make_service(make_borough("westfold"), author, name="Westfold Club")
    response = services.start_response(db.session, world["episode"], "plan", author)
    db.session.commit()
    world["response"] = response
    world["base"] = f"/episodes/{world['episode'].id}/forms/{response.id}"
    sign_in(client, author)
    return world


def section_url(plan) -> str:
    return f"{plan['base']}/sections/plan"


def save_action(client, plan, service_value, action="continue", **changes):
    page = soup_of(client.get(section_url(plan)))
    version = page.select_one("input[name=section_version]")["value"]
    data = {
        "section_version": version,
        "_action": action,
        "plan_actions-items": "1",
        "plan_actions-0-plan_need": "Speech and language",
        "plan_actions-0-plan_action_what": "Join the weekly group",
        "plan_actions-0-plan_action_who": "Mum, with the health visitor",
        SERVICE_INPUT: service_value,
        "plan_actions-0-plan_action_by_when-day": str(NEXT_MONTH.day),
        "plan_actions-0-plan_action_by_when-month": str(NEXT_MONTH.month),
        "plan_actions-0-plan_action_by_when-year": str(NEXT_MONTH.year),
        "plan_actions-0-plan_action_status": "not_started",
        **changes,
    }
    return client.post_form(section_url(plan), data)


def stored_actions(plan) -> list[dict]:
    return db.session.get(FormResponse, plan["response"].id).answers().get("plan_actions", [])


def offered(client, plan) -> dict[str, str]:
    select = soup_of(client.get(section_url(plan))).select_one(f"select#{SERVICE_INPUT}")
    return {option["value"]: option.get_text(strip=True) for option in select.select("option")}


def test_new_plans_use_the_form_version_with_a_service_question(plan):
    # Version 2 added the service question; version 3 (each need rated) keeps it.
    assert plan["response"].form_version == 3
    form = services.definition(plan["response"])
    assert form.find_field("plan_action_service").type.value == "service"


def test_an_action_offers_only_the_episode_boroughs_listed_services(client, plan):
    options = offered(client, plan)
    assert options == {
        "": "No service from the directory",
        str(plan["hub"].id): "Eastmoor Family Hub (Test Council)",
        str(plan["talkers"].id): "Little Talkers (Test Council)",
    }


def test_an_action_names_a_service_and_the_plan_links_to_it(client, plan):
    talkers = plan["talkers"]
    response = save_action(client, plan, str(talkers.id))
    assert response.status_code == 302
    assert stored_actions(plan)[0]["plan_action_service"] == talkers.id
    check = soup_of(client.get(f"{plan['base']}/check"))
    link = check.select_one(f"a[href='/directory/services/{talkers.id}']")
    assert link is not None and link.get_text(strip=True) == "Little Talkers"
    token = check.select_one("input[name=csrf_token]")["value"]
    submitted = client.post(
        f"{plan['base']}/check",
        data={"csrf_token": token},
        headers={"Referer": "https://localhost/"},
    )
    assert submitted.status_code == 302
    read_only = soup_of(client.get(plan["base"]))
    assert "Completed" in read_only.get_text()
    assert read_only.select_one(f"a[href='/directory/services/{talkers.id}']")
    assert client.get(f"/directory/services/{talkers.id}").status_code == 200


def test_the_page_shows_the_chosen_service_when_opened_again(client, plan):
    save_action(client, plan, str(plan["hub"].id), action="draft")
    select = soup_of(client.get(section_url(plan))).select_one(f"select#{SERVICE_INPUT}")
    assert select.select_one("option[selected]")["value"] == str(plan["hub"].id)


def test_an_action_need_not_name_a_service(client, plan):
    assert save_action(client, plan, "").status_code == 302
    assert "plan_action_service" not in stored_actions(plan)[0]


@pytest.mark.parametrize(
    "forged",
    ["999999", "elsewhere", "closed", "abc", "-1", "0", "1.5", "99999999999", "<b>1</b>"],
)
@pytest.mark.parametrize("action", ["continue", "draft"])
def test_a_forged_other_borough_or_unlisted_service_is_refused(client, plan, forged, action):
    value = str(plan[forged].id) if forged in plan else forged
    response = save_action(client, plan, value, action=action)
    assert response.status_code == 200
    assert ("Select a service from the list", f"#{SERVICE_INPUT}") in error_summary(response)
    page = soup_of(response)
    assert page.title.get_text().startswith("Error: ")
    assert "Select a service from the list" in page.select_one(f"#{SERVICE_INPUT}-error").get_text()
    assert stored_actions(plan) == []


def test_a_forged_service_in_the_conflict_pages_answers_is_refused_too(client, plan):
    elsewhere = plan["elsewhere"]
    page = soup_of(client.get(section_url(plan)))
    token = page.select_one("input[name=csrf_token]")["value"]
    answers = json.dumps(
        {
            "plan_actions": [
                {
                    "plan_need": "Speech",
                    "plan_action_what": "Group",
                    "plan_action_who": "Mum",
                    "plan_action_service": elsewhere.id,
                }
            ]
        }
    )
    response = client.post(
        section_url(plan),
        data={
            "csrf_token": token,
            "section_version": "0",
            "answers_json": answers,
            "_action": "draft",
        },
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 200
    assert ("Select a service from the list", f"#{SERVICE_INPUT}") in error_summary(response)
    assert stored_actions(plan) == []


def test_a_service_that_has_left_the_directory_stays_on_the_plan_that_names_it(client, plan):
    talkers = plan["talkers"]
    save_action(client, plan, str(talkers.id), action="draft")
    db.session.get(Service, talkers.id).active = False
    db.session.commit()
    options = offered(client, plan)
    assert options[str(talkers.id)] == "Little Talkers (Test Council) – no longer listed"
    assert str(plan["closed"].id) not in options
    assert save_action(client, plan, str(talkers.id)).status_code == 302
    assert stored_actions(plan)[0]["plan_action_service"] == talkers.id
    check = soup_of(client.get(f"{plan['base']}/check"))
    link = check.select_one(f"a[href='/directory/services/{talkers.id}']")
    assert link.get_text(strip=True) == "Little Talkers (no longer listed)"


def test_saving_an_action_with_a_service_is_audited_like_any_answer(client, plan):
    save_action(client, plan, str(plan["hub"].id))
    events = db.session.query(AuditEvent).filter_by(action="form.section_saved").all()
    assert [event.episode_id for event in events] == [plan["episode"].id]


def test_a_plan_pinned_to_the_first_version_has_no_service_question(client, plan):
    response = plan["response"]
    response.form_version = 1
    db.session.commit()
    page = soup_of(client.get(section_url(plan)))
    assert page.select_one(f"select#{SERVICE_INPUT}") is None
    assert page.select_one("input[name='plan_actions-0-plan_need']") is not None
