"""The manager deciding on closure sees what is being closed, above the decision: the
request, the closure form's reason, needs and outcomes, the last review and the team. Each
form shown is audited as read; whoever may not decide sees none of it. Through HTTP."""

import json

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.episodes import test_what_happens_next
from tests.episodes.journey import CLOSURE, REVIEW, Person
from tests.episodes.test_what_happens_next import episode_in
from webapp import db
from webapp.audit.models import AuditEvent

people = test_what_happens_next.people  # the borough and the people working on episodes


def _closure_requested(client, people):
    episode = episode_in(people, "delivering")
    lead = Person(client, people["lead"])
    lead.complete_form(episode.id, "review", REVIEW)
    lead.complete_form(episode.id, "closure", CLOSURE)
    assert lead.step(episode.id, "request_closure").state == "closure_requested"
    return episode


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def test_the_manager_reads_the_request_the_needs_the_review_and_the_team_before_deciding(
    client, other_client, people
):
    episode = _closure_requested(client, people)
    manager = Person(other_client, people["manager"])
    path = f"/episodes/{episode.id}/steps/approve_closure"
    response = manager.client.get(path)
    assert response.status_code == 200
    main = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")
    shown = main.select_one("#closure-to-decide")
    said = _text(shown)
    assert f"{people['lead'].full_name} asked on" in said
    # The closure form: its reason, the needs with their outcomes, the family told.
    assert "The child's needs have been met" in said
    assert "Attendance is back to 97%." in said
    assert "Attendance" in said and "Met" in said
    # The last review, and the team.
    assert "Review 1" in said
    assert "Yes, all of them" in said
    assert people["member"].full_name in said
    assert "No meeting of the team around the child has been recorded." in said
    # All of it before the decision.
    everything = main.find_all(True)
    assert everything.index(shown) < everything.index(main.select_one("form"))
    assert main.select_one("#decision-heading").get_text(strip=True) == "Your decision"

    read = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "form.viewed", AuditEvent.actor_id == people["manager"].id
        )
    ).all()
    forms = sorted(json.loads(event.detail)["form_id"] for event in read)
    assert forms == ["closure", "delivery_plan_review"]
    assert {json.loads(event.detail)["shown_for"] for event in read} == {"approve_closure"}

    # Sending it back shows the same, and the decision still goes through.
    back = manager.client.get(f"/episodes/{episode.id}/steps/send_back_closure")
    assert "Attendance is back to 97%." in back.get_data(as_text=True)
    assert manager.step(episode.id, "approve_closure").state == "closed"


def test_the_requester_sees_who_can_decide_and_nothing_of_the_forms(client, people):
    episode = _closure_requested(client, people)
    response = client.get(f"/episodes/{episode.id}/steps/approve_closure")
    main = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")
    assert main.select_one("#closure-to-decide") is None
    assert "Attendance is back to 97%." not in main.get_text()
    assert _text(main.select_one("#not-possible")) == "Only a manager can approve closure."


def test_someone_who_cannot_see_the_episode_is_refused(client, other_client, people, app):
    from tests.factories import make_borough, make_organisation, make_user
    from webapp.access.permissions import Role
    from webapp.boroughs.models import Sector

    episode = _closure_requested(client, people)
    elsewhere = make_organisation(make_borough("northgate"), Sector.SCHOOL)
    stranger = Person(other_client, make_user(elsewhere, Role.MANAGER))
    db.session.commit()
    response = stranger.client.get(f"/episodes/{episode.id}/steps/approve_closure")
    assert response.status_code == 404
    assert "Attendance is back to 97%." not in response.get_data(as_text=True)
