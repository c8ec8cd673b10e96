"""The closure form and the closure request in one place: the closure form's check your
answers page submits the form and requests closure in one press, in one transaction, when
the lead professional may request closure but for the form. Through HTTP, with real rows."""

import re

from bs4 import BeautifulSoup

from tests.episodes import test_what_happens_next
from tests.episodes.journey import CLOSURE, REVIEW, Person, reload
from webapp import db
from webapp.assessments.models import FormResponse

people = test_what_happens_next.people
episode_in = test_what_happens_next.episode_in


def _closure_filled(lead: Person, episode_id: int, sections: dict = CLOSURE) -> int:
    started = lead.start_form(episode_id, "closure")
    assert started.status_code == 302
    response_id = int(re.search(r"/forms/(\d+)", started.headers["Location"]).group(1))
    lead.fill(episode_id, response_id, sections)
    return response_id


def _check(client, episode_id: int, response_id: int):
    page = client.get(f"/episodes/{episode_id}/forms/{response_id}/check")
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("main")


def _send(lead: Person, episode_id: int, response_id: int, **extra):
    check = f"/episodes/{episode_id}/forms/{response_id}/check"
    return lead.client.post_form(
        f"/episodes/{episode_id}/steps/request_closure",
        {"expected_state": reload(episode_id).state, "closure_form": str(response_id), **extra},
        token_from=check,
    )


def test_after_a_review_the_closure_form_is_submitted_with_the_request(client, people):
    episode = episode_in(people, "reviewing")
    lead = Person(client, people["lead"])
    lead.complete_form(episode.id, "review", REVIEW)
    response_id = _closure_filled(lead, episode.id)

    main = _check(client, episode.id, response_id)
    [button] = main.select("button.govuk-button")
    assert button.get_text(strip=True) == "Submit and request closure"
    form = button.find_parent("form")
    assert form["action"] == f"/episodes/{episode.id}/steps/request_closure"
    assert form.select_one("input[name='closure_form']")["value"] == str(response_id)

    sent = _send(lead, episode.id, response_id)
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/episodes/{episode.id}"
    assert reload(episode.id).state == "closure_requested"
    assert db.session.get(FormResponse, response_id).is_completed
    assert "Closure has been requested" in lead.page(episode.id)


def test_without_a_review_the_closure_form_is_only_submitted(client, people):
    episode = episode_in(people, "delivering")
    lead = Person(client, people["lead"])
    response_id = _closure_filled(lead, episode.id)
    main = _check(client, episode.id, response_id)
    assert [b.get_text(strip=True) for b in main.select("button.govuk-button")] == ["Submit"]

    # Sent anyway, the request is refused and the form stays a draft: neither happens.
    refused = _send(lead, episode.id, response_id)
    assert refused.status_code == 403
    assert "Record a review of the plan first" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert reload(episode.id).state == "delivering"
    assert not db.session.get(FormResponse, response_id).is_completed


def test_an_unfinished_closure_form_cannot_be_sent_with_the_request(client, people):
    episode = episode_in(people, "reviewing")
    lead = Person(client, people["lead"])
    lead.complete_form(episode.id, "review", REVIEW)
    response_id = _closure_filled(lead, episode.id, {"reason": CLOSURE["reason"]})
    main = _check(client, episode.id, response_id)
    assert main.select("button.govuk-button") == []

    refused = _send(lead, episode.id, response_id)
    assert refused.status_code == 403
    db.session.expire_all()
    assert reload(episode.id).state == "reviewing"
    assert not db.session.get(FormResponse, response_id).is_completed


def test_someone_else_cannot_send_the_lead_professionals_closure_form(client, other_client, people):
    episode = episode_in(people, "reviewing")
    lead = Person(client, people["lead"])
    lead.complete_form(episode.id, "review", REVIEW)
    response_id = _closure_filled(lead, episode.id)

    coordinator = Person(other_client, people["coordinator"])
    refused = _send(coordinator, episode.id, response_id)
    assert refused.status_code in (403, 404)
    db.session.expire_all()
    assert reload(episode.id).state == "reviewing"
    assert not db.session.get(FormResponse, response_id).is_completed
