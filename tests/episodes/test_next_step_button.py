"""The episode page's next step is its one primary (green) button, for the person whose step
it is: the step itself, or the page where what it needs first is done. The safeguarding
route stays, after it. A step taken is confirmed in GOV.UK's green success banner, in plain
words; a step someone may not take says who can. Through HTTP, with real rows."""

from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.episodes import test_what_happens_next
from tests.episodes.journey import (
    CLOSURE,
    NEXT_WEEK,
    REVIEW,
    Person,
    assessment_of,
    date_parts,
    reload,
)
from tests.episodes.test_what_happens_next import episode_in
from webapp import db
from webapp.assessments.services import latest

people = test_what_happens_next.people  # the borough and the people working on episodes


def _main(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")


def _buttons(main) -> list:
    return main.select("a.govuk-button, button.govuk-button")


def _primary(main) -> list:
    return [
        button
        for button in _buttons(main)
        if not {"govuk-button--secondary", "govuk-button--warning"} & set(button["class"])
    ]


def _press(client, button):
    """Press a button that posts its form, as a browser sends it: the form's own fields."""
    form = button.find_parent("form")
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    return client.post(form["action"], data=fields, headers={"Referer": "https://localhost/"})


def _banners(main) -> list[tuple[str, str]]:
    """Each notification banner as (its kind, its words)."""
    return [
        (
            "success" if "govuk-notification-banner--success" in banner["class"] else "important",
            " ".join(banner.select_one(".govuk-notification-banner__content").get_text().split()),
        )
        for banner in main.select(".govuk-notification-banner")
    ]


def test_a_new_episode_offers_recording_consent_as_its_green_button(client, people):
    episode = episode_in(people, "identified", consent=False, lead_professional=None)
    sign_in(client, people["assessor"])
    main = _main(client, f"/episodes/{episode.id}")
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Record the family's consent"
    assert primary["href"] == f"/episodes/{episode.id}/consent/new"
    assert client.get(primary["href"]).status_code == 200
    # The safeguarding route is still there, after the next step.
    buttons = _buttons(main)
    refer = next(b for b in buttons if b.get_text(strip=True) == "Refer to children's social care")
    assert "govuk-button--warning" in refer["class"]
    assert buttons.index(primary) < buttons.index(refer)


def test_with_consent_the_green_button_starts_the_assessment_and_a_green_banner_says_so(
    client, people
):
    episode = episode_in(people, "identified", lead_professional=None)
    sign_in(client, people["assessor"])
    main = _main(client, f"/episodes/{episode.id}")
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Start the assessment"
    # The step asks nothing more: the button takes it, without a page of its own.
    assert primary.name == "button"
    assert primary.find_parent("form")["action"] == f"/episodes/{episode.id}/steps/start_assessment"
    # Not offered twice: the other steps are secondary, the referral after them.
    titles = [button.get_text(strip=True) for button in _buttons(main)]
    assert titles.count("Start the assessment") == 1

    pressed = _press(client, primary)
    assert pressed.status_code == 302
    assert pressed.headers["Location"] == f"/episodes/{episode.id}"
    assert reload(episode.id).state == "assessing"
    main = _main(client, f"/episodes/{episode.id}")
    assert _banners(main) == [("success", "The assessment has started")]
    banner = main.select_one(".govuk-notification-banner")
    assert banner["role"] == "alert"
    assert "Success" in banner.select_one(".govuk-notification-banner__title").get_text()
    assert "done" not in banner.get_text()

    # Now the green button continues the assessment, in its draft.
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Continue the assessment"
    draft = assessment_of(episode.id)
    assert primary["href"] == f"/episodes/{episode.id}/forms/{draft.id}"


def test_someone_waiting_for_others_has_no_green_button(client, people):
    episode = episode_in(people, "delivering")
    sign_in(client, people["member"])
    main = _main(client, f"/episodes/{episode.id}")
    assert _primary(main) == []
    assert main.select_one("#actions-heading").get_text(strip=True) == "What you can do now"
    assert [button.get_text(strip=True) for button in _buttons(main)] == [
        "Refer to children's social care"
    ]


def test_a_step_someone_may_not_take_says_who_can(client, people):
    episode = episode_in(people, "delivering")
    sign_in(client, people["member"])
    main = _main(client, f"/episodes/{episode.id}/steps/start_review")
    said = " ".join(main.select_one("#not-possible").get_text().split())
    lead, coordinator = people["lead"].full_name, people["coordinator"].full_name
    assert said == (
        f"Only {lead} (the lead professional) or {coordinator} (the episode coordinator) "
        "can start a review."
    )
    assert "cannot do this yet" not in main.get_text()
    assert main.select("form") == []


def test_a_step_that_needs_something_first_lists_it(client, people):
    episode = episode_in(people, "reviewing")
    sign_in(client, people["lead"])
    main = _main(client, f"/episodes/{episode.id}/steps/continue_delivery")
    said = " ".join(main.select_one("#not-possible").get_text().split())
    assert said == "This cannot be done yet: Record a review of the plan first"


def test_the_lead_professionals_green_button_goes_to_recording_the_review(client, people):
    episode = episode_in(people, "reviewing")
    sign_in(client, people["lead"])
    [primary] = _primary(_main(client, f"/episodes/{episode.id}"))
    assert primary.get_text(strip=True) == "Record the review"
    # No review started yet: the button starts one and opens its task list.
    assert primary.find_parent("form")["action"] == f"/episodes/{episode.id}/forms/start/review"
    started = _press(client, primary)
    assert started.status_code == 302
    review = latest(db.session, episode.id, "review")
    assert started.headers["Location"] == f"/episodes/{episode.id}/forms/{review.id}"
    # Once started, the button continues it.
    [primary] = _primary(_main(client, f"/episodes/{episode.id}"))
    assert primary["href"] == started.headers["Location"]


def test_a_step_that_asks_something_or_judges_anothers_work_keeps_its_page(client, people):
    episode = episode_in(people, "assessed", riverside=True)
    test_what_happens_next._completed(episode, "assessment", people["assessor"])
    sign_in(client, people["caf_contact"])
    [primary] = _primary(_main(client, f"/episodes/{episode.id}"))
    assert primary.name == "a"
    assert primary["href"] == f"/episodes/{episode.id}/steps/pass_quality_check"


def test_a_practitioner_is_not_shown_the_workflows_name(client, people):
    episode = episode_in(people, "delivering", riverside=True)
    sign_in(client, people["assessor"])
    main = _main(client, f"/episodes/{episode.id}")
    assert "caf-riverside" not in main.get_text()
    assert main.select_one("#workflow-followed") is None


def test_the_borough_caf_contact_is_told_the_workflow_by_its_title(client, people):
    episode = episode_in(people, "delivering", riverside=True)
    sign_in(client, people["caf_contact"])
    said = _main(client, f"/episodes/{episode.id}").select_one("#workflow-followed").get_text()
    assert said == (
        "This episode follows the steps of “Common Assessment Framework episode (Riverside)”, "
        "version 1."
    )
    assert "caf-riverside" not in said


def _review_then_page(client, people, outcome: dict):
    """The lead professional records a review through its pages, from a plan in delivery,
    then opens the episode page."""
    episode = episode_in(people, "delivering")
    lead = Person(client, people["lead"])
    assert lead.step(episode.id, "start_review").state == "reviewing"
    lead.complete_form(episode.id, "review", {**REVIEW, "next_steps": outcome})
    return episode, lead, _main(client, f"/episodes/{episode.id}")


def test_after_a_review_agrees_to_close_the_green_button_offers_the_closure(client, people):
    episode, lead, main = _review_then_page(client, people, {"review_outcome": "close"})
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Complete the closure form"
    assert "request closure" in main.select_one("#next-step").get_text()
    # The review is still reachable, as a secondary step.
    secondary = main.select_one(f"a[href='/episodes/{episode.id}/steps/continue_delivery']")
    assert "govuk-button--secondary" in secondary["class"]

    # Once the plan goes on, the closure is still offered before the next review.
    assert lead.step(episode.id, "continue_delivery").state == "delivering"
    main = _main(client, f"/episodes/{episode.id}")
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Complete the closure form"
    review = main.select_one(f"a[href='/episodes/{episode.id}/steps/start_review']")
    assert "govuk-button--secondary" in review["class"]

    # With the closure form complete, the green button is the closure request itself.
    lead.complete_form(episode.id, "closure", CLOSURE)
    [primary] = _primary(_main(client, f"/episodes/{episode.id}"))
    assert primary.get_text(strip=True) == "Request closure"
    assert lead.step(episode.id, "request_closure").state == "closure_requested"


def test_after_a_review_that_continues_the_plan_the_green_button_goes_on_with_it(client, people):
    outcome = {"review_outcome": "continue", **date_parts("next_review_date", NEXT_WEEK)}
    episode, lead, main = _review_then_page(client, people, outcome)
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Continue the plan"
    assert lead.step(episode.id, "continue_delivery").state == "delivering"
    [primary] = _primary(_main(client, f"/episodes/{episode.id}"))
    assert primary.get_text(strip=True) == "Start a review"
