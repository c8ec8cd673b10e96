"""Withdrawing consent on the consent screen tells the team around the child (DESIGN §3:
"from then on no new sharing happens and the TAC is told"), whether or not anyone takes the
workflow's `withdraw_consent` step, and taking that step afterwards tells nobody twice."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode, Notification
from webapp.tac.models import MemberKind, MemberStatus, TacMember

WITHDRAWN = "consent_withdrawn"


@pytest.fixture
def team(app):
    borough = make_borough("riverside")
    school = make_organisation(borough, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(borough, Sector.HEALTH, name="Riverside Health Visiting")
    assessor, lead, coordinator = make_user(school), make_user(school), make_user(school)
    nurse, former = make_user(health), make_user(health)
    episode = make_episode(
        make_child(borough),
        assessor,
        state="delivering",
        lead_professional=lead,
        coordinator=coordinator,
    )
    for member, status in ((nurse, MemberStatus.ACTIVE), (former, MemberStatus.REMOVED)):
        db.session.add(
            TacMember(
                episode_id=episode.id,
                kind=MemberKind.PRACTITIONER,
                status=status,
                user_id=member.id,
                name=member.full_name,
                organisation_id=health.id,
                invited_by_id=assessor.id,
            )
        )
    consent = make_consent(episode, assessor)
    db.session.commit()
    return {
        "episode": episode,
        "consent": consent,
        "assessor": assessor,
        "lead": lead,
        "coordinator": coordinator,
        "nurse": nurse,
        "former": former,
    }


def told() -> Counter:
    db.session.expire_all()
    return Counter(
        db.session.scalars(select(Notification.user_id).where(Notification.kind == WITHDRAWN))
    )


def withdraw(client, team):
    episode, consent = team["episode"], team["consent"]
    return client.post_form(
        f"/episodes/{episode.id}/consent/{consent.id}/withdraw",
        {"withdrawal_reason": "Mother phoned to withdraw consent"},
    )


def test_withdrawing_consent_on_the_consent_screen_tells_every_team_member(client, team):
    sign_in(client, team["lead"])
    assert withdraw(client, team).status_code == 302
    # Not the lead professional who recorded it, nor someone removed from the team.
    assert told() == Counter(
        {team["assessor"].id: 1, team["coordinator"].id: 1, team["nurse"].id: 1}
    )


def test_the_withdrawal_step_afterwards_tells_nobody_a_second_time(client, other_client, team):
    sign_in(client, team["lead"])
    assert withdraw(client, team).status_code == 302
    # The coordinator, who has been told, takes the step: only the lead is told now.
    client = other_client
    sign_in(client, team["coordinator"])
    episode = db.session.get(Episode, team["episode"].id)
    step = f"/episodes/{episode.id}/steps/withdraw_consent"
    done = client.post_form(
        step,
        {"expected_state": "delivering", "comment": "Mother withdrew consent"},
        token_from=step,
    )
    assert done.status_code == 302
    assert db.session.get(Episode, episode.id).state == "consent_withdrawn"
    assert told() == Counter(
        {team["assessor"].id: 1, team["coordinator"].id: 1, team["nurse"].id: 1, team["lead"].id: 1}
    )
