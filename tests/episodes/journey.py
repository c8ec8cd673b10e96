"""Taking an episode through its pages as the people on it would: each person signs in with
their own client, and every step, form and team change is a real request to a real page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.conftest import sign_in
from webapp import db
from webapp.assessments.models import FormResponse
from webapp.episodes.models import Episode
from webapp.tac.models import TacMember

TODAY = date.today()
NEXT_WEEK = TODAY + timedelta(days=7)

#: Riverside's overlay asks, as a required question, whether the child is a young carer.
RIVERSIDE_ASSESSMENT = {
    **CAF_ASSESSMENT,
    "family_situation": {**CAF_ASSESSMENT["family_situation"], "young_carer": "no"},
}


def text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ").split()
    )


def date_parts(name: str, value: date) -> dict:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def reload(episode_id: int) -> Episode:
    db.session.expire_all()
    return db.session.get(Episode, episode_id)


def consent_form(*agency_ids: int) -> dict:
    """Consent to assess, record and share with the given agencies, sensitive information
    included, from the mother."""
    return {
        "given_by": "parent_carer",
        "given_by_name": "Pat Example",
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "decision": "given",
        "scope": ["to_assess", "to_record", "to_share", "includes_sensitive"],
        "agencies": [str(agency) for agency in agency_ids],
        "points_explained": ["why", "what", "who", "purpose", "implications", "right_to_see"],
        "method": "written",
        **date_parts("given_on", TODAY),
    }


REVIEW = {
    "review_details": {**date_parts("review_date", TODAY), "review_lead_professional": "Lead"},
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
}

CLOSURE = {
    "reason": {"closure_reason": "needs_met", **date_parts("closure_date", TODAY)},
    "summary": {
        "closure_summary": "Attendance is back to 97%.",
        "need_outcomes-items": "1",
        "need_outcomes-0-need_description": "Attendance",
        "need_outcomes-0-need_outcome": "met",
    },
    "family": {"family_informed": "yes"},
}


class Person:
    """One signed-in person with their own test client."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        sign_in(client, user)

    def page(self, episode_id: int) -> str:
        response = self.client.get(f"/episodes/{episode_id}")
        assert response.status_code == 200, response.status_code
        return text(response)

    def try_step(self, episode_id: int, trigger: str, comment: str = "", **extra):
        episode = reload(episode_id)
        return self.client.post_form(
            f"/episodes/{episode_id}/steps/{trigger}",
            {"expected_state": episode.state, "comment": comment, **extra},
            token_from=f"/episodes/{episode_id}",
        )

    def step(self, episode_id: int, trigger: str, comment: str = "", **extra) -> Episode:
        response = self.try_step(episode_id, trigger, comment, **extra)
        assert response.status_code == 302, text(response)[:1500]
        return reload(episode_id)

    def record_consent(self, episode_id: int, *agency_ids: int):
        return self.client.post_form(
            f"/episodes/{episode_id}/consent/new", consent_form(*agency_ids)
        )

    def start_form(self, episode_id: int, kind: str):
        return self.client.post_form(
            f"/episodes/{episode_id}/forms/start/{kind}",
            token_from=f"/episodes/{episode_id}/forms",
        )

    def fill(self, episode_id: int, response_id: int, sections: dict) -> None:
        base = f"/episodes/{episode_id}/forms/{response_id}"
        for section_id, data in sections.items():
            page = self.client.get(f"{base}/sections/{section_id}").get_data(as_text=True)
            version = re.search(r'name="section_version"[^>]*value="(\d+)"', page).group(1)
            saved = self.client.post_form(
                f"{base}/sections/{section_id}", {"section_version": version, **data}
            )
            assert saved.status_code == 302, (section_id, text(saved)[:1500])

    def complete_form(self, episode_id: int, kind: str, sections: dict) -> int:
        started = self.start_form(episode_id, kind)
        assert started.status_code == 302, text(started)[:1500]
        response_id = int(re.search(r"/forms/(\d+)", started.headers["Location"]).group(1))
        self.fill(episode_id, response_id, sections)
        check = f"/episodes/{episode_id}/forms/{response_id}/check"
        submitted = self.client.post_form(check, {}, token_from=check)
        assert submitted.status_code == 302, text(submitted)[:1500]
        return response_id

    def invite(self, episode_id: int, email: str, role: str = "Practitioner"):
        tac = f"/episodes/{episode_id}/tac"
        return self.client.post_form(
            f"{tac}/invite", {"invite-email": email, "invite-role": role}, token_from=tac
        )

    def accept_invitation(self, episode_id: int):
        member = member_for(episode_id, self.user)
        response = self.client.post_form(f"/tac/invitations/{member.id}", {"decision": "accept"})
        assert response.status_code == 302, text(response)[:1500]
        return member

    def join_team(self, episode_id: int):
        tac = f"/episodes/{episode_id}/tac"
        return self.client.post_form(f"{tac}/join", token_from=tac)

    def add_parent(self, episode_id: int, name: str = "Pat Example", role: str = "Mother"):
        tac = f"/episodes/{episode_id}/tac"
        response = self.client.post_form(
            f"{tac}/family",
            {"family-kind": "parent_carer", "family-name": name, "family-role": role},
            token_from=tac,
        )
        assert response.status_code == 302, text(response)[:1500]
        return db.session.scalars(
            select(TacMember).where(TacMember.episode_id == episode_id, TacMember.name == name)
        ).one()

    def nominate_lead(self, episode_id: int, member: TacMember, **extra):
        tac = f"/episodes/{episode_id}/tac"
        return self.client.post_form(
            f"{tac}/lead", {"lead-member_id": str(member.id), **extra}, token_from=tac
        )

    def set_coordinator(self, episode_id: int, member: TacMember):
        tac = f"/episodes/{episode_id}/tac"
        return self.client.post_form(
            f"{tac}/coordinator", {"coordinator-member_id": str(member.id)}, token_from=tac
        )


def member_for(episode_id: int, user) -> TacMember:
    return db.session.scalars(
        select(TacMember).where(TacMember.episode_id == episode_id, TacMember.user_id == user.id)
    ).one()


def assessment_of(episode_id: int) -> FormResponse:
    return db.session.scalars(
        select(FormResponse)
        .where(FormResponse.episode_id == episode_id, FormResponse.form_id == "caf_assessment")
        .order_by(FormResponse.sequence.desc())
    ).first()


def start_caf(assessor: Person, child) -> int:
    """Search the index for the child, then start a CAF from the result."""
    assessor.client.post_form(
        "/child-index",
        {
            "reason": "concern",
            "given_name": child.given_names,
            "family_name": child.family_name,
            **date_parts("date_of_birth", child.date_of_birth),
        },
    )
    started = assessor.client.post_form(
        f"/children/{child.id}/episodes", {"social_care": "not_known"}, token_from="/child-index"
    )
    assert started.status_code == 302, text(started)[:1500]
    return int(started.headers["Location"].rsplit("/", 1)[1])


def assess(assessor: Person, episode_id: int, *agency_ids: int, answers=CAF_ASSESSMENT) -> None:
    """Consent, then the assessment started, filled in and completed."""
    consent = assessor.record_consent(episode_id, *agency_ids)
    assert consent.status_code == 302, text(consent)[:1500]
    assessor.step(episode_id, "start_assessment")
    assessor.fill(episode_id, assessment_of(episode_id).id, answers)
    assert assessor.step(episode_id, "complete_assessment").state == "assessed"
