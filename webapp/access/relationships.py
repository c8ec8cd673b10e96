"""How a user stands to one episode, and the workflow roles that gives them there."""

from __future__ import annotations

from webapp.access.permissions import Relationship, Role
from webapp.accounts.models import User
from webapp.episodes.models import Episode

# The role names workflow definitions use (webapp/workflow/registry.py ROLES).
WORKFLOW_ROLE = {
    Relationship.ASSESSOR: "assessor",
    Relationship.LEAD_PROFESSIONAL: "lead_professional",
    Relationship.COORDINATOR: "coordinator",
    Relationship.TAC_MEMBER: "tac_member",
    Relationship.TEAM_MANAGER: "manager",
    Relationship.BOROUGH_CAF_CONTACT: "borough_caf_contact",
    Relationship.RECEIVING_BOROUGH_CAF_CONTACT: "receiving_borough_caf_contact",
}


def acts_for_lead_professional(user: User, episode: Episode) -> bool:
    """Whether `user` is the practitioner who takes the steps in eCAF of a lead professional
    who has no account (the young person, a parent or a carer: CWDC 2009 §3.8)."""
    return (
        episode.lead_professional_id is None
        and episode.acting_for_lead_id is not None
        and episode.acting_for_lead_id == user.id
    )


def relationships_to(user: User, episode: Episode) -> frozenset[Relationship]:
    found: set[Relationship] = set()
    if episode.assessor_id == user.id:
        found.add(Relationship.ASSESSOR)
    # The practitioner acting for a lead professional without an account holds the lead
    # professional's relationship in eCAF; the steps they take are recorded as on the lead
    # professional's behalf (webapp/episodes/workflow.py).
    if episode.lead_professional_id == user.id or acts_for_lead_professional(user, episode):
        found.add(Relationship.LEAD_PROFESSIONAL)
    if episode.coordinator_id == user.id:
        found.add(Relationship.COORDINATOR)
    if any(member.user_id == user.id and member.is_active for member in episode.tac_members):
        found.add(Relationship.TAC_MEMBER)
    if user.has_role(Role.MANAGER) and user.team_id is not None:
        worker_teams = {
            worker.team_id
            for worker in (episode.assessor, episode.lead_professional)
            if worker is not None
        }
        if user.team_id in worker_teams:
            found.add(Relationship.TEAM_MANAGER)
    if user.has_role(Role.BOROUGH_CAF_CONTACT) and user.borough_id == episode.borough_id:
        found.add(Relationship.BOROUGH_CAF_CONTACT)
    if (
        user.has_role(Role.BOROUGH_CAF_CONTACT)
        and episode.transferred_to_borough_id is not None
        and user.borough_id == episode.transferred_to_borough_id
        and user.borough_id != episode.borough_id
    ):
        found.add(Relationship.RECEIVING_BOROUGH_CAF_CONTACT)
    return frozenset(found)


def workflow_roles(user: User, episode: Episode) -> frozenset[str]:
    return frozenset(
        WORKFLOW_ROLE[relationship] for relationship in relationships_to(user, episode)
    )
