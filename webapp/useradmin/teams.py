"""A borough's teams, as its administrators keep them.

A team belongs to one organisation of the borough. Its managers are the accounts with the
manager role that are in it: they see the episodes its practitioners assess or lead, and
approve or send back the closures those practitioners ask for
(webapp/access/relationships.py). A manager in no team can therefore act on nothing, which
their home page tells them. An account is in one team at most, of its own organisation (a
change of organisation takes it out of its team: services.update).

As for accounts, every function takes the administrator and checks nothing about who they
are: the views only call them for teams the access policy lets them maintain. The rules
about the teams themselves are checked here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation, Team
from webapp.db import flush_or_refuse

NAME_MAX = 160
NOT_IN_LIST = "Select an option from the list"


class TeamInvalid(Exception):
    """The change breaks a rule; `errors` maps a form field's name to a GOV.UK message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    managers: list[User]
    practitioners: list[User]


def is_manager(account: User) -> bool:
    return account.has_role(Role.MANAGER)


def find(db_session: Session, team_id: int) -> Team | None:
    return db_session.get(Team, team_id)


def _by_name(query):
    return query.order_by(func.lower(User.full_name), User.id)


def members_of(db_session: Session, team: Team) -> TeamSummary:
    members = list(db_session.scalars(_by_name(select(User).where(User.team_id == team.id))))
    return TeamSummary(
        team=team,
        managers=[member for member in members if is_manager(member)],
        practitioners=[member for member in members if not is_manager(member)],
    )


def teams_of(db_session: Session, borough_id: int) -> list[TeamSummary]:
    """The borough's teams, by organisation and name, with their members."""
    teams = list(
        db_session.scalars(
            select(Team)
            .join(Organisation)
            .where(Organisation.borough_id == borough_id)
            .order_by(func.lower(Organisation.name), func.lower(Team.name), Team.id)
        )
    )
    members: dict[int, list[User]] = {team.id: [] for team in teams}
    if teams:
        for member in db_session.scalars(
            _by_name(select(User).where(User.team_id.in_(list(members))))
        ):
            members[member.team_id].append(member)
    return [
        TeamSummary(
            team=team,
            managers=[member for member in members[team.id] if is_manager(member)],
            practitioners=[member for member in members[team.id] if not is_manager(member)],
        )
        for team in teams
    ]


def _of_organisation(team: Team, *roles: Role, without: Role | None = None):
    query = select(User).where(
        User.organisation_id == team.organisation_id,
        User.active.is_(True),
        User.role_grants.any(UserRole.role.in_(roles)),
    )
    if without is not None:
        query = query.where(~User.role_grants.any(UserRole.role == without))
    return _by_name(query)


def manager_choices(db_session: Session, team: Team) -> list[User]:
    """Who may be put in charge of the team: active managers of its organisation."""
    return list(db_session.scalars(_of_organisation(team, Role.MANAGER)))


def practitioner_choices(db_session: Session, team: Team) -> list[User]:
    """Who may be put in the team: active practitioners of its organisation who are not
    managers (a manager is put in charge on the managers page) and not in it already."""
    query = _of_organisation(team, Role.PRACTITIONER, without=Role.MANAGER).where(
        (User.team_id.is_(None)) | (User.team_id != team.id)
    )
    return list(db_session.scalars(query))


def _audit(
    db_session: Session, action: str, admin: User, team: Team, client_address: str, **detail
):
    audit.record_about(
        db_session,
        action,
        team,
        admin,
        client_address,
        borough_id=admin.borough_id,
        organisation_id=team.organisation_id,
        **detail,
    )


def create(
    db_session: Session, admin: User, organisation_id: int, name: str, *, client_address: str = ""
) -> Team:
    """A new team in one of the administrator's borough's organisations."""
    name = " ".join(name.split())
    organisation = db_session.get(Organisation, organisation_id)
    errors: dict[str, str] = {}
    if organisation is None or organisation.borough_id != admin.borough_id:
        errors["organisation"] = NOT_IN_LIST
    if not name:
        errors["name"] = "Enter the name of the team"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name of the team must be {NAME_MAX} characters or fewer"
    if errors:
        raise TeamInvalid(errors)
    taken = TeamInvalid({"name": f"{organisation.name} already has a team called {name}"})
    exists = db_session.scalar(
        select(func.count())
        .select_from(Team)
        .where(Team.organisation_id == organisation.id, func.lower(Team.name) == name.lower())
    )
    if exists:
        raise taken
    team = Team(organisation_id=organisation.id, name=name)
    db_session.add(team)
    # Refused when another administrator saved the same name at the same moment.
    flush_or_refuse(db_session, taken)
    _audit(db_session, "useradmin.team_created", admin, team, client_address, name=name)
    return team


def set_managers(
    db_session: Session,
    team: Team,
    admin: User,
    manager_ids: set[int],
    *,
    client_address: str = "",
) -> bool:
    """Put exactly these managers in charge of the team (a manager in charge of another team
    moves to this one; one no longer chosen is in no team); whether anything changed."""
    eligible = {manager.id: manager for manager in manager_choices(db_session, team)}
    if not manager_ids <= eligible.keys():
        raise TeamInvalid({"managers": NOT_IN_LIST})
    before = {member.id for member in members_of(db_session, team).managers}
    if before == manager_ids:
        return False
    moved_from = {}
    for manager_id in manager_ids - before:
        manager = eligible[manager_id]
        if manager.team_id is not None:
            moved_from[manager_id] = manager.team_id
        manager.team_id = team.id
    for manager_id in before - manager_ids:
        db_session.get(User, manager_id).team_id = None
    db_session.flush()
    _audit(
        db_session,
        "useradmin.team_managers_changed",
        admin,
        team,
        client_address,
        before=sorted(before),
        after=sorted(manager_ids),
        moved_from={str(key): value for key, value in sorted(moved_from.items())},
    )
    return True


def add_practitioner(
    db_session: Session, team: Team, admin: User, account_id: int, *, client_address: str = ""
) -> User:
    chosen = {account.id: account for account in practitioner_choices(db_session, team)}
    account = chosen.get(account_id)
    if account is None:
        raise TeamInvalid({"practitioner": NOT_IN_LIST})
    moved_from = account.team_id
    account.team_id = team.id
    db_session.flush()
    _audit(
        db_session,
        "useradmin.team_member_added",
        admin,
        team,
        client_address,
        account_id=account.id,
        moved_from=moved_from,
    )
    return account


def remove_member(
    db_session: Session, team: Team, admin: User, account_id: int, *, client_address: str = ""
) -> User | None:
    """Take someone out of the team; None if they are not in it."""
    account = db_session.get(User, account_id)
    if account is None or account.team_id != team.id:
        return None
    account.team_id = None
    db_session.flush()
    _audit(
        db_session,
        "useradmin.team_member_removed",
        admin,
        team,
        client_address,
        account_id=account.id,
        was_manager=is_manager(account),
    )
    return account


def record_refusal(
    db_session: Session,
    admin: User,
    attempted: str,
    team_id: int,
    *,
    team: Team | None = None,
    client_address: str = "",
) -> None:
    """An attempt on a team the administrator may not maintain (another borough's, or none)."""
    audit.record(
        db_session,
        "useradmin.refused",
        actor_id=admin.id,
        object_type="team",
        object_id=team_id,
        client_address=client_address,
        attempted=attempted,
        team_borough_id=team.organisation.borough_id if team else None,
    )
