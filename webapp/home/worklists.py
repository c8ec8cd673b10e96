"""The home page's worklists, taken from the workflow definitions (DCWorkflow-style).

A worklist in a definition names the states it collects, the roles whose lists show it and
an optional filter. Roles are held per episode (`webapp.access.relationships`), so each
list is one SQL query over the episodes the user stands in one of those roles to: the
database filters by workflow, state and the user's own relationships first, so that a
borough with thousands of episodes costs two indexed queries per list (a count and one
page of rows), never a loop over the whole table.

A state's `view` roles are applied too: an episode is only listed for a role that may see
it in its current state, so every link in a list opens.

Reviews: the "review_due" filter lists reviews that are overdue, due today, or due within
`DUE_SOON_DAYS` days ("due soon"), so that a lead professional has time to bring the team
around the child together. Each row says which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.access.permissions import Relationship, Role
from webapp.access.relationships import WORKFLOW_ROLE
from webapp.accounts.models import User
from webapp.episodes.models import Episode
from webapp.tac.models import MemberStatus, TacMember
from webapp.workflow import Catalogue, WorkflowDefinition

DUE_SOON_DAYS = 14
ROW_LIMIT = 50

EMPTY_TEXT = {
    "my_open_episodes": "You have no open CAF episodes.",
    "reviews_due": f"No reviews are due in the next {DUE_SOON_DAYS} days.",
    "awaiting_my_approval": "Nothing is waiting for your approval.",
    "awaiting_quality_check": "No assessments are waiting for a quality check.",
}


# --- who the user is to an episode, in SQL ----------------------------------------------


def relationship_clauses(user: User) -> dict[Relationship, ColumnElement[bool]]:
    """The SQL counterpart of `relationships_to(user, episode)`: for each relationship the
    user can hold, a condition on the episode row that is true exactly when they hold it.
    tests/home/test_worklist_queries.py checks that the two agree."""
    clauses: dict[Relationship, ColumnElement[bool]] = {
        Relationship.ASSESSOR: Episode.assessor_id == user.id,
        Relationship.LEAD_PROFESSIONAL: or_(
            Episode.lead_professional_id == user.id,
            and_(Episode.lead_professional_id.is_(None), Episode.acting_for_lead_id == user.id),
        ),
        Relationship.COORDINATOR: Episode.coordinator_id == user.id,
        Relationship.TAC_MEMBER: Episode.id.in_(
            select(TacMember.episode_id).where(
                TacMember.user_id == user.id, TacMember.status == MemberStatus.ACTIVE
            )
        ),
    }
    if user.has_role(Role.MANAGER) and user.team_id is not None:
        team = select(User.id).where(User.team_id == user.team_id).scalar_subquery()
        clauses[Relationship.TEAM_MANAGER] = or_(
            Episode.assessor_id.in_(team), Episode.lead_professional_id.in_(team)
        )
    if user.has_role(Role.BOROUGH_CAF_CONTACT):
        clauses[Relationship.BOROUGH_CAF_CONTACT] = Episode.borough_id == user.borough_id
        clauses[Relationship.RECEIVING_BOROUGH_CAF_CONTACT] = and_(
            Episode.transferred_to_borough_id == user.borough_id,
            Episode.borough_id != user.borough_id,
        )
    return clauses


def role_clauses(user: User) -> dict[str, ColumnElement[bool]]:
    """The same, keyed by the workflow role names that definitions use."""
    return {
        WORKFLOW_ROLE[relationship]: clause
        for relationship, clause in relationship_clauses(user).items()
    }


def roles_user_can_hold(user: User) -> frozenset[str]:
    """Workflow roles the user's account may give them on some episode: their lists are
    shown even when empty, so that the page does not change shape from day to day."""
    roles: set[str] = set()
    if user.has_role(Role.PRACTITIONER):
        roles |= {"assessor", "lead_professional", "coordinator", "tac_member"}
    if user.has_role(Role.MANAGER) and user.team_id is not None:
        roles.add("manager")
    if user.has_role(Role.BOROUGH_CAF_CONTACT):
        roles.add("borough_caf_contact")
    return frozenset(roles)


# --- named worklist filters (webapp/workflow/registry.py WORKLIST_FILTERS) ---------------

Filter = Callable[[User, date], ColumnElement[bool]]


def _review_due(user: User, today: date) -> ColumnElement[bool]:
    return and_(
        Episode.next_review_on.is_not(None),
        Episode.next_review_on <= today + timedelta(days=DUE_SOON_DAYS),
    )


def _not_requested_by_me(user: User, today: date) -> ColumnElement[bool]:
    return or_(
        Episode.closure_requested_by_id.is_(None), Episode.closure_requested_by_id != user.id
    )


FILTERS: dict[str, Filter] = {
    "review_due": _review_due,
    "not_requested_by_me": _not_requested_by_me,
}


# --- the lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    episode: Episode
    stage: str
    review_status: str = ""
    review_tag: str = ""


@dataclass
class Worklist:
    key: str
    title: str
    description: str
    empty_text: str
    count: int = 0
    rows: list[Row] = field(default_factory=list)
    shows_reviews: bool = False

    @property
    def anchor(self) -> str:
        return "worklist-" + self.key.replace("_", "-")

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)


def review_status(next_review_on: date | None, today: date) -> tuple[str, str]:
    """Plain words for a review date, and the GOV.UK tag colour that goes with them."""
    if next_review_on is None:
        return "", ""
    days = (next_review_on - today).days
    if days < 0:
        late = -days
        return f"Overdue by {late} day{'s' if late != 1 else ''}", "govuk-tag--red"
    if days == 0:
        return "Due today", "govuk-tag--orange"
    return f"Due soon: in {days} day{'s' if days != 1 else ''}", "govuk-tag--yellow"


def _worklist_clause(
    definitions: Iterable[WorkflowDefinition],
    key: str,
    roles: dict[str, ColumnElement[bool]],
    user: User,
    today: date,
) -> ColumnElement[bool] | None:
    """Episodes in worklist `key` for this user, over every definition that has it."""
    parts = []
    for definition in definitions:
        worklist = definition.worklists.get(key)
        if worklist is None or not worklist.states:
            continue
        # States grouped by the roles that may both see the list and see the episode there.
        states_by_roles: dict[frozenset[str], list[str]] = defaultdict(list)
        for state in sorted(worklist.states):
            allowed = worklist.roles & definition.states[state].view & set(roles)
            if allowed:
                states_by_roles[frozenset(allowed)].append(state)
        if not states_by_roles:
            continue
        conditions = [
            and_(Episode.state.in_(states), or_(*(roles[role] for role in sorted(allowed))))
            for allowed, states in states_by_roles.items()
        ]
        clause = and_(
            Episode.workflow_id == definition.id,
            Episode.workflow_version == definition.version,
            or_(*conditions),
        )
        if worklist.filter is not None:
            clause = and_(clause, FILTERS[worklist.filter](user, today))
        parts.append(clause)
    return or_(*parts) if parts else None


def _order(key: str, definitions: Iterable[WorkflowDefinition]):
    if any(
        definition.worklists.get(key) and definition.worklists[key].filter == "review_due"
        for definition in definitions
    ):
        return (Episode.next_review_on.asc(), Episode.id.asc())
    # Whatever has waited longest comes first.
    return (Episode.last_activity_at.asc(), Episode.id.asc())


def _shown(
    definitions: list[WorkflowDefinition], key: str, user: User, potential: frozenset[str]
) -> bool:
    """A list is shown, even empty, when the user could hold one of its roles under a
    definition their borough uses (national, or their borough's override) that gives it
    states to collect."""
    borough_code = user.borough.code if user.borough else None
    for definition in definitions:
        worklist = definition.worklists.get(key)
        if (
            worklist is not None
            and worklist.states
            and worklist.roles & potential
            and definition.borough in (None, borough_code)
        ):
            return True
    return False


def worklists_for(
    db_session: Session, user: User, catalogue: Catalogue, today: date | None = None
) -> list[Worklist]:
    today = today or date.today()
    definitions = list(catalogue)
    roles = role_clauses(user)
    potential = roles_user_can_hold(user)
    keys: dict[str, tuple[str, str]] = {}
    for definition in definitions:
        for key, worklist in definition.worklists.items():
            # The national definition's wording wins: overrides are listed after it.
            keys.setdefault(key, (worklist.title, worklist.description))

    result = []
    for key, (title, description) in keys.items():
        clause = _worklist_clause(definitions, key, roles, user, today)
        count = 0
        if clause is not None:
            count = db_session.scalar(select(func.count(Episode.id)).where(clause)) or 0
        if not count and not _shown(definitions, key, user, potential):
            continue
        shows_reviews = any(
            definition.worklists.get(key) is not None
            and definition.worklists[key].filter == "review_due"
            for definition in definitions
        )
        worklist = Worklist(
            key=key,
            title=title,
            description=description,
            empty_text=EMPTY_TEXT.get(key, "There is nothing in this list."),
            count=count,
            shows_reviews=shows_reviews,
        )
        if clause is not None and count:
            episodes = db_session.scalars(
                select(Episode)
                .where(clause)
                .options(selectinload(Episode.child))
                .order_by(*_order(key, definitions))
                .limit(ROW_LIMIT)
            )
            for episode in episodes:
                status, tag = review_status(episode.next_review_on, today)
                worklist.rows.append(
                    Row(
                        episode=episode,
                        stage=_stage_title(catalogue, episode),
                        review_status=status if shows_reviews else "",
                        review_tag=tag if shows_reviews else "",
                    )
                )
        result.append(worklist)
    return result


def _stage_title(catalogue: Catalogue, episode: Episode) -> str:
    definition = catalogue.find(episode.workflow_id, episode.workflow_version)
    state = definition.states.get(episode.state) if definition else None
    return state.title if state else episode.state.replace("_", " ").capitalize()
