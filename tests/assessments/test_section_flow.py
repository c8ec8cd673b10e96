"""A form is filled in section after section, as GOV.UK services do: "Save and continue"
opens the next section, the task list comes after the last one or on "Save as draft and
come back later", and the consent section (shown from the consent record) continues the
same way. Through the pages, with real rows."""

from bs4 import BeautifulSoup

from tests.assessments.answers import CAF_ASSESSMENT
from webapp.assessments import services


def _main(client, path: str):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("main")


def test_save_and_continue_opens_the_next_section_and_a_draft_goes_back_to_the_task_list(
    national,
):
    sections = services.sections(national.response)
    first, second = sections[0].id, sections[1].id
    saved = national.save(first, CAF_ASSESSMENT[first])
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(national.section(second))
    # The next section says the one before was saved.
    banner = _main(national.client, national.section(second)).select_one(
        ".govuk-notification-banner"
    )
    assert f"‘{sections[0].title}’ saved" in banner.get_text()

    draft = national.save(second, {"_action": "draft"})
    assert draft.status_code == 302
    assert draft.headers["Location"].endswith(national.base)


def test_a_section_with_errors_stays_where_it_is(national):
    first = services.sections(national.response)[0].id
    answers = {**CAF_ASSESSMENT[first], "family_name": ""}
    again = national.save(first, answers)
    assert again.status_code == 200
    assert "There is a problem" in again.get_data(as_text=True)


def test_the_consent_section_continues_to_the_task_list_after_the_last_section(national):
    order = [section.id for section in services.sections(national.response)]
    assert order[-1] == "consent"
    before = order[-2]
    saved = national.save(before, CAF_ASSESSMENT[before])
    assert saved.headers["Location"].endswith(national.section("consent"))
    main = _main(national.client, national.section("consent"))
    primary = [
        button
        for button in main.select("a.govuk-button, button.govuk-button")
        if "govuk-button--secondary" not in button["class"]
    ]
    assert [button.get_text(strip=True) for button in primary] == ["Continue"]
    assert primary[0]["href"] == national.base
    # It still cannot be saved on the form.
    assert national.client.post_form(national.section("consent"), {}).status_code == 403
