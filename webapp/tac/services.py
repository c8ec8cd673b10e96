"""TAC membership rules. Membership is what opens an episode to a practitioner, so every
invitation passes the consent check first (DESIGN §3), and every change is audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.db import utcnow
from webapp.episodes import recipients
from webapp.episodes.models import Episode
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.sharing import services as sharing
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.tac.models import (
    HandoverStatus,
    Involvement,
    LeadProfessionalChange,
    MemberKind,
    MemberStatus,
    TacMember,
)

TAC_SHARING = "Membership of the team around the child: access to the episode and its plan"


class TacRefused(ValueError):
    """The change cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def members(episode: Episode, *statuses: MemberStatus) -> list[TacMember]:
    wanted = statuses or (MemberStatus.INVITED, MemberStatus.ACTIVE)
    return [member for member in episode.tac_members if member.status in wanted]


def _audit(db_session: Session, action: str, actor: User, episode: Episode, **detail) -> None:
    audit.record_for_episode(db_session, action, episode, actor_id=actor.id, **detail)


def invite_practitioner(
    db_session: Session,
    episode: Episode,
    inviter: User,
    invitee: User,
    role: str,
    *,
    public_interest: sharing.PublicInterest | None = None,
    client_address: str = "",
    notify: bool = True,
) -> TacMember:
    """Invite a practitioner (from any borough). Membership opens the episode to them, so it
    is a sharing decision: their agency must be one the family agreed to share with, or the
    inviter records a public-interest decision. Either way it goes in the register.
    `notify=False` when the invitee asked to join and is told of the decision instead."""
    if not invitee.active:
        raise TacRefused("Select a practitioner with an active account", "email")
    if any(member.user_id == invitee.id for member in members(episode)):
        raise TacRefused(f"{invitee.full_name} is already in the team or invited", "email")
    try:
        decision = sharing.share(
            db_session,
            episode,
            inviter,
            what=TAC_SHARING,
            recipient_user=invitee,
            public_interest=public_interest,
            client_address=client_address,
            # a member sees the whole record, sensitive answers included (DCSF 2010, 17)
            sensitive=True,
        )
    except sharing.SharingRefused as refused:
        raise TacRefused(refused.reason, "email") from None
    except sharing.SharingInvalid as invalid:
        field, message = next(iter(invalid.errors.items()))
        asked = field in sharing.PublicInterest.__dataclass_fields__
        raise TacRefused(message, f"public_interest_{field}" if asked else "email") from None
    member = _practitioner(
        episode, invitee, inviter, MemberStatus.INVITED, role.strip() or invitee.job_title
    )
    db_session.add(member)
    db_session.flush()
    if notify:
        recipients.notify(
            db_session,
            invitee.id,
            episode.id,
            "tac_invitation",
            (
                f"{inviter.full_name} invited you to the team around the child for "
                f"{episode.reference}."
            ),
        )
        _email_invitation(db_session, member, invitee)
    _audit(
        db_session,
        "tac.invited",
        inviter,
        episode,
        member_id=member.id,
        invitee=invitee.id,
        basis=decision.basis.value,
        register_entry=decision.id,
    )
    return member


def _practitioner(
    episode: Episode,
    user: User,
    invited_by: User,
    status: MemberStatus,
    role: str,
    **membership: object,
) -> TacMember:
    """A practitioner's membership of the team, with their account's details as they are."""
    return TacMember(
        episode_id=episode.id,
        kind=MemberKind.PRACTITIONER,
        status=status,
        user_id=user.id,
        name=user.full_name,
        role=role,
        organisation_id=user.organisation_id,
        email=user.email,
        phone=user.phone,
        invited_by_id=invited_by.id,
        **membership,
    )


def _email_invitation(db_session: Session, member: TacMember, invitee: User) -> None:
    """An e-mail that says only that there is an invitation: the child is named in the
    service, behind the sign-in, never in the message."""
    message = messages.compose(
        MailKind.TAC_INVITATION,
        full_name=invitee.full_name,
        episode_link=messages.link("tac.invitation", member_id=member.id),
    )
    outbox.queue(db_session, message, invitee.email, recipient_user_id=invitee.id)


def join(db_session: Session, episode: Episode, user: User) -> TacMember | None:
    """The practitioner convening the team (assessor, lead or coordinator) joins it."""
    if any(member.user_id == user.id for member in members(episode)):
        return None
    member = _practitioner(
        episode, user, user, MemberStatus.ACTIVE, user.job_title, responded_at=utcnow()
    )
    db_session.add(member)
    db_session.flush()
    _audit(db_session, "tac.member_added", user, episode, member_id=member.id, kind="practitioner")
    return member


def _shared_in_public_interest(db_session: Session, episode: Episode, user: User) -> bool:
    found = db_session.scalars(
        select(SharingDecision.id).where(
            SharingDecision.episode_id == episode.id,
            SharingDecision.basis == SharingBasis.PUBLIC_INTEREST,
            SharingDecision.recipient_user_id == user.id,
        )
    ).first()
    return found is not None


def add_family_member(
    db_session: Session,
    episode: Episode,
    actor: User,
    kind: MemberKind,
    name: str,
    role: str,
    email: str = "",
    phone: str = "",
) -> TacMember:
    if kind is MemberKind.PRACTITIONER:
        raise TacRefused("Invite practitioners by their account", "kind")
    member = TacMember(
        episode_id=episode.id,
        kind=kind,
        status=MemberStatus.ACTIVE,
        name=name.strip(),
        role=role.strip(),
        email=email.strip(),
        phone=phone.strip(),
        invited_by_id=actor.id,
        responded_at=utcnow(),
    )
    db_session.add(member)
    db_session.flush()
    _audit(db_session, "tac.member_added", actor, episode, member_id=member.id, kind=kind.value)
    return member


def respond(db_session: Session, member: TacMember, user: User, accept: bool) -> None:
    if member.user_id != user.id or member.status is not MemberStatus.INVITED:
        raise TacRefused("This invitation is not open")
    episode = db_session.get(Episode, member.episode_id)
    if (
        accept
        and episode.sharing_suspended
        and not _shared_in_public_interest(db_session, episode, user)
    ):
        raise TacRefused("Consent has been withdrawn: the invitation can no longer be accepted")
    member.status = MemberStatus.ACTIVE if accept else MemberStatus.DECLINED
    member.responded_at = utcnow()
    if accept:
        db_session.add(
            Involvement(
                child_id=episode.child_id,
                user_id=user.id,
                tac_member_id=member.id,
                name=user.full_name,
                role=member.role,
                organisation_name=user.organisation.name,
                contact=", ".join(filter(None, [user.email, user.phone])),
                started_on=date.today(),
                recorded_by_id=user.id,
            )
        )
    _audit(
        db_session,
        "tac.invitation_accepted" if accept else "tac.invitation_declined",
        user,
        episode,
        member_id=member.id,
    )


def remove(db_session: Session, member: TacMember, actor: User, reason: str) -> None:
    episode = db_session.get(Episode, member.episode_id)
    if member.status not in (MemberStatus.INVITED, MemberStatus.ACTIVE):
        raise TacRefused("This person is not in the team")
    if episode.lead_member_id == member.id:
        raise TacRefused("Hand the lead professional role to someone else before removing them")
    acting = acting_for_lead(episode)
    if acting is not None and acting.id == member.user_id:
        raise TacRefused(
            "Choose someone else to take the lead professional's steps in eCAF before removing them"
        )
    if not reason.strip():
        raise TacRefused("Enter why they are leaving the team", "reason")
    member.status = MemberStatus.REMOVED
    member.removed_at = utcnow()
    member.removed_by_id = actor.id
    member.removal_reason = reason.strip()
    if episode.coordinator_id is not None and episode.coordinator_id == member.user_id:
        episode.coordinator_id = None
    for involvement in db_session.scalars(
        select(Involvement).where(
            Involvement.tac_member_id == member.id, Involvement.ended_on.is_(None)
        )
    ):
        involvement.ended_on = date.today()
    _audit(
        db_session,
        "tac.member_removed",
        actor,
        episode,
        member_id=member.id,
        reason=member.removal_reason,
    )


def lead_member(episode: Episode) -> TacMember | None:
    return next((m for m in episode.tac_members if m.id == episode.lead_member_id), None)


def acting_for_lead(episode: Episode) -> User | None:
    """The practitioner taking the steps of a lead professional without an account."""
    return episode.acting_for_lead if episode.lead_professional_id is None else None


def lead_professional_summary(episode: Episode) -> str:
    """Who the lead professional is, and who takes their steps in eCAF if they cannot."""
    member = lead_member(episode)
    acting = acting_for_lead(episode)
    if member is not None and member.user_id is None:
        said = member_phrase(member)
        if acting is None:
            return (
                f"{said} is the lead professional; nobody takes their steps in eCAF yet: "
                "a practitioner in the team must be chosen to act for them"
            )
        return f"{said} is the lead professional; {acting.full_name} takes their steps in eCAF"
    if episode.lead_professional is not None:
        return episode.lead_professional.full_name
    return "Not yet nominated"


def member_phrase(member: TacMember) -> str:
    """'Pat Example (mother)': a team member and how they stand to the child."""
    return f"{member.name} ({_lower_first(member.role or member.kind.title)})"


def _lower_first(words: str) -> str:
    """'Mother' -> 'mother', but 'NHS nurse' stays as it is."""
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def _acting_user(
    episode: Episode, member: TacMember, acting_member: TacMember | None
) -> User | None:
    """Who takes the steps in eCAF of `member` as lead professional: nobody if they have an
    account; else the practitioner chosen, or by default the episode coordinator."""
    if member.user_id is not None:
        return None
    if acting_member is None:
        if episode.coordinator is not None:
            return episode.coordinator
        raise TacRefused(
            f"{member.name} has no eCAF account: select the practitioner in the team who will "
            "take the lead professional's steps in eCAF for them",
            "acting_member_id",
        )
    if (
        acting_member.episode_id != episode.id
        or not acting_member.is_active
        or acting_member.user is None
    ):
        raise TacRefused(
            "Select a practitioner in the team, with an eCAF account", "acting_member_id"
        )
    return acting_member.user


def nominate_lead_professional(
    db_session: Session,
    episode: Episode,
    actor: User,
    member: TacMember,
    note: str,
    acting_member: TacMember | None = None,
) -> LeadProfessionalChange:
    """The first nomination (agreed at a TAC meeting) takes effect at once; a later change is
    a handover that the new lead professional must accept. A lead professional without an
    account (the young person, a parent or a carer) is nominated with the practitioner who
    takes their steps in eCAF (`acting_member`, by default the episode coordinator)."""
    if member.episode_id != episode.id or not member.is_active:
        raise TacRefused("Select an active member of the team", "member_id")
    if episode.lead_member_id == member.id:
        raise TacRefused(f"{member.name} is already the lead professional", "member_id")
    acting = _acting_user(episode, member, acting_member)
    pending = db_session.scalars(
        select(LeadProfessionalChange).where(
            LeadProfessionalChange.episode_id == episode.id,
            LeadProfessionalChange.status == HandoverStatus.PROPOSED,
        )
    ).first()
    if pending is not None:
        raise TacRefused("A handover is already waiting to be accepted", "member_id")
    first = episode.lead_member_id is None and episode.lead_professional_id is None
    if not first and not note.strip():
        raise TacRefused("Enter a handover note for the new lead professional", "note")
    change = LeadProfessionalChange(
        episode_id=episode.id,
        from_member_id=episode.lead_member_id,
        to_member_id=member.id,
        handover_note=note.strip(),
        proposed_by_id=actor.id,
        status=HandoverStatus.PROPOSED,
    )
    db_session.add(change)
    db_session.flush()
    # Accepted at once when nobody needs to accept: a first nomination, a member without an
    # account (such as a parent), or someone nominating themselves.
    if first or member.user_id is None or member.user_id == actor.id:
        _make_lead(db_session, episode, change, actor, acting)
    elif member.user_id is not None:
        recipients.notify(
            db_session,
            member.user_id,
            episode.id,
            "lead_handover",
            f"{actor.full_name} asked you to become lead professional for {episode.reference}.",
        )
    _audit(
        db_session,
        "tac.lead_professional_proposed",
        actor,
        episode,
        change_id=change.id,
        to_member=member.id,
    )
    return change


def change_acting_for_lead(
    db_session: Session, episode: Episode, actor: User, acting_member: TacMember | None
) -> User:
    """Another practitioner of the team takes the steps of the lead professional who has no
    account (when the one doing so leaves the team, for example)."""
    member = lead_member(episode)
    if member is None or member.user_id is not None:
        raise TacRefused("The lead professional takes their own steps in eCAF", "member_id")
    acting = _acting_user(episode, member, acting_member)
    if acting.id == episode.acting_for_lead_id:
        raise TacRefused(
            f"{acting.full_name} already takes the lead professional's steps in eCAF",
            "acting_member_id",
        )
    episode.acting_for_lead_id = acting.id
    episode.acting_for_lead = acting
    _audit(
        db_session,
        "tac.acting_for_lead_professional_changed",
        actor,
        episode,
        member=member.id,
        acting_for_lead=acting.id,
    )
    return acting


def decide_handover(
    db_session: Session, change: LeadProfessionalChange, user: User, accept: bool
) -> None:
    if change.status is not HandoverStatus.PROPOSED or change.to_member.user_id != user.id:
        raise TacRefused("This handover is not waiting for you")
    episode = db_session.get(Episode, change.episode_id)
    if accept:
        _make_lead(db_session, episode, change, user)
    else:
        change.status = HandoverStatus.DECLINED
        change.decided_at = utcnow()
        _audit(db_session, "tac.lead_professional_declined", user, episode, change_id=change.id)


def _make_lead(
    db_session,
    episode: Episode,
    change: LeadProfessionalChange,
    actor: User,
    acting: User | None = None,
) -> None:
    change.status = HandoverStatus.ACCEPTED
    change.decided_at = utcnow()
    episode.lead_member_id = change.to_member_id
    episode.lead_professional_id = change.to_member.user_id
    episode.acting_for_lead_id = acting.id if acting is not None else None
    episode.acting_for_lead = acting
    _audit(
        db_session,
        "tac.lead_professional_changed",
        actor,
        episode,
        change_id=change.id,
        member=change.to_member_id,
        acting_for_lead=episode.acting_for_lead_id,
    )


def set_coordinator(db_session: Session, episode: Episode, actor: User, member: TacMember) -> None:
    if member.episode_id != episode.id or not member.is_active or member.user_id is None:
        raise TacRefused("Select an active practitioner in the team", "member_id")
    episode.coordinator_id = member.user_id
    _audit(db_session, "tac.coordinator_set", actor, episode, member=member.id)


def waiting_answers(db_session: Session, user: User) -> dict[tuple[str, int], int]:
    """What waits for `user` to answer, by (notification kind, episode id): the id of the
    invitation to a team (a member) or of the handover of the lead (a change). A notification
    of either links to its answer, since the episode opens only once they have accepted."""
    invitations = db_session.execute(
        select(TacMember.episode_id, TacMember.id).where(
            TacMember.user_id == user.id, TacMember.status == MemberStatus.INVITED
        )
    )
    handovers = db_session.execute(
        select(LeadProfessionalChange.episode_id, LeadProfessionalChange.id)
        .join(TacMember, TacMember.id == LeadProfessionalChange.to_member_id)
        .where(
            TacMember.user_id == user.id,
            LeadProfessionalChange.status == HandoverStatus.PROPOSED,
        )
    )
    answers = {("tac_invitation", episode): member for episode, member in invitations}
    answers.update({("lead_handover", episode): change for episode, change in handovers})
    return answers
