"""The episode page's next step is its one primary (green) button, for the person whose step
it is: the step itself, or the page where what it needs first is done. The safeguarding
route stays, after it. A step taken is confirmed in GOV.UK's green success banner, in plain
words; a step someone may not take says who can. Through HTTP, with real rows."""

from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.episodes import test_what_happens_next
from tests.episodes.journey import Person, assessment_of
from tests.episodes.test_what_happens_next import episode_in

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
    assessor = Person(client, people["assessor"])
    main = _main(client, f"/episodes/{episode.id}")
    [primary] = _primary(main)
    assert primary.get_text(strip=True) == "Start the assessment"
    assert primary["href"] == f"/episodes/{episode.id}/steps/start_assessment"
    # Not offered twice: the other steps are secondary, the referral after them.
    titles = [button.get_text(strip=True) for button in _buttons(main)]
    assert titles.count("Start the assessment") == 1

    assert assessor.step(episode.id, "start_assessment").state == "assessing"
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
    assert primary["href"] == f"/episodes/{episode.id}/forms"
    assert "Record a review" in _main(client, primary["href"]).get_text()


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
