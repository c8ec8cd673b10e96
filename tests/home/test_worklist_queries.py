"""The worklists' SQL must agree with `relationships_to`, the policy's own answer to "how
does this user stand to this episode?", or a list would show what the episode page
refuses (or hide what it allows)."""

from __future__ import annotations

from sqlalchemy import select

from tests.home.conftest import northgate_episode, riverside_episode
from webapp import db
from webapp.access.relationships import relationships_to
from webapp.episodes.models import Episode
from webapp.home.worklists import FILTERS, relationship_clauses
from webapp.tac.models import MemberKind, MemberStatus, TacMember
from webapp.workflow.registry import WORKLIST_FILTERS


def test_the_sql_relationships_match_the_policys_for_every_user_and_episode(people):
    episodes = [
        riverside_episode(people, "assessing"),
        riverside_episode(people, "delivering", coordinator=people["health_worker"]),
        riverside_episode(
            people, "delivering", assessor=people["health_worker"], lead_professional=None
        ),
        riverside_episode(people, "assessed", assessor=None, lead_professional=people["lead"]),
        northgate_episode(people, "delivering"),
        # A parent leads: the health worker takes the lead professional's steps in eCAF.
        riverside_episode(
            people, "reviewing", lead_professional=None, acting_for_lead=people["health_worker"]
        ),
        # Someone with an account leads now: whoever acted for the parent before no longer does.
        riverside_episode(people, "delivering", acting_for_lead=people["health_worker"]),
    ]
    for user, status in (
        (people["health_worker"], MemberStatus.ACTIVE),
        (people["northgate_worker"], MemberStatus.INVITED),
    ):
        db.session.add(
            TacMember(
                episode_id=episodes[0].id,
                kind=MemberKind.PRACTITIONER,
                status=status,
                user_id=user.id,
                name=user.full_name,
                invited_by_id=people["lead"].id,
            )
        )
    db.session.commit()
    db.session.expire_all()
    users = [value for value in people.values() if hasattr(value, "email")]
    compared = 0
    for user in users:
        for relationship, clause in relationship_clauses(user).items():
            matched = set(db.session.scalars(select(Episode.id).where(clause)))
            expected = {
                episode.id
                for episode in episodes
                if relationship in relationships_to(user, episode)
            }
            assert matched == expected, (user, relationship)
            compared += 1
        held = {
            relationship for episode in episodes for relationship in relationships_to(user, episode)
        }
        assert held <= relationship_clauses(user).keys(), user
    assert compared > len(users)


def test_every_worklist_filter_the_registry_names_is_implemented():
    assert set(FILTERS) == set(WORKLIST_FILTERS)
