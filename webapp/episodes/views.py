from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import may_edit_part, requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.assessments import read_back
from webapp.assessments import services as form_services
from webapp.assessments.kinds import KINDS
from webapp.audit.requests import audited_episode
from webapp.boroughs.models import Borough
from webapp.consent import refusals
from webapp.consent import services as consent_services
from webapp.episodes import closure_request, next_step, step_done, workflow
from webapp.episodes.forms import SafeguardingReferralForm, TransferForm, TransitionForm
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.errors import render_error
from webapp.sharing import services as sharing_services
from webapp.tac import services as tac_services
from webapp.tac.models import MemberStatus
from webapp.views_kit import agency_choices
from webapp.workflow import (
    CommentRequired,
    StaleState,
    TransitionNotAllowed,
    UnknownTransition,
)

bp = Blueprint("episodes", __name__)


def _visible_episode(episode_id: int) -> Episode:
    return visible_or_404(Permission.EPISODE_VIEW, db.session.get(Episode, episode_id))


# What the episode page shows of the episode, read with it: the child and the history (with
# who took each step) would otherwise each be read as the page draws them.
SHOWN_WITH = (
    joinedload(Episode.child),
    selectinload(Episode.history).options(
        joinedload(EpisodeTransition.actor), joinedload(EpisodeTransition.on_behalf_of)
    ),
)


@bp.route("/episodes/<int:episode_id>")
@requires(Permission.EPISODE_VIEW)
def show(episode_id: int):
    episode = visible_or_404(
        Permission.EPISODE_VIEW, db.session.get(Episode, episode_id, options=SHOWN_WITH)
    )
    # The workflow facts, the refusal rule and consent at a glance all ask for the consents:
    # read them once.
    with consent_services.read_once(db.session):
        definition = workflow.definition_for(episode)
        facts = workflow.facts_for(db.session, episode)
        actions = [
            action
            for action in workflow.available_actions(db.session, episode, current_user, facts)
            if action.trigger != refusals.SUPERSEDED_STEP
        ]
        # A review that agreed to close makes the closure request the next step, not the next
        # review (which stays among the other steps).
        agreed = CLOSURE_REQUEST if facts.review_agrees_to_close else None
        described = next_step.describe(
            workflow.engine_for(episode), episode, facts, actions, agreed
        )
        page = {
            "episode": episode,
            "state": definition.states[episode.state],
            "states": definition.states,
            "actions": [action for action in actions if not action.refused_for_role],
            "refused_for_role": [action for action in actions if action.refused_for_role],
            "may_note_refusal": refusals.offered(db.session, current_user, episode),
            "consent": consent_services.status(db.session, episode),
            "decisions": sharing_services.register(db.session, episode),
            "lead_summary": tac_services.lead_professional_summary(episode),
            "member_phrase": tac_services.member_phrase,
            "next_step": described,
            **_next_button(episode, described.button),
            "workflow_title": definition.title,
        }
    # Everything the page shows is read before its audit event, so drawing it reads nothing
    # more, and the event is appended and committed last: on SQLite the write lock is held
    # for that alone (webapp/db.py), on PostgreSQL the audit chain's head likewise.
    audited_episode("episode.viewed", episode)
    db.session.commit()
    return render_template("episodes/show.html", **page)


#: The step a review that agreed to close leads to.
CLOSURE_REQUEST = "request_closure"

#: The page where each part an episode's next step may need is done, other than its forms.
PART_PAGES = {"consent": "consent.record", "tac": "tac.team"}


def _next_button(episode: Episode, button: next_step.NextButton | None) -> dict:
    """Where the main button goes: the step's own page, or the page where what it needs
    first is done, if this person may do it there (else there is no main button). A step
    that asks nothing, and a form not started yet, are one press: the button posts
    (`next_button_posts`) to take the step or start the form."""
    href, posts = None, False
    if button is None:
        pass
    elif button.trigger is not None:
        href = url_for(".take_step", episode_id=episode.id, trigger=button.trigger)
        posts = button.one_press
    elif button.part is not None and may_edit_part(current_user, episode, button.part):
        href, posts = _part_page(episode, button.part)
    return {"next_button_href": href, "next_button_posts": posts}


def _part_page(episode: Episode, part: str) -> tuple[str | None, bool]:
    """Where a part is worked on, and whether getting there starts a form (a POST)."""
    if part in PART_PAGES:
        return url_for(PART_PAGES[part], episode_id=episode.id), False
    kind = next((kind for kind in KINDS.values() if kind.part == part), None)
    if kind is None:
        return None, False
    draft = form_services.current_draft(db.session, episode.id, kind.name)
    if draft is not None:
        return url_for("assessments.task_list", episode_id=episode.id, response_id=draft.id), False
    if kind.started_by_workflow:
        return url_for("assessments.overview", episode_id=episode.id), False
    return url_for("assessments.start", episode_id=episode.id, kind_name=kind.name), True


# The step forms that ask more than a comment, by the transition's `form` name.
STEP_FORMS = {"transfer": TransferForm, "safeguarding_referral": SafeguardingReferralForm}


def _transition_form(episode: Episode, transition):
    form = STEP_FORMS.get(transition.form, TransitionForm)()
    if transition.requires_comment:
        form.require_comment(transition.comment_label, transition.comment_error)
    elif transition.comment_label != "Comment":
        form.comment.label.text = f"{transition.comment_label} (optional)"
    if isinstance(form, TransferForm):
        boroughs = db.session.scalars(
            select(Borough).where(Borough.id != episode.borough_id).order_by(Borough.name)
        )
        form.to_borough_id.choices = [("", "Select a borough")] + [
            (borough.id, borough.name) for borough in boroughs
        ]
    if isinstance(form, SafeguardingReferralForm):
        form.organisation_id.choices = agency_choices(episode, "Select an agency")
    return form


@bp.route("/episodes/<int:episode_id>/steps/<trigger>", methods=["GET", "POST"])
@requires(Permission.EPISODE_VIEW)
def take_step(episode_id: int, trigger: str):
    episode = _visible_episode(episode_id)
    if trigger == refusals.SUPERSEDED_STEP:
        return redirect(url_for("consent.refusal", episode_id=episode.id))
    definition = workflow.definition_for(episode)
    transition = definition.find_transition(trigger, episode.state)
    if transition is None:
        if request.method == "POST":
            audited_episode(
                "episode.transition.refused", episode, trigger=trigger[:60], reason="unknown"
            )
            db.session.commit()
            return render_error(409 if trigger in definition.triggers() else 404)
        abort(404)
    form = _transition_form(episode, transition)
    if request.method == "GET":
        form.expected_state.data = episode.state
    if not form.validate_on_submit():
        engine = workflow.engine_for(episode)
        availability = engine.check(
            transition,
            workflow.facts_for(db.session, episode),
            workflow.actor_for(current_user, episode),
        )
        return render_template(
            "episodes/step.html",
            episode=episode,
            transition=transition,
            form=form,
            availability=availability,
            who_can=next_step.who_can(engine, episode, transition),
            closure=_closure_to_decide(episode, transition) if availability.allowed else None,
            member_phrase=tac_services.member_phrase,
        )
    form_data = {"to_borough_id": getattr(form, "to_borough_id", None) and form.to_borough_id.data}
    if isinstance(form, TransferForm):
        form_data["public_interest"] = form.public_interest()
    if isinstance(form, SafeguardingReferralForm):
        form_data["referral"] = form.referral()
    try:
        _submit_closure_form(episode, transition)
        outcome = workflow.fire(
            db.session,
            episode.id,
            trigger,
            current_user,
            expected_state=form.expected_state.data,
            comment=form.comment.data,
            form_data=form_data,
            client_address=client_address(),
        )
        db.session.commit()
    except (StaleState, StaleDataError):
        return _refused(episode_id, trigger, "stale", 409)
    except CommentRequired as error:
        form.comment.errors = list(error.reasons)
        db.session.rollback()
        return _form_again(episode, transition, form)
    except (TransitionNotAllowed, UnknownTransition) as error:
        return _refused(episode_id, trigger, str(error), 403)
    except form_services.FormRefused as refusal:
        return _refused(episode_id, trigger, refusal.reason, 403)
    except (sharing_services.SharingRefused, sharing_services.SharingInvalid) as problem:
        # A transfer or referral the sharing rules refuse: audited, and the form says why.
        db.session.rollback()
        episode = db.session.get(Episode, episode_id)
        sharing_services.record_refusal(
            db.session,
            episode,
            current_user,
            problem,
            organisation_id=None,
            attempted=trigger,
            client_address=client_address(),
        )
        db.session.commit()
        if hasattr(form, "show_sharing_problem"):
            form.show_sharing_problem(problem)
        else:
            form.comment.errors = [str(problem)]
        return _form_again(episode, transition, form)
    workflow.run_after_commit(db.session, episode_id, outcome, current_user)
    flash(step_done.confirmation(transition, definition.states[outcome.firing.dest].title))
    return redirect(url_for(".show", episode_id=episode_id))


def _submit_closure_form(episode: Episode, transition) -> None:
    """A closure request sent from the closure form's check your answers page submits that
    form first, in the step's transaction: if the step is refused, neither happens."""
    response_id = request.form.get("closure_form", type=int)
    if response_id is None or transition.form != closure_request.CLOSURE_FORM:
        return
    response = form_services.find_response(db.session, episode.id, response_id)
    if response is None or form_services.kind(response).name != closure_request.CLOSURE_FORM:
        abort(404)
    if response.is_completed:
        return  # submitted before: the step judges it as it is
    # Who may send it is the step's to judge (its roles): refused, the submission rolls back.
    form_services.complete_response(
        db.session, response, current_user, client_address=client_address()
    )


def _form_again(episode: Episode, transition, form):
    """The step's form once more, saying what must change before the step can be taken."""
    return render_template(
        "episodes/step.html",
        episode=episode,
        transition=transition,
        form=form,
        availability=None,
    )


#: The condition that makes a step a decision on a closure request (approve, send back).
CLOSURE_DECISION = "approver_is_not_requester"


def _closure_to_decide(episode: Episode, transition) -> dict | None:
    """What a manager deciding on closure reads first: the request (who made it, when, and
    its comment), the closure form (the reason, the needs and their outcomes, the family's
    views), the last review and the team's last meeting, as they may read them; and who is
    in the team. Each form shown is audited as read."""
    if not any(use.name == CLOSURE_DECISION for use in transition.conditions):
        return None
    forms = {
        name: read_back.latest(db.session, episode, kind, current_user)
        for name, kind in (("closure_form", "closure"), ("review", "review"), ("meeting", "tac"))
    }
    for shown in forms.values():
        if shown is not None:
            audited_episode(
                "form.viewed",
                episode,
                shown_for=transition.trigger,
                **read_back.audit_detail(shown.response),
            )
    db.session.commit()
    requests = [entry for entry in episode.history if entry.to_state == episode.state]
    return {
        **forms,
        "request": requests[-1] if requests else None,
        "members": tac_services.members(episode, MemberStatus.ACTIVE),
    }


def _refused(episode_id: int, trigger: str, reason: str, status: int):
    db.session.rollback()
    episode = db.session.get(Episode, episode_id)
    audited_episode("episode.transition.refused", episode, trigger=trigger, reason=reason)
    db.session.commit()
    if status == 409:
        return render_error(409)
    if request.accept_mimetypes.best == "application/json":
        return {"error": reason, "status": status}, status
    return render_template(
        "episodes/refused.html", episode=episode, reason=reason, title="You cannot do this now"
    ), status
