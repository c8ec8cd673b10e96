"""One CAF from first concern to closure and reopening, entirely through HTTP, with every
guard met by real data entered on the real pages (DESIGN §2)."""

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments.models import FormResponse
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.tac.models import TacMember

NEXT_WEEK = date.today() + timedelta(days=7)
TODAY = date.today()


def text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def date_parts(name: str, value: date) -> dict:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


class Practitioner:
    def __init__(self, client, user):
        self.client, self.user = client, user
        sign_in(client, user)

    def step(self, episode_id: int, trigger: str, comment: str = "", **extra):
        episode = db.session.get(Episode, episode_id)
        path = f"/episodes/{episode_id}/steps/{trigger}"
        response = self.client.post_form(
            path,
            {"expected_state": episode.state, "comment": comment, **extra},
            token_from=f"/episodes/{episode_id}",
        )
        assert response.status_code == 302, text(response)[:1500]
        db.session.expire_all()
        return db.session.get(Episode, episode_id)

    def fill(self, episode_id: int, response_id: int, sections: dict):
        base = f"/episodes/{episode_id}/forms/{response_id}"
        for section_id, data in sections.items():
            page = self.client.get(f"{base}/sections/{section_id}").get_data(as_text=True)
            version = re.search(r'name="section_version"[^>]*value="(\d+)"', page).group(1)
            saved = self.client.post_form(
                f"{base}/sections/{section_id}", {"section_version": version, **data}
            )
            assert saved.status_code == 302, (section_id, text(saved)[:1500])

    def start_form(self, episode_id: int, kind: str) -> int:
        response = self.client.post_form(
            f"/episodes/{episode_id}/forms/start/{kind}", token_from=f"/episodes/{episode_id}/forms"
        )
        assert response.status_code == 302, text(response)[:1500]
        return int(re.search(r"/forms/(\d+)", response.headers["Location"]).group(1))

    def submit_form(self, episode_id: int, response_id: int):
        check = f"/episodes/{episode_id}/forms/{response_id}/check"
        response = self.client.post_form(check, {}, token_from=check)
        assert response.status_code == 302, text(response)[:1500]


def test_a_caf_runs_from_first_concern_to_closure_and_is_reopened(client, other_client, app):
    borough = make_borough("eastmoor", name="Eastmoor Council")
    school = make_organisation(borough, Sector.SCHOOL, name="Eastmoor Primary")
    health = make_organisation(borough, Sector.HEALTH, name="Eastmoor Health")
    assessor_user = make_user(school, email="assessor@eastmoor.example")
    nurse_user = make_user(health, email="nurse@eastmoor.example")
    manager_user = make_user(health, Role.MANAGER, team=nurse_user.team)
    child = make_child(
        borough, given_names="Ada", family_name="Lovelace", date_of_birth=date(2015, 5, 17)
    )
    db.session.commit()

    assessor = Practitioner(client, assessor_user)

    # 1. Identify: search the index, then start a CAF.
    assessor.client.post_form(
        "/child-index",
        {
            "reason": "concern",
            "given_name": "Ada",
            "family_name": "Lovelace",
            **date_parts("date_of_birth", date(2015, 5, 17)),
        },
    )
    started = assessor.client.post_form(
        f"/children/{child.id}/episodes", {"social_care": "not_known"}, token_from="/child-index"
    )
    episode_id = int(started.headers["Location"].rsplit("/", 1)[1])
    assert "Record the family's consent to assess and record first" in text(
        assessor.client.get(f"/episodes/{episode_id}")
    )

    # 2. Consent to assess, record and share with health, sensitive information included.
    consent = assessor.client.post_form(
        f"/episodes/{episode_id}/consent/new",
        {
            "given_by": "parent_carer",
            "given_by_name": "Pat Lovelace",
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
            "decision": "given",
            "scope": ["to_assess", "to_record", "to_share", "includes_sensitive"],
            "agencies": [str(health.id)],
            "points_explained": ["why", "what", "who", "purpose", "implications", "right_to_see"],
            "method": "written",
            **date_parts("given_on", TODAY),
        },
    )
    assert consent.status_code == 302, text(consent)[:1500]

    # 3. Assess: the workflow opens version 1; every section is filled, then completed.
    episode = assessor.step(episode_id, "start_assessment")
    assert episode.state == "assessing"
    assessment = db.session.scalars(select(FormResponse)).one()
    assessor.fill(episode_id, assessment.id, CAF_ASSESSMENT)
    episode = assessor.step(episode_id, "complete_assessment")
    assert episode.state == "assessed"

    # 4. Team around the child: the nurse (a consented agency) joins and becomes lead.
    tac = f"/episodes/{episode_id}/tac"
    assessor.client.post_form(f"{tac}/join", token_from=tac)
    assessor.client.post_form(
        f"{tac}/invite",
        {"invite-email": "nurse@eastmoor.example", "invite-role": "School nurse"},
        token_from=tac,
    )
    nurse = Practitioner(other_client, nurse_user)
    member = db.session.scalars(select(TacMember).where(TacMember.user_id == nurse_user.id)).one()
    nurse.client.post_form(f"/tac/invitations/{member.id}", {"decision": "accept"})
    assessor.client.post_form(f"{tac}/lead", {"lead-member_id": member.id}, token_from=tac)

    # 5. Deliver: consent to share, a lead professional and agreed actions are all there.
    episode = assessor.step(episode_id, "start_delivery")
    assert episode.state == "delivering"
    assert episode.next_review_on is not None

    # 6. Review: the lead professional records a review and the plan continues.
    episode = nurse.step(episode_id, "start_review")
    review_id = nurse.start_form(episode_id, "review")
    nurse.fill(
        episode_id,
        review_id,
        {
            "review_details": {
                **date_parts("review_date", TODAY),
                "review_lead_professional": nurse_user.full_name,
            },
            "plan": {
                "plan_actions-items": "1",
                "plan_actions-0-plan_need": "Attendance",
                "plan_actions-0-plan_action_what": "Morning club place",
                "plan_actions-0-plan_action_who": "School",
                **date_parts("plan_actions-0-plan_action_by_when", NEXT_WEEK),
                "plan_actions-0-plan_action_status": "completed",
            },
            "needs": {"needs_met": "all"},
            "next_steps": {"review_outcome": "close"},
        },
    )
    nurse.submit_form(episode_id, review_id)
    episode = nurse.step(episode_id, "continue_delivery")
    assert episode.state == "delivering"

    # 7. Close: the lead professional completes the closure form and requests closure.
    closure_id = nurse.start_form(episode_id, "closure")
    nurse.fill(
        episode_id,
        closure_id,
        {
            "reason": {"closure_reason": "needs_met", **date_parts("closure_date", TODAY)},
            "summary": {
                "closure_summary": "Attendance is back to 97%.",
                "need_outcomes-items": "1",
                "need_outcomes-0-need_description": "Attendance",
                "need_outcomes-0-need_outcome": "met",
            },
            "family": {"family_informed": "yes"},
        },
    )
    nurse.submit_form(episode_id, closure_id)
    episode = nurse.step(episode_id, "request_closure")
    assert (episode.state, episode.closure_requested_by_id) == ("closure_requested", nurse_user.id)

    # 8. A manager of the lead professional's team approves; the requester could not.
    refused = nurse.client.post_form(
        f"/episodes/{episode_id}/steps/approve_closure",
        {"expected_state": "closure_requested"},
        token_from=f"/episodes/{episode_id}",
    )
    assert refused.status_code == 403
    manager = Practitioner(app.test_client(), manager_user)
    episode = manager.step(episode_id, "approve_closure")
    assert episode.state == "closed" and episode.closed_at is not None

    # 9. Reopen with a reason: a new assessment version starts from the old answers.
    episode = nurse.step(episode_id, "reopen", comment="New concerns about attendance")
    assert episode.state == "assessing" and episode.closed_at is None
    versions = db.session.scalars(
        select(FormResponse)
        .where(FormResponse.form_id == "caf_assessment")
        .order_by(FormResponse.sequence)
    ).all()
    assert [v.sequence for v in versions] == [1, 2]

    history = [
        entry.trigger
        for entry in db.session.scalars(select(EpisodeTransition).order_by(EpisodeTransition.id))
    ]
    assert history == [
        "start_assessment",
        "complete_assessment",
        "start_delivery",
        "start_review",
        "continue_delivery",
        "request_closure",
        "approve_closure",
        "reopen",
    ]
