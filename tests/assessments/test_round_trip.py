"""A whole national CAF assessment through the pages: every section filled, checked,
completed by the workflow, and read back."""

from bs4 import BeautifulSoup

from tests.assessments.answers import CAF_ASSESSMENT
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import FormResponse, ResponseStatus


def text_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def test_every_section_of_the_national_form_is_filled_completed_and_read_back(national):
    task_list = national.client.get(national.base)
    assert text_of(task_list).count("Not started") == len(CAF_ASSESSMENT)

    # "Save and continue" goes on to the form's next section; after the last, the task list.
    order = [section.id for section in services.sections(national.response)]
    for section_id, data in CAF_ASSESSMENT.items():
        saved = national.save(section_id, data)
        assert saved.status_code == 302, (section_id, text_of(saved)[:2000])
        following = order[order.index(section_id) + 1 :]
        expected = national.section(following[0]) if following else national.base
        assert saved.headers["Location"].endswith(expected)
    assert national.section(order[-1]).endswith("/sections/consent")

    task_list = text_of(national.client.get(national.base))
    assert "Not started" not in task_list and "In progress" not in task_list
    count = len(CAF_ASSESSMENT) + 1  # and the consent section, answered by the consent record
    assert f"You have completed {count} of {count} sections" in task_list

    check = text_of(national.client.get(f"{national.base}/check"))
    for expected in (
        "Any other White background: Polish",
        "SE15 4AB",
        "17 May 2015",
        "Pat Lovelace",
        "Healthy and active",
        "Not discussed",
        "Morning club place",
    ):
        assert expected in check
    assert "Complete the assessment" in check

    episode_id = national.world["episode"].id
    step = f"/episodes/{episode_id}/steps/complete_assessment"
    done = national.client.post_form(step, {"expected_state": "assessing"}, token_from=step)
    assert done.status_code == 302

    stored = db.session.get(FormResponse, national.response.id)
    assert stored.is_completed
    assert stored.answers()["ethnicity_white_other_details"] == "Polish"
    assert stored.answers()["postcode"] == "SE15 4AB"
    assert len(stored.answers()["agreed_actions"]) == 2

    read_only = national.client.get(national.base)
    page = text_of(read_only)
    assert "Completed" in page and "It cannot be changed" in page
    assert "Polish" in page and "Change" not in page


def test_a_completed_assessment_refuses_a_direct_post(national):
    national.response.status = ResponseStatus.COMPLETED
    db.session.commit()
    refused = national.client.post_form(
        national.section("comments"),
        {"section_version": "0", "child_comments": "Late"},
        token_from=national.base,
    )
    assert refused.status_code == 409
    assert "cannot be changed" in text_of(refused)
    assert db.session.get(FormResponse, national.response.id).answers() == {}


def test_two_versions_are_compared_field_by_field(national):
    national.save("comments", {"child_comments": "First words", "parent_comments": "Same"})
    world = national.world
    first = db.session.get(FormResponse, national.response.id)
    first.status = ResponseStatus.COMPLETED
    db.session.commit()
    second = services.start_response(db.session, world["episode"], "assessment", world["assessor"])
    db.session.commit()
    national.response = second
    national.base = f"/episodes/{world['episode'].id}/forms/{second.id}"
    national.save("comments", {"child_comments": "Second words", "parent_comments": "Same"})

    page = national.client.get(
        f"/episodes/{world['episode'].id}/forms/{second.id}/compare/{first.id}"
    )
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.select("tbody tr")
    ]
    assert rows == [["Child's comments", "First words", "Second words"]]
    assert "CAF assessment, version 1" in soup.get_text()
