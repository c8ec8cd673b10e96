"""Words a practitioner knows on the forms pages: the borough by its name, no two sections
of the same name, and the first delivery plan started as "the delivery plan". HTTP."""

from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.episodes import test_what_happens_next
from tests.episodes.journey import Person, assessment_of
from tests.episodes.test_what_happens_next import episode_in
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import ResponseStatus

people = test_what_happens_next.people  # the borough and the people working on episodes


def _main(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")


def test_the_assessments_sections_have_distinct_names_and_the_borough_its_own(client, people):
    episode = episode_in(people, "identified", riverside=True, lead_professional=None)
    Person(client, people["assessor"]).step(episode.id, "start_assessment")
    draft = assessment_of(episode.id)
    main = _main(client, f"/episodes/{episode.id}/forms/{draft.id}")
    titles = [
        " ".join(title.get_text().split())
        for title in main.select(".govuk-task-list__name-and-hint")
    ]
    assert len(titles) == len(set(titles)), titles
    assert "Parents and carers" in titles
    assert "Strengths and needs: Parents and carers" in titles
    said = " ".join(main.select_one("#form-version").get_text().split())
    assert "London Borough of Riverside’s own questions" in said
    assert "riverside’s" not in said and "additions" not in said

    parenting = _main(client, f"/episodes/{episode.id}/forms/{draft.id}/sections/parenting")
    assert parenting.h1.get_text(strip=True) == "Strengths and needs: Parents and carers"


def _start_button(main) -> str:
    return [
        button.get_text(strip=True)
        for button in main.select("form button.govuk-button")
        if "delivery plan" in button.get_text()
    ]


def test_the_first_plan_is_started_as_the_delivery_plan_and_the_next_as_a_new_version(
    client, people
):
    episode = episode_in(people, "assessed")
    sign_in(client, people["assessor"])
    assert _start_button(_main(client, f"/episodes/{episode.id}/forms")) == [
        "Start the delivery plan"
    ]
    plan = services.start_response(db.session, episode, "plan", people["assessor"])
    plan.status = ResponseStatus.COMPLETED
    db.session.commit()
    assert _start_button(_main(client, f"/episodes/{episode.id}/forms")) == [
        "Start a new version of the delivery plan"
    ]
