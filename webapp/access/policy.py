"""The one place that decides access.

`may(user, permission, target)` answers "may this user do this to this object?" from the
user's roles, borough, organisation and team, and their relationship to the episode;
`may_edit_part()` whether they may change one part of an episode now, and
`may_see_shielded_details()` whether a shielded child's address and contacts are shown to
them. Views declare their rule with `requires()`, `requires_episode()` or `requires_child()`
and ask these functions, nothing else; an object the user may not see answers 404, so its
existence is not revealed.

What an episode's state allows comes from its workflow, which registers itself here
(`use_states`) rather than being imported: the workflow module asks this policy who may
take a step, so importing it here would make the two import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, NoReturn, Protocol, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from webapp.access import rules
from webapp.access.permissions import Permission, Relationship, Role
from webapp.access.relationships import relationships_to
from webapp.access.rules import ObjectRule
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Team
from webapp.centres.models import CentreRegistration
from webapp.children.merge_models import ChildLinkReview, ChildMerge
from webapp.children.models import Child
from webapp.crossborough.models import JoinRequest
from webapp.db import utcnow
from webapp.directory.models import Service
from webapp.episodes.models import Episode
from webapp.monitoring.alert_models import AccessAlert
from webapp.monitoring.models import BreakGlassGrant
from webapp.sharing.models import SharingDecision

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])


class EpisodeStates(Protocol):
    """What an episode's workflow says, state by state (webapp/episodes/workflow.py)."""

    def may_view(self, user: User, episode: Episode) -> bool: ...

    def may_edit(self, user: User, episode: Episode, part: str) -> bool: ...


def use_states(app: Flask, provider: EpisodeStates) -> None:
    """Take what episodes' states allow from `provider`; the workflow calls this when the
    application starts."""
    app.extensions["access_episode_states"] = provider


def _episode_states() -> EpisodeStates:
    states = current_app.extensions.get("access_episode_states")
    if states is None:
        raise RuntimeError("no workflow has told the access policy what states allow")
    return states


# Permissions any signed-in, active account has, whatever its roles.
EVERY_ACCOUNT = frozenset(
    {Permission.HOME_VIEW, Permission.ACCOUNT_VIEW_OWN, Permission.DOCUMENT_CHECK}
)

# Permissions that touch children's records: they need an in-date enhanced DBS check.
NEEDS_DBS = frozenset(
    {
        Permission.CHILD_INDEX_SEARCH,
        Permission.EPISODE_START,
        Permission.EPISODE_VIEW,
        Permission.EPISODE_EDIT,
        Permission.EPISODE_KEEP_NOTES,
        Permission.EPISODE_RECEIVE_TRANSFER,
        Permission.TAC_REQUEST_JOIN,
        Permission.TAC_DECIDE_JOIN,
        Permission.SHARING_REVIEW,
        Permission.CENTRE_REGISTRATION_RECORD,
        Permission.CENTRE_REGISTRATION_VIEW,
        Permission.CHILD_RECORD_MANAGE,
        Permission.CHILD_LINKAGE_REVIEW,
        Permission.AUDIT_VIEW,
        Permission.EPISODE_BREAK_GLASS,
        Permission.BREAK_GLASS_REVIEW,
        Permission.ACCESS_ALERTS_REVIEW,
        Permission.ACCESS_REVIEW_ATTEST,
        Permission.ACCESS_REVIEW_VIEW,
    }
)

# What a user may do on one episode comes from their relationship to it (EPISODE_GRANTS),
# never from an account role alone. The roles of people who work on children's records
# (practitioners, managers, borough CAF contacts) can hold every relationship's permissions:
# a manager or a borough CAF contact nominated lead professional (who "can be from any
# agency") does the lead professional's work on that episode, and nothing more on others.
# Administrators configure: they hold none of these, so no relationship opens a record to
# them; nor does one to an account without an in-date DBS check (NEEDS_DBS).
WORKS_ON_EPISODES = frozenset(
    {
        Permission.EPISODE_VIEW,
        Permission.EPISODE_EDIT,
        Permission.EPISODE_KEEP_NOTES,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRACTITIONER: WORKS_ON_EPISODES
    | {
        Permission.CHILD_INDEX_SEARCH,
        Permission.EPISODE_START,
        Permission.EPISODE_BREAK_GLASS,
        Permission.DIRECTORY_VIEW,
        Permission.TAC_REQUEST_JOIN,
        Permission.CENTRE_REGISTRATION_RECORD,
        Permission.CENTRE_REGISTRATION_VIEW,
    },
    Role.MANAGER: WORKS_ON_EPISODES
    | {
        Permission.CHILD_INDEX_SEARCH,
        Permission.AUDIT_VIEW,
        Permission.ACCESS_REVIEW_ATTEST,
        Permission.ACCESS_REVIEW_VIEW,
        Permission.EPISODE_BREAK_GLASS,
        Permission.DIRECTORY_VIEW,
        Permission.SHARING_REVIEW,
        Permission.CENTRE_REGISTRATION_VIEW,
        Permission.REPORTS_VIEW,
    },
    Role.BOROUGH_CAF_CONTACT: WORKS_ON_EPISODES
    | {
        Permission.CHILD_INDEX_SEARCH,
        Permission.AUDIT_VIEW,
        Permission.EPISODE_BREAK_GLASS,
        Permission.BREAK_GLASS_REVIEW,
        Permission.ACCESS_ALERTS_REVIEW,
        Permission.ACCESS_REVIEW_VIEW,
        Permission.DIRECTORY_VIEW,
        Permission.EPISODE_RECEIVE_TRANSFER,
        Permission.TAC_DECIDE_JOIN,
        Permission.CHILD_RECORD_MANAGE,
        Permission.REPORTS_VIEW,
        Permission.CHILD_IMPORTS_VIEW,
        Permission.CHILD_LINKAGE_REVIEW,
    },
    Role.BOROUGH_ADMIN: frozenset(
        {
            Permission.BOROUGH_ADMINISTER,
            Permission.WORKFLOW_VIEW,
            Permission.DIRECTORY_VIEW,
            Permission.DIRECTORY_MAINTAIN,
            Permission.USER_ACCOUNTS_MAINTAIN,
            Permission.ROLE_GRANTS_DECIDE,
            Permission.REPORTS_VIEW,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Permission.SYSTEM_ADMINISTER,
            Permission.WORKFLOW_VIEW,
            Permission.ROLE_GRANTS_DECIDE,
            Permission.REPORTS_VIEW,
        }
    ),
}

# Which relationships to an episode grant which permissions on it. The episode's workflow
# then says which parts each may change at its current stage.
WORKING_RELATIONSHIPS = frozenset(
    {Relationship.ASSESSOR, Relationship.LEAD_PROFESSIONAL, Relationship.COORDINATOR}
)
EPISODE_GRANTS: dict[Permission, frozenset[Relationship]] = {
    Permission.EPISODE_VIEW: frozenset(Relationship),
    Permission.EPISODE_EDIT: WORKING_RELATIONSHIPS,
    # Confidential notes are kept by those who work with the child, the team included.
    Permission.EPISODE_KEEP_NOTES: WORKING_RELATIONSHIPS | {Relationship.TAC_MEMBER},
}


def dbs_in_date(user: User, today: date | None = None) -> bool:
    if user.dbs_check_date is None:
        return False
    today = today or date.today()
    years = current_app.config["DBS_VALID_YEARS"]
    try:
        expires = user.dbs_check_date.replace(year=user.dbs_check_date.year + years)
    except ValueError:  # 29 February
        expires = user.dbs_check_date.replace(year=user.dbs_check_date.year + years, day=28)
    return user.dbs_check_date <= today < expires


def role_permissions(user: User) -> frozenset[Permission]:
    granted = set(EVERY_ACCOUNT)
    for role in user.roles:
        granted |= ROLE_PERMISSIONS[role]
    if user.roles & {Role.BOROUGH_ADMIN, Role.SYSTEM_ADMIN}:
        # Administrators configure; they never read children's records, whatever other role
        # an account given both before that was a rule still holds (webapp/useradmin/duties.py).
        granted -= NEEDS_DBS | WORKS_ON_EPISODES
    if not dbs_in_date(user):
        granted -= NEEDS_DBS
    return frozenset(granted)


def may(user: Any, permission: Permission, target: object | None = None) -> bool:
    """May `user` do `permission`, on `target` if one is given?"""
    allowed = _may(user, permission, target)
    if isinstance(target, Episode | Child):
        rules.note((permission, type(target).__name__.lower(), None), allowed)
    return allowed


def may_edit_part(user: Any, episode: Episode, part: str) -> bool:
    """May `user` change `part` of the episode (its consent, team, documents, a form) now:
    someone who works on it, in a state whose workflow lets their roles edit that part."""
    allowed = may(user, Permission.EPISODE_EDIT, episode) and _episode_states().may_edit(
        user, episode, part
    )
    rules.note((Permission.EPISODE_EDIT, "episode", part), allowed)
    return allowed


def require_part(episode: Episode, part: str) -> None:
    """Refuse the request, audited, with 403 unless the current user may change `part` of
    the episode now (someone who may see the episode is told it cannot be changed)."""
    if not may_edit_part(current_user, episode, part):
        refuse(403, f"may not change {part} at this stage", episode, state=episode.state)


def may_move_form_versions(user: User, episode: Episode) -> bool:
    """Whether `user` moves an open episode to the newest version of a form: the lead
    professional decides; before there is one, the assessor."""
    if not episode.is_open:
        return False
    held = relationships_to(user, episode)
    if Relationship.LEAD_PROFESSIONAL in held:
        return True
    has_lead = episode.lead_professional_id is not None or episode.lead_member_id is not None
    return not has_lead and Relationship.ASSESSOR in held


def may_see_shielded_details(user: User, child: Child) -> bool:
    """Whether a shielded child's address and contacts are shown to `user`: only to the
    borough CAF contact of the child's borough (DESIGN §3)."""
    return user.has_role(Role.BOROUGH_CAF_CONTACT) and user.borough_id == child.borough_id


def _may(user: Any, permission: Permission, target: object | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if permission not in role_permissions(user):
        return False
    if target is None:
        return True
    if isinstance(target, Episode) and permission is Permission.EPISODE_RECEIVE_TRANSFER:
        return _may_receive_transfer(user, target)
    if isinstance(target, JoinRequest):
        return _may_handle_join_request(user, permission, target)
    if isinstance(target, SharingDecision):
        return permission is Permission.SHARING_REVIEW and _may_review_sharing(user, target)
    if isinstance(target, Episode):
        allowed = EPISODE_GRANTS.get(permission, frozenset())
        # The episode's workflow says who may see it in its current state.
        if relationships_to(user, target) & allowed and _episode_states().may_view(user, target):
            return True
        # Urgent access, granted with a stated reason, lets its holder read the episode
        # until it expires, and change nothing (webapp/monitoring/break_glass.py).
        return permission is Permission.EPISODE_VIEW and holds_break_glass(user, target)
    if isinstance(target, Child):
        if permission is Permission.EPISODE_BREAK_GLASS:
            return True  # any child: the view asks that the user found it in the index
        # Shielding a child's record, answering a subject access request for it, and
        # reading who looked at it.
        return permission in (
            Permission.CHILD_RECORD_MANAGE,
            Permission.AUDIT_VIEW,
        ) and may_see_shielded_details(user, target)
    if isinstance(target, ChildLinkReview | ChildMerge):
        # Record linkage's pairs and merges: the borough CAF contact of their borough.
        return (
            permission is Permission.CHILD_LINKAGE_REVIEW
            and user.has_role(Role.BOROUGH_CAF_CONTACT)
            and user.borough_id == target.borough_id
        )
    if isinstance(target, BreakGlassGrant | AccessAlert):
        # Reviewed by a CAF contact of the borough (the episode's; the person's), never by
        # the person it is about.
        reviewed_by = (
            Permission.BREAK_GLASS_REVIEW
            if isinstance(target, BreakGlassGrant)
            else Permission.ACCESS_ALERTS_REVIEW
        )
        return (
            permission is reviewed_by
            and user.has_role(Role.BOROUGH_CAF_CONTACT)
            and user.borough_id == target.borough_id
            and target.user_id != user.id
        )
    if isinstance(target, CentreRegistration):
        return _may_use_registration(user, permission, target)
    if isinstance(target, Borough):
        return user.borough_id == target.id or permission is Permission.SYSTEM_ADMINISTER
    if isinstance(target, Service):
        # Any borough's directory may be read; only the service's own borough maintains it.
        if permission is Permission.DIRECTORY_VIEW:
            return True
        return permission is Permission.DIRECTORY_MAINTAIN and user.borough_id == target.borough_id
    if isinstance(target, Team):
        if permission in (Permission.ACCESS_REVIEW_ATTEST, Permission.ACCESS_REVIEW_VIEW):
            return _may_review_team_access(user, permission, target)
        # A borough's administrators keep the teams of its organisations.
        return (
            permission is Permission.USER_ACCOUNTS_MAINTAIN
            and target.organisation.borough_id == user.borough_id
        )
    if isinstance(target, User):
        if permission is Permission.AUDIT_VIEW:
            return _may_read_access_history(user, target)
        if permission is Permission.USER_ACCOUNTS_MAINTAIN:
            # A borough's administrators keep its accounts; the system administrators'
            # accounts are national, not the borough's to change.
            return target.borough_id == user.borough_id and not target.has_role(Role.SYSTEM_ADMIN)
        return target.id == user.id and permission is Permission.ACCOUNT_VIEW_OWN
    return False


def holds_break_glass(user: User, episode: Episode) -> bool:
    """Whether `user` holds unexpired urgent access to the episode."""
    from webapp import db  # as in `refuse`: policy is imported by the models

    return (
        db.session.scalar(
            select(BreakGlassGrant.id)
            .where(
                BreakGlassGrant.user_id == user.id,
                BreakGlassGrant.episode_id == episode.id,
                BreakGlassGrant.expires_at > utcnow(),
            )
            .limit(1)
        )
        is not None
    )


def _may_read_access_history(user: User, person: User) -> bool:
    """A person's access history is read by the CAF contacts of their borough and by the
    managers of their team; never by the person themselves."""
    if person.id == user.id:
        return False
    if user.has_role(Role.BOROUGH_CAF_CONTACT) and user.borough_id == person.borough_id:
        return True
    return (
        user.has_role(Role.MANAGER) and user.team_id is not None and user.team_id == person.team_id
    )


def _may_review_team_access(user: User, permission: Permission, team: Team) -> bool:
    """A team's quarterly access review is attested by its managers, and read by them and
    by the CAF contacts of the team's borough."""
    if user.has_role(Role.MANAGER) and user.team_id == team.id:
        return True
    return (
        permission is Permission.ACCESS_REVIEW_VIEW
        and user.has_role(Role.BOROUGH_CAF_CONTACT)
        and user.borough_id == team.organisation.borough_id
    )


def _may_receive_transfer(user: User, episode: Episode) -> bool:
    """The receiving borough's CAF contact, for a transfer waiting to be accepted; then, on
    the open episode it received, the CAF contact of its (new) borough, who may hand the
    lead professional role to someone in the new borough."""
    relationships = relationships_to(user, episode)
    if Relationship.RECEIVING_BOROUGH_CAF_CONTACT in relationships:
        return True
    return (
        episode.transferred_from_borough_id is not None
        and episode.is_open
        and Relationship.BOROUGH_CAF_CONTACT in relationships
        and _episode_states().may_view(user, episode)
    )


def _may_handle_join_request(user: User, permission: Permission, request: JoinRequest) -> bool:
    """Only the CAF contact of the episode's borough decides (never on their own request);
    the requester sees their own request and nothing of the episode."""
    if permission is Permission.TAC_DECIDE_JOIN:
        return (
            user.has_role(Role.BOROUGH_CAF_CONTACT)
            and user.borough_id == request.episode.borough_id
            and request.requester_id != user.id
        )
    if permission is Permission.TAC_REQUEST_JOIN:
        return request.requester_id == user.id
    return False


def _may_use_registration(
    user: User, permission: Permission, registration: CentreRegistration
) -> bool:
    """A children's centre registration is seen by the centre's staff and by the partner
    agencies the family agreed it may be shared with (DCSF 2010 annex), and changed (reviewed,
    withdrawn) by the centre's staff only."""
    if permission is Permission.CENTRE_REGISTRATION_RECORD:
        return user.organisation_id == registration.centre_id
    if permission is Permission.CENTRE_REGISTRATION_VIEW:
        return user.organisation_id == registration.centre_id or (
            registration.is_current
            and user.organisation_id in registration.partner_organisation_ids
        )
    return False


def _may_review_sharing(user: User, decision: SharingDecision) -> bool:
    """A decision to share without consent is reviewed afterwards by a manager of the
    decider's team, never by the decider (guidance 4.25: the line manager)."""
    decider = decision.decided_by
    return (
        decision.needs_review
        and user.has_role(Role.MANAGER)
        and user.team_id is not None
        and decider is not None
        and decider.team_id == user.team_id
        and decider.id != user.id
    )


REFUSALS = frozenset({403, 404})


def requires(permission: Permission) -> Callable[[ViewFunction], ViewFunction]:
    """Protect a view: the user must be signed in and hold `permission` somewhere."""
    return _protect(permission, check_role=True)


def requires_episode(
    permission: Permission, *, part: str | None = None, refused_by_view: bool = False
) -> Callable[[ViewFunction], ViewFunction]:
    """Protect a view of the episode its URL names: the view must ask the policy
    `permission` on it (and, with `part`, `may_edit_part`) before it answers.

    The user must hold `permission` somewhere, unless `refused_by_view`: then the view's
    own object check refuses everyone else, so that every refusal is audited in the
    domain's words and answers 404 whatever the person's roles."""
    return _protect(ObjectRule(permission, "episode", part), check_role=not refused_by_view)


def requires_child(
    permission: Permission, *, refused_by_view: bool = False
) -> Callable[[ViewFunction], ViewFunction]:
    """Protect a view of the child record its URL names, as `requires_episode` does."""
    return _protect(ObjectRule(permission, "child"), check_role=not refused_by_view)


def _protect(
    rule: Permission | ObjectRule, check_role: bool
) -> Callable[[ViewFunction], ViewFunction]:
    permission = rule.permission if isinstance(rule, ObjectRule) else rule

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            # A deactivated account is refused here even where the view's check decides.
            if not current_user.is_active or (check_role and not may(current_user, permission)):
                abort(403)
            rules.start()
            endpoint = request.endpoint or view.__name__
            try:
                response = view(*args, **kwargs)
            except HTTPException as refusal:
                if refusal.code in REFUSALS and current_app.testing:
                    rules.check_refusal(rule, endpoint)
                raise
            if current_app.testing:
                # Under test, a refusal on a question the route does not declare fails: the
                # declaration would be weaker than the view's real check.
                response = current_app.make_response(response)
                if response.status_code in REFUSALS:
                    rules.check_refusal(rule, endpoint)
                    return response
            if isinstance(rule, ObjectRule):
                rules.check_asked(rule, endpoint)
            return response

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: ViewFunction) -> ViewFunction:
    """Mark a view as open to everyone (sign-in page, assets, health check)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def visible_or_404(permission: Permission, target: object | None) -> Any:
    """`target` if the current user may do `permission` to it; otherwise the attempt is
    audited and the answer is 404, the same for an object that does not exist."""
    if target is None or not may(current_user, permission, target):
        refuse(404, "not found" if target is None else "not visible", target, permission)
    return target


def visible_episode(episode_id: int) -> Episode:
    """The episode, if the current user may see it; otherwise `visible_or_404`."""
    from webapp import db  # as in `refuse`: policy is imported by the models

    return visible_or_404(Permission.EPISODE_VIEW, db.session.get(Episode, episode_id))


def refuse(
    status: int,
    reason: str,
    target: object | None = None,
    permission: Permission | None = None,
    **detail: Any,
) -> NoReturn:
    """Audit a refused request as `access.refused` (who, what, the path, why), committed on
    its own although the request fails, then abort with `status`."""
    from webapp import db  # the audit trail's session; policy is imported by the models
    from webapp.accounts.sessions import client_address
    from webapp.audit import services as audit

    db.session.rollback()  # nothing the refused request did is kept
    if isinstance(target, Episode):
        object_type, object_id = "episode", target.id
        episode_id, child_id = target.id, target.child_id
    else:
        arguments = dict(request.view_args or {})
        named = next((name for name in arguments if name.endswith("_id")), "")
        object_type = type(target).__name__.lower() if target is not None else named[:-3]
        object_id = getattr(target, "id", None) or arguments.get(named, "")
        episode_id = getattr(target, "episode_id", None)
        child_id = None
    audit.record(
        db.session,
        "access.refused",
        actor_id=getattr(current_user, "id", None),
        object_type=object_type,
        object_id=object_id,
        episode_id=episode_id,
        child_id=child_id,
        client_address=client_address(),
        path=request.path[:300],
        method=request.method,
        reason=reason,
        permission=str(permission) if permission else None,
        status=status,
        **detail,
    )
    db.session.commit()
    abort(status)
