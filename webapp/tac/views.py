from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import (
    may_edit_part,
    require_part,
    requires,
    requires_episode,
    visible_episode,
)
from webapp.accounts.services import find_user_by_email
from webapp.accounts.sessions import client_address
from webapp.assessments import services as assessments
from webapp.assessments.forms import ConfirmForm
from webapp.assessments.kinds import KINDS
from webapp.children.shielding import hides_contacts_from
from webapp.episodes.models import Episode
from webapp.sharing.requests import audited_refusal
from webapp.tac import services
from webapp.tac.forms import (
    CoordinatorForm,
    FamilyMemberForm,
    InviteForm,
    JoinForm,
    LeadProfessionalForm,
    RemoveMemberForm,
    RespondForm,
)
from webapp.tac.models import (
    HandoverStatus,
    LeadProfessionalChange,
    MemberKind,
    MemberStatus,
    TacMember,
)

bp = Blueprint("tac", __name__)


def _may_manage(episode: Episode) -> bool:
    return may_edit_part(current_user, episode, "tac")


def _managed_episode(episode_id: int) -> Episode:
    episode = visible_episode(episode_id)
    require_part(episode, "tac")
    return episode


def _committed(field, change: Callable[[], object]) -> bool:
    """Make the change and commit it; when the team's rules refuse it, nothing is kept and
    `field` says why."""
    try:
        change()
    except services.TacRefused as refused:
        db.session.rollback()
        field.errors = [str(refused)]
        return False
    db.session.commit()
    return True


def _member_choices(episode: Episode, with_account_only: bool = False):
    active = services.members(episode, MemberStatus.ACTIVE)
    return [("", "Select a member of the team")] + [
        (member.id, f"{member.name} ({member.role or member.kind.title})")
        for member in active
        if member.user_id is not None or not with_account_only
    ]


def _lead_form(episode: Episode) -> LeadProfessionalForm:
    """The lead professional's form, showing who is lead now (and who takes their steps in
    eCAF for them) until the user chooses someone else."""
    form = LeadProfessionalForm(
        prefix="lead",
        data={
            "member_id": episode.lead_member_id,
            "acting_member_id": _acting_member_id(episode),
        },
    )
    form.member_id.choices = _member_choices(episode)
    form.acting_member_id.choices = _member_choices(episode, True)
    return form


def _acting_member_id(episode: Episode) -> int | None:
    acting = services.acting_for_lead(episode)
    if acting is None:
        return None
    return next(
        (m.id for m in services.members(episode, MemberStatus.ACTIVE) if m.user_id == acting.id),
        None,
    )


def _coordinator_form(episode: Episode) -> CoordinatorForm:
    current = next(
        (
            m.id
            for m in services.members(episode, MemberStatus.ACTIVE)
            if m.user_id is not None and m.user_id == episode.coordinator_id
        ),
        None,
    )
    form = CoordinatorForm(prefix="coordinator", data={"member_id": current})
    form.member_id.choices = _member_choices(episode, True)
    return form


def _lead_context(episode: Episode) -> dict:
    """What the lead page says of who acts in eCAF for a lead professional without an account
    (the child, a parent or a carer): the coordinator by default, else someone to name."""
    practitioners = [
        m for m in services.members(episode, MemberStatus.ACTIVE) if m.user_id is not None
    ]
    return {
        "coordinator": episode.coordinator,
        "practitioners": practitioners,
        "lead_member": services.lead_member(episode),
        "lead_summary": services.lead_professional_summary(episode),
    }


def _task(episode: Episode, template: str, form, **context):
    """One task of the team's, on a page of its own (GOV.UK: one thing per page)."""
    return render_template(
        f"tac/{template}.html",
        episode=episode,
        form=form,
        back=url_for(".team", episode_id=episode.id),
        **context,
    )


def _meeting_task(episode: Episode) -> dict | None:
    """Recording a TAC meeting, for who may: the record being written, or a new one."""
    if not _may_manage(episode):
        return None
    open_record = next(
        (
            response
            for response in assessments.responses_of(db.session, episode.id)
            if assessments.kind(response).name == "tac" and not response.is_completed
        ),
        None,
    )
    if open_record is not None:
        return {"continue": open_record}
    return {"start": KINDS["tac"]}


def _page(episode: Episode):
    members = services.members(episode)
    return render_template(
        "tac/team.html",
        episode=episode,
        members=members,
        former=services.members(episode, MemberStatus.REMOVED, MemberStatus.DECLINED),
        may_manage=_may_manage(episode),
        # A shielded child's family are reached through the borough CAF contact.
        family_contacts_withheld=hides_contacts_from(current_user, episode.child),
        is_member=any(m.user_id == current_user.id for m in members),
        lead_member=services.lead_member(episode),
        acting_for_lead=services.acting_for_lead(episode),
        lead_summary=services.lead_professional_summary(episode),
        meeting=_meeting_task(episode),
        confirm=ConfirmForm(),
        join_form=JoinForm(formdata=None, prefix="join"),
        handovers=db.session.scalars(
            select(LeadProfessionalChange)
            .where(LeadProfessionalChange.episode_id == episode.id)
            .order_by(LeadProfessionalChange.proposed_at)
        ).all(),
        MemberKind=MemberKind,
        HandoverStatus=HandoverStatus,
    )


@bp.route("/episodes/<int:episode_id>/tac")
@requires(Permission.EPISODE_VIEW)
def team(episode_id: int):
    return _page(visible_episode(episode_id))


@bp.route("/episodes/<int:episode_id>/tac/invite", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def invite(episode_id: int):
    episode = _managed_episode(episode_id)
    form = InviteForm(prefix="invite")
    if form.validate_on_submit():
        invitee = find_user_by_email(db.session, form.email.data)
        public_interest = form.public_interest()
        try:
            if invitee is None:
                raise services.TacRefused(
                    "No practitioner has an eCAF account with that email address", "email"
                )
            services.invite_practitioner(
                db.session,
                episode,
                current_user,
                invitee,
                form.role.data or "",
                public_interest=public_interest,
                client_address=client_address(),
            )
        except services.TacRefused as refused:
            db.session.rollback()
            audited_refusal(
                episode,
                str(refused),
                attempted="invite to the team around the child",
                organisation_id=invitee.organisation_id if invitee else None,
            )
            db.session.commit()
            getattr(form, refused.field or "email").errors = [str(refused)]
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitee.full_name}")
            return redirect(url_for(".team", episode_id=episode.id))
    return _task(episode, "invite", form)


@bp.route("/episodes/<int:episode_id>/tac/join", methods=["POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def join(episode_id: int):
    """The assessor or coordinator convening the team adds themselves to it."""
    episode = _managed_episode(episode_id)
    if not JoinForm(prefix="join").validate_on_submit():
        abort(400)
    if services.join(db.session, episode, current_user):
        db.session.commit()
        flash("You are now a member of the team")
    return redirect(url_for(".team", episode_id=episode.id))


@bp.route("/episodes/<int:episode_id>/tac/family", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def add_family(episode_id: int):
    episode = _managed_episode(episode_id)
    form = FamilyMemberForm(prefix="family")
    if form.validate_on_submit():
        member = services.add_family_member(
            db.session,
            episode,
            current_user,
            MemberKind(form.kind.data),
            form.name.data,
            form.role.data,
            form.email.data or "",
            form.phone.data or "",
        )
        db.session.commit()
        flash(f"{member.name} has been added to the team")
        return redirect(url_for(".team", episode_id=episode.id))
    return _task(episode, "family", form)


def _member_of(episode: Episode, member_id: int) -> TacMember:
    member = db.session.get(TacMember, member_id)
    if member is None or member.episode_id != episode.id:
        abort(404)
    return member


@bp.route("/episodes/<int:episode_id>/tac/members/<int:member_id>/remove", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def remove(episode_id: int, member_id: int):
    episode = _managed_episode(episode_id)
    member = _member_of(episode, member_id)
    form = RemoveMemberForm()
    if form.validate_on_submit() and _committed(
        form.reason,
        lambda: services.remove(db.session, member, current_user, form.reason.data),
    ):
        flash(f"{member.name} has left the team and can no longer see the episode")
        return redirect(url_for(".team", episode_id=episode.id))
    return render_template("tac/remove.html", episode=episode, member=member, form=form)


@bp.route("/episodes/<int:episode_id>/tac/lead", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def lead(episode_id: int):
    episode = _managed_episode(episode_id)
    form = _lead_form(episode)
    if form.validate_on_submit():
        member = _member_of(episode, form.member_id.data)
        try:
            acting_member = _chosen_practitioner(episode, form.acting_member_id.data)
            if member.id == episode.lead_member_id and member.user_id is None:
                acting = services.change_acting_for_lead(
                    db.session, episode, current_user, acting_member
                )
                message = f"{acting.full_name} now takes the lead professional's steps in eCAF"
            else:
                change = services.nominate_lead_professional(
                    db.session, episode, current_user, member, form.note.data or "", acting_member
                )
                message = (
                    f"{change.to_member.name} is now the lead professional"
                    if change.status is HandoverStatus.ACCEPTED
                    else f"{change.to_member.name} has been asked to accept the handover"
                )
        except services.TacRefused as refused:
            db.session.rollback()
            field = refused.field if refused.field in ("note", "acting_member_id") else "member_id"
            getattr(form, field).errors = [str(refused)]
        else:
            db.session.commit()
            flash(message)
            return redirect(url_for(".team", episode_id=episode.id))
    return _task(episode, "lead", form, **_lead_context(episode))


def _chosen_practitioner(episode: Episode, member_id: int | None) -> TacMember | None:
    if member_id is None:
        return None
    member = db.session.get(TacMember, member_id) if member_id > 0 else None
    if member is None or member.episode_id != episode.id:
        raise services.TacRefused(
            "Select a practitioner in the team, with an eCAF account", "acting_member_id"
        )
    return member


@bp.route("/episodes/<int:episode_id>/tac/coordinator", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="tac")
def coordinator(episode_id: int):
    episode = _managed_episode(episode_id)
    form = _coordinator_form(episode)
    if form.validate_on_submit():
        member = _member_of(episode, form.member_id.data)
        if _committed(
            form.member_id,
            lambda: services.set_coordinator(db.session, episode, current_user, member),
        ):
            flash(f"{member.name} is now the episode coordinator")
            return redirect(url_for(".team", episode_id=episode.id))
    return _task(episode, "coordinator", form)


@bp.route("/tac/invitations/<int:member_id>", methods=["GET", "POST"])
@requires(Permission.EPISODE_VIEW)
def invitation(member_id: int):
    member = db.session.get(TacMember, member_id)
    if (
        member is None
        or member.user_id != current_user.id
        or member.status is not MemberStatus.INVITED
    ):
        abort(404)
    episode = db.session.get(Episode, member.episode_id)
    form = RespondForm()
    if form.validate_on_submit() and _committed(
        form.decision,
        lambda: services.respond(db.session, member, current_user, form.decision.data == "accept"),
    ):
        if member.is_active:
            flash("You have joined the team around the child")
            return redirect(url_for("episodes.show", episode_id=episode.id))
        flash("You have declined the invitation")
        return redirect(url_for("home.index"))
    return render_template("tac/invitation.html", member=member, episode=episode, form=form)


@bp.route("/tac/handovers/<int:change_id>", methods=["GET", "POST"])
@requires(Permission.EPISODE_VIEW)
def handover(change_id: int):
    change = db.session.get(LeadProfessionalChange, change_id)
    if (
        change is None
        or change.status is not HandoverStatus.PROPOSED
        or change.to_member.user_id != current_user.id
    ):
        abort(404)
    episode = db.session.get(Episode, change.episode_id)
    form = RespondForm()
    if form.validate_on_submit():
        services.decide_handover(db.session, change, current_user, form.decision.data == "accept")
        db.session.commit()
        flash(
            "You are now the lead professional"
            if form.decision.data == "accept"
            else "You have declined the handover"
        )
        return redirect(url_for("episodes.show", episode_id=episode.id))
    return render_template("tac/handover.html", change=change, episode=episode, form=form)
