from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import dbs_in_date, requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.children.models import Child
from webapp.consent import services as consent_services
from webapp.crossborough import services, transfers
from webapp.crossborough.forms import (
    AcceptTransferForm,
    JoinDecisionForm,
    JoinRequestForm,
    TransferLeadForm,
)
from webapp.crossborough.models import JoinRequest
from webapp.episodes import workflow
from webapp.episodes.models import Episode
from webapp.errors import render_error
from webapp.sharing import services as sharing
from webapp.sharing.requests import audited_refusal
from webapp.tac import services as tac
from webapp.tac.models import HandoverStatus, LeadProfessionalChange, MemberStatus
from webapp.workflow import StaleState

bp = Blueprint("crossborough", __name__)


# --- asking to join a team around the child ----------------------------------------------


def _searched_child(child_id: int) -> Child:
    """Asking to join starts from the child index: a child the user has not just found there
    is as good as missing."""
    child = db.session.get(Child, child_id)
    if child is None or not services.found_in_recent_search(db.session, current_user, child_id):
        abort(404)
    return child


@bp.route("/children/<int:child_id>/join-request", methods=["GET", "POST"])
@requires(Permission.TAC_REQUEST_JOIN)
def new_join_request(child_id: int):
    child = _searched_child(child_id)
    episode = services.open_episode_of(db.session, child)
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            services.request_to_join(
                db.session,
                episode,
                current_user,
                form.role.data,
                form.reason.data,
                client_address(),
            )
            db.session.commit()
        except (services.JoinRefused, IntegrityError) as problem:
            db.session.rollback()
            refused = (
                problem
                if isinstance(problem, services.JoinRefused)
                else services.JoinRefused("You have already asked to join this team")
            )
            services.record_refused_request(
                db.session, current_user, child, episode, refused, client_address()
            )
            db.session.commit()
            if refused.field:
                getattr(form, refused.field).errors = [str(refused)]
            else:
                form.form_errors.append(str(refused))
        else:
            flash(
                f"Your request has been sent to the {episode.borough.name} CAF contact. "
                "You will be told when they have decided."
            )
            return redirect(url_for(".my_join_requests"))
    return render_template(
        "crossborough/new_join_request.html",
        child=child,
        episode=episode,
        form=form,
        pending=services.find_pending(db.session, episode, current_user) if episode else None,
    )


@bp.route("/join-requests/mine")
@requires(Permission.TAC_REQUEST_JOIN)
def my_join_requests():
    return render_template(
        "crossborough/my_join_requests.html", requests=services.mine(db.session, current_user)
    )


# --- the borough CAF contact decides -------------------------------------------------------


@bp.route("/join-requests")
@requires(Permission.TAC_DECIDE_JOIN)
def join_requests():
    pending, decided = services.for_borough(db.session, current_user.borough_id)
    return render_template("crossborough/join_requests.html", pending=pending, decided=decided)


@bp.route("/join-requests/<int:request_id>", methods=["GET", "POST"])
@requires(Permission.TAC_DECIDE_JOIN)
def decide_join_request(request_id: int):
    request = visible_or_404(Permission.TAC_DECIDE_JOIN, db.session.get(JoinRequest, request_id))
    episode = request.episode
    form = JoinDecisionForm()
    if request.is_pending and form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            services.decide(
                db.session,
                request,
                current_user,
                approve=approve,
                comment=form.comment.data,
                public_interest=form.public_interest() if approve else None,
                client_address=client_address(),
            )
            db.session.commit()
        except services.JoinRefused as refused:
            db.session.rollback()
            if refused.sharing:
                audited_refusal(
                    episode,
                    str(refused),
                    attempted="approve a request to join the team around the child",
                    organisation_id=request.requester.organisation_id,
                )
                db.session.commit()
            getattr(form, refused.field or "decision").errors = [str(refused)]
        else:
            flash(
                f"{request.requester.full_name} is now in the team around the child"
                if approve
                else f"You have declined the request of {request.requester.full_name}"
            )
            return redirect(url_for(".join_requests"))
    elif not form.is_submitted():
        services.record_viewed(db.session, request, current_user, client_address())
        db.session.commit()
    return render_template(
        "crossborough/decide_join_request.html",
        request=request,
        episode=episode,
        form=form,
        consent=consent_services.status(db.session, episode),
        agency_consented=sharing.agency_has_consent(
            db.session, episode, request.requester.organisation_id, sensitive=True
        ),
        agency_basic_only=sharing.agency_has_consent(
            db.session, episode, request.requester.organisation_id
        ),
        requester_dbs_in_date=dbs_in_date(request.requester),
    )


# --- transfers to a new borough of residence ---------------------------------------------


@bp.route("/transfers")
@requires(Permission.EPISODE_RECEIVE_TRANSFER)
def transfers_list():
    return render_template(
        "crossborough/transfers.html",
        incoming=[
            (episode, transfers.transfer_step(db.session, episode))
            for episode in transfers.incoming(db.session, current_user)
        ],
        received=transfers.received(db.session, current_user),
    )


def _transfer_episode(episode_id: int) -> Episode:
    return visible_or_404(Permission.EPISODE_RECEIVE_TRANSFER, db.session.get(Episode, episode_id))


@bp.route("/transfers/<int:episode_id>", methods=["GET", "POST"])
@requires(Permission.EPISODE_RECEIVE_TRANSFER)
def transfer(episode_id: int):
    episode = _transfer_episode(episode_id)
    if not transfers.is_pending_for(current_user, episode):
        # Already accepted into the user's borough: the episode page is theirs now.
        return redirect(url_for("episodes.show", episode_id=episode.id))
    form = AcceptTransferForm()
    refusal: tuple[str, ...] = ()
    if form.validate_on_submit():
        try:
            outcome = transfers.accept(
                db.session,
                episode,
                current_user,
                expected_state=form.expected_state.data,
                comment=form.comment.data,
                client_address=client_address(),
            )
            db.session.commit()
        except (StaleState, StaleDataError):
            db.session.rollback()
            return render_error(409)
        except transfers.TransferRefused as refused:
            db.session.rollback()
            refusal = refused.reasons
        else:
            workflow.run_after_commit(db.session, episode_id, outcome, current_user)
            accepted = db.session.get(Episode, episode_id)
            flash(
                f"Transfer accepted. {accepted.borough.name} now holds CAF episode "
                f"{accepted.reference}."
            )
            return redirect(url_for("episodes.show", episode_id=episode_id))
    else:
        form.expected_state.data = episode.state
        transfers.record_viewed(db.session, episode, current_user, client_address())
        db.session.commit()
    step = None
    if not refusal:
        try:
            step = transfers.acceptance(db.session, episode, current_user)
        except transfers.TransferRefused as refused:
            refusal = refused.reasons
    return render_template(
        "crossborough/transfer.html",
        episode=episode,
        form=form,
        step=step,
        refusal=refusal,
        transfer_step=transfers.transfer_step(db.session, episode),
        states=workflow.definition_for(episode).states,
        members=tac.members(episode, MemberStatus.ACTIVE),
        consent=consent_services.status(db.session, episode),
    )


@bp.route("/transfers/<int:episode_id>/lead-professional", methods=["GET", "POST"])
@requires(Permission.EPISODE_RECEIVE_TRANSFER)
def lead_professional(episode_id: int):
    """The receiving borough's CAF contact hands the lead professional role on, through the
    team's own handover: the new lead professional accepts it."""
    episode = _transfer_episode(episode_id)
    if transfers.is_pending_for(current_user, episode):
        return redirect(url_for(".transfer", episode_id=episode.id))
    form = TransferLeadForm()
    active = [
        member
        for member in tac.members(episode, MemberStatus.ACTIVE)
        if member.user_id is not None and member.id != episode.lead_member_id
    ]
    form.member_id.choices = [("", "Select a member of the team")] + [
        (member.id, f"{member.name} ({member.role or member.kind.title})") for member in active
    ]
    if form.validate_on_submit():
        member = next(m for m in active if m.id == form.member_id.data)
        try:
            change = tac.nominate_lead_professional(
                db.session, episode, current_user, member, form.note.data
            )
        except tac.TacRefused as refused:
            db.session.rollback()
            field = form.note if refused.field == "note" else form.member_id
            field.errors = [str(refused)]
        else:
            db.session.commit()
            if change.status is HandoverStatus.ACCEPTED:
                flash(f"{member.name} is now the lead professional")
            else:
                flash(f"{member.name} has been asked to accept the handover")
            return redirect(url_for("tac.team", episode_id=episode.id))
    waiting = db.session.scalars(
        select(LeadProfessionalChange).where(
            LeadProfessionalChange.episode_id == episode.id,
            LeadProfessionalChange.status == HandoverStatus.PROPOSED,
        )
    ).first()
    return render_template(
        "crossborough/lead_professional.html", episode=episode, form=form, waiting=waiting
    )
