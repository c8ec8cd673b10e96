"""What each named workflow effect does in eCAF (the names come from
webapp/workflow/registry.py; definitions only name them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User, UserRole
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.episodes import closure_mail
from webapp.episodes.models import Episode, Notification, SocialCareInvolvement
from webapp.workflow import Catalogue, Firing
from webapp.workflowchoices import services as choice_services


def on_behalf_detail(member_id: int | None) -> dict:
    """What an audit event says of a step taken for a lead professional without an account."""
    if member_id is None:
        return {}
    return {"on_behalf_of": "lead_professional", "on_behalf_of_member": member_id}


@dataclass
class EffectContext:
    db_session: Session
    episode: Episode
    firing: Firing
    actor: User
    form_data: dict = field(default_factory=dict)
    # The lead professional (a team member without an account) the actor acted for.
    on_behalf_of_member_id: int | None = None

    def audit(self, action: str, **detail: object) -> None:
        audit.record(
            self.db_session,
            action,
            actor_id=self.actor.id,
            object_type="episode",
            object_id=self.episode.id,
            episode_id=self.episode.id,
            child_id=self.episode.child_id,
            trigger=self.firing.trigger,
            **on_behalf_detail(self.on_behalf_of_member_id),
            **detail,
        )

    def notify(self, recipients: Iterable[User | None], kind: str, message: str) -> None:
        seen: set[int] = set()
        for user in recipients:
            if user is None or user.id in seen or user.id == self.actor.id or not user.active:
                continue
            seen.add(user.id)
            self.db_session.add(
                Notification(
                    user_id=user.id, episode_id=self.episode.id, kind=kind, message=message
                )
            )


Handler = Callable[[EffectContext], None]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register


def run(name: str, context: EffectContext) -> None:
    HANDLERS[name](context)


def check_every_effect_is_implemented(catalogue: Catalogue) -> None:
    named = {name for definition in catalogue for t in definition.transitions for name in t.effects}
    missing = sorted(named - HANDLERS.keys())
    if missing:
        raise RuntimeError(f"eCAF cannot start: no implementation for workflow effects {missing}")


def form_facts(db_session: Session, episode: Episode) -> dict:
    """Facts from the episode's forms (assessment, plan, reviews, closure)."""
    from webapp.assessments import facts

    return facts.for_episode(db_session, episode)


# --- the team around the child, managers and contacts -------------------------------------


def lead_professional_user(episode: Episode) -> User | None:
    """Who is told what the lead professional must know: the lead professional, or the
    practitioner taking the steps of one without an account."""
    if episode.lead_professional is not None:
        return episode.lead_professional
    return episode.acting_for_lead


def team(episode: Episode) -> list[User | None]:
    """The assessor, lead professional, coordinator and every practitioner in the TAC."""
    members = [member.user for member in episode.tac_members if member.is_active and member.user]
    lead = lead_professional_user(episode)
    return [episode.assessor, lead, episode.coordinator, *members]


def managers_of(db_session: Session, episode: Episode) -> list[User]:
    teams = {user.team_id for user in (episode.assessor, episode.lead_professional) if user}
    return list(
        db_session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.MANAGER, User.team_id.in_(teams - {None}))
        )
    )


def caf_contacts(db_session: Session, borough_id: int) -> list[User]:
    return list(
        db_session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.BOROUGH_CAF_CONTACT, User.borough_id == borough_id)
        )
    )


# --- effects inside the transaction -------------------------------------------------------


@handles("record_closure_request")
def record_closure_request(context: EffectContext) -> None:
    context.episode.closure_requested_by_id = context.actor.id
    context.audit("episode.closure_requested")


@handles("record_closure_sent_back")
def record_closure_sent_back(context: EffectContext) -> None:
    requested_by = context.episode.closure_requested_by_id
    context.episode.closure_requested_by_id = None
    context.audit("episode.closure_sent_back", comment=context.firing.comment or "")
    closure_mail.tell_requester(
        context.db_session, context.episode, requested_by, context.actor, approved=False
    )


@handles("record_closure")
def record_closure(context: EffectContext) -> None:
    requested_by = context.episode.closure_requested_by_id
    context.audit("episode.closed", requested_by=requested_by)
    closure_mail.tell_requester(
        context.db_session, context.episode, requested_by, context.actor, approved=True
    )


@handles("reopen_episode")
def reopen_episode(context: EffectContext) -> None:
    context.episode.closure_requested_by_id = None
    context.audit("episode.reopened", reason=context.firing.comment or "")


@handles("record_consent_refusal")
def record_consent_refusal(context: EffectContext) -> None:
    context.audit("consent.refusal_closed_episode")


@handles("record_safeguarding_referral")
def record_safeguarding_referral(context: EffectContext) -> None:
    """A referral shares the child's information with children's social care: it goes in
    the register with what, with whom and on what basis (CWDC 2009, 4.24), and the index
    then shows that social care is involved."""
    from webapp.sharing import services as sharing  # sharing's models import this package's

    referral = context.form_data.get("referral")
    if referral is None:
        raise ValueError("a referral needs what was shared, with whom and on what basis")
    decision = sharing.record_referral(context.db_session, context.episode, context.actor, referral)
    context.episode.social_care_involvement = SocialCareInvolvement.YES
    context.audit(
        "episode.safeguarding_referral",
        reasons=context.firing.comment or "",
        sharing_decision_id=decision.id,
    )


@handles("record_step_down")
def record_step_down(context: EffectContext) -> None:
    context.audit("episode.stepped_down", decision=context.firing.comment or "")


@handles("record_quality_check")
def record_quality_check(context: EffectContext) -> None:
    context.audit("episode.quality_checked", comment=context.firing.comment or "")


@handles("suspend_sharing")
def suspend_sharing(context: EffectContext) -> None:
    context.episode.sharing_suspended = True
    context.audit("episode.sharing_suspended")


@handles("mark_transferred")
def mark_transferred(context: EffectContext) -> None:
    borough_id = context.form_data.get("to_borough_id")
    borough = context.db_session.get(Borough, borough_id) if borough_id else None
    if borough is None or borough.id == context.episode.borough_id:
        raise ValueError("a transfer needs a receiving borough other than this one")
    context.episode.transferred_to_borough_id = borough.id
    # Handing the record over is sharing it: the sharing rules and the register decide.
    from webapp.crossborough import transfers  # transfers imports the workflow module

    transfers.record_transfer(
        context.db_session,
        context.episode,
        context.actor,
        borough,
        context.form_data.get("public_interest"),
    )
    context.audit("episode.transferred", to_borough=borough.code)


@handles("complete_transfer")
def complete_transfer(context: EffectContext) -> None:
    """The receiving borough takes the episode over. It is the same record, so its forms,
    consents, register, documents, team and history stay with it; it continues in the
    receiving borough's newest workflow, which has every national state."""
    from webapp.episodes import workflow  # the workflow module imports this one

    episode = context.episode
    receiving_id = episode.transferred_to_borough_id
    receiving = context.db_session.get(Borough, receiving_id) if receiving_id else None
    if receiving is None or receiving.id == episode.borough_id:
        raise ValueError("there is no transfer to another borough to accept")
    sending = episode.borough
    before = f"{episode.workflow_id} v{episode.workflow_version}"
    definition = workflow.catalogue().for_borough(receiving.code)
    if context.firing.dest in definition.states:
        episode.workflow_id = definition.id
        episode.workflow_version = definition.version
        episode.workflow_choices_id = choice_services.to_pin(
            context.db_session, receiving.id, definition
        )
    episode.transferred_from_borough_id = sending.id
    episode.transferred_to_borough_id = None
    episode.borough_id = receiving.id
    episode.borough = receiving
    # The child now lives in the receiving borough: its CAF contact manages the index record.
    child = episode.child
    child.borough_id = receiving.id
    child.borough = receiving
    context.audit(
        "episode.transfer_accepted",
        from_borough=sending.code,
        to_borough=receiving.code,
        workflow_before=before,
        workflow_after=f"{episode.workflow_id} v{episode.workflow_version}",
        state=context.firing.dest,
    )


def _form_effect(name: str) -> Handler:
    def handler(context: EffectContext) -> None:
        from webapp.assessments import lifecycle  # the forms package imports this module

        lifecycle.EFFECTS[name](context)

    return handler


for _name in ("start_new_assessment_version", "lock_assessment_version", "schedule_next_review"):
    HANDLERS[_name] = _form_effect(_name)


# --- effects after the commit -------------------------------------------------------------


@handles("notify_tac_of_plan")
def notify_tac_of_plan(context: EffectContext) -> None:
    context.notify(
        team(context.episode),
        "plan_started",
        f"The plan for {context.episode.reference} is now being delivered.",
    )


@handles("notify_managers_of_closure_request")
def notify_managers_of_closure_request(context: EffectContext) -> None:
    context.notify(
        managers_of(context.db_session, context.episode),
        "closure_requested",
        f"Closure of {context.episode.reference} is waiting for your decision.",
    )


@handles("notify_tac_of_closure")
def notify_tac_of_closure(context: EffectContext) -> None:
    context.notify(team(context.episode), "closed", f"{context.episode.reference} is closed.")


@handles("notify_lead_professional_of_decision")
def notify_lead_professional_of_decision(context: EffectContext) -> None:
    context.notify(
        [lead_professional_user(context.episode)],
        "closure_sent_back",
        f"Closure of {context.episode.reference} was sent back: {context.firing.comment or ''}",
    )


@handles("notify_safeguarding_contacts")
def notify_safeguarding_contacts(context: EffectContext) -> None:
    recipients = [
        *caf_contacts(context.db_session, context.episode.borough_id),
        lead_professional_user(context.episode),
    ]
    context.notify(
        recipients,
        "safeguarding_referral",
        f"{context.episode.reference} was referred to children's social care.",
    )


@handles("notify_tac_of_withdrawal")
def notify_tac_of_withdrawal(context: EffectContext) -> None:
    # Recording the withdrawal has told the team already; this tells only who was not.
    from webapp.consent import services as consent_services  # consent imports this module

    consent_services.notify_team_of_withdrawal(context.db_session, context.episode, context.actor)


@handles("notify_receiving_borough")
def notify_receiving_borough(context: EffectContext) -> None:
    borough_id = context.episode.transferred_to_borough_id
    if borough_id is not None:
        context.notify(
            caf_contacts(context.db_session, borough_id),
            "transfer_in",
            f"{context.episode.reference} is being transferred to your borough.",
        )


@handles("notify_transfer_accepted")
def notify_transfer_accepted(context: EffectContext) -> None:
    episode = context.episode
    message = f"{episode.reference} has been transferred: {episode.borough.name} now holds it."
    context.notify(team(episode), "transfer_accepted", message)
    # The sending borough's CAF contacts can no longer open the episode: no link for them.
    members = {user.id for user in team(episode) if user is not None}
    sending_id = episode.transferred_from_borough_id
    for contact in caf_contacts(context.db_session, sending_id) if sending_id else []:
        if contact.active and contact.id not in members and contact.id != context.actor.id:
            context.db_session.add(
                Notification(
                    user_id=contact.id, episode_id=None, kind="transfer_accepted", message=message
                )
            )
