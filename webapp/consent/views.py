import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import (
    may_edit_part,
    refuse,
    require_part,
    requires,
    requires_episode,
    visible_episode,
)
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited, audited_about, audited_episode
from webapp.centres import services as centres
from webapp.centres.forms import StartFromRegistrationForm
from webapp.centres.models import COVERS
from webapp.consent import refusals, services
from webapp.consent.forms import (
    ConsentForm,
    ConsentReviewForm,
    RefusalForm,
    RefusalNoteForm,
    WithdrawConsentForm,
)
from webapp.consent.models import (
    Consent,
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    ReviewOutcome,
)
from webapp.episodes import workflow
from webapp.episodes.models import Episode
from webapp.errors import render_error
from webapp.govuk_fields import show_errors
from webapp.uploads import services as uploads
from webapp.uploads.forms import SignedStatementForm
from webapp.views_kit import agency_choices

bp = Blueprint("consent", __name__)


def _consent(episode: Episode, consent_id: int, *, current_only: bool) -> Consent:
    """The episode's consent record, or an audited 404."""
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.episode_id != episode.id:
        refuse(404, "no such consent on this episode", episode, consent_id=consent_id)
    if current_only and not consent.is_current:
        refuse(404, "consent is not current", episode, consent_id=consent_id)
    return consent


def _audit_refused_fields(episode: Episode, fields, **detail) -> None:
    """A POST whose fields were refused (missing, or forged: values not offered)."""
    audited_episode(
        "access.refused",
        episode,
        path=request.path,
        method=request.method,
        reason="fields refused",
        fields=sorted(fields),
        **detail,
    )
    db.session.commit()


def _with_errors(form) -> list[str]:
    return [field.name for field in form if field.errors]


def _submitted(form, episode: Episode, **detail) -> bool:
    """Whether the form was sent and valid; a sent form with refused fields is audited."""
    submitted = form.validate_on_submit()
    if request.method == "POST" and not submitted:
        _audit_refused_fields(episode, _with_errors(form), **detail)
    return submitted


def _refused_by_rules(form, episode: Episode, invalid: services.ConsentInvalid, **detail):
    """The consent rules refused the answers: nothing is kept, each field shows its
    message, and the refusal is audited."""
    db.session.rollback()
    show_errors(form, invalid.errors)
    _audit_refused_fields(episode, invalid.errors, **detail)


def _episode_consent(episode_id: int, consent_id: int, *, current_only: bool):
    """The episode and its consent record, for a page that changes the consent."""
    episode = visible_episode(episode_id)
    consent = _consent(episode, consent_id, current_only=current_only)
    require_part(episode, "consent")
    return episode, consent


def _may_edit_consent(episode: Episode) -> bool:
    return may_edit_part(current_user, episode, "consent")


@bp.route("/episodes/<int:episode_id>/consent")
@requires(Permission.EPISODE_VIEW)
def overview(episode_id: int):
    episode = visible_episode(episode_id)
    audited_episode(
        "consent.viewed",
        episode,
    )
    db.session.commit()
    return render_template(
        "consent/overview.html",
        episode=episode,
        consent=services.status(db.session, episode),
        reviews=services.reviews_of(db.session, episode),
        today=date.today(),
        may_edit=_may_edit_consent(episode),
        registrations=centres.usable_for_caf(db.session, current_user, episode, date.today()),
        start_form=StartFromRegistrationForm(),
        covers=COVERS,
    )


def _input_from(form: ConsentForm) -> services.ConsentInput:
    def yes_no(value):
        return None if value not in ("yes", "no") else value == "yes"

    return services.ConsentInput(
        given_by=ConsentGiver(form.given_by.data),
        decision=ConsentDecision(form.decision.data),
        method=ConsentMethod(form.method.data),
        given_on=form.given_on.data,
        review_on=form.review_on.data,
        given_by_name=form.given_by_name.data or "",
        relationship_to_child=form.relationship_to_child.data or "",
        has_parental_responsibility=yes_no(form.parental_responsibility.data),
        child_has_sufficient_understanding=yes_no(form.sufficient_understanding.data),
        understanding_judgement=form.understanding_judgement.data or "",
        scope=frozenset(form.scope.data or ()),
        organisation_ids=tuple(form.agencies.data or ()),
        other_services=tuple(
            line.strip() for line in (form.other_services.data or "").splitlines() if line.strip()
        ),
        not_to_share=form.not_to_share.data or "",
        points_explained=frozenset(form.points_explained.data or ()),
    )


@bp.route("/episodes/<int:episode_id>/consent/new", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def record(episode_id: int):
    episode = visible_episode(episode_id)
    require_part(episode, "consent")
    form = ConsentForm()
    form.agencies.choices = agency_choices(episode)
    if _submitted(form, episode):
        try:
            consent = services.record(
                db.session, episode, current_user, _input_from(form), date.today()
            )
        except services.ConsentInvalid as invalid:
            _refused_by_rules(form, episode, invalid)
        else:
            db.session.commit()
            if consent.decision is ConsentDecision.REFUSED:
                flash("The refusal has been recorded. Nothing of the assessment will be stored.")
            else:
                flash("Consent has been recorded")
            return redirect(url_for(".overview", episode_id=episode.id))
    return render_template(
        "consent/record.html",
        episode=episode,
        form=form,
        child=episode.child,
        age=_age(episode.child.date_of_birth),
        record_agreed=services.record_ever_agreed(db.session, episode),
    )


def _yes_no(value):
    return None if value not in ("yes", "no") else value == "yes"


@bp.route("/episodes/<int:episode_id>/consent/refusal", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def refusal(episode_id: int):
    """The family refused before agreeing to anything being recorded: nothing of the CAF is
    kept, and the practitioner takes a note for their own files (guidance 4.16-4.18)."""
    episode = visible_episode(episode_id)
    require_part(episode, "consent")
    initial_state = workflow.definition_for(episode).initial
    reason = refusals.why_not(db.session, episode, initial_state)
    if reason:
        return _refusal_not_possible(episode, reason)
    form = RefusalForm()
    if _submitted(form, episode):
        data = refusals.input_from(
            form.refused.data,
            form.comment.data,
            given_by=form.given_by.data,
            method=form.method.data,
            given_on=form.given_on.data,
            given_by_name=form.given_by_name.data,
            relationship_to_child=form.relationship_to_child.data,
            has_parental_responsibility=_yes_no(form.parental_responsibility.data),
            child_has_sufficient_understanding=_yes_no(form.sufficient_understanding.data),
            understanding_judgement=form.understanding_judgement.data,
        )
        try:
            outcome = refusals.record(
                db.session,
                episode,
                current_user,
                data,
                initial_state=initial_state,
                today=date.today(),
                client_address=client_address(),
            )
        except services.ConsentInvalid as invalid:
            _refused_by_rules(form, episode, invalid)
        except refusals.RefusalNotPossible as not_possible:
            db.session.rollback()
            return _refusal_not_possible(db.session.get(Episode, episode_id), not_possible.reason)
        else:
            db.session.commit()
            refusals.remove_files(outcome.erased.stored_paths)
            note_form = RefusalNoteForm(formdata=None, note=outcome.note.to_json())
            return render_template("consent/refused.html", note=outcome.note, form=note_form)
    return render_template(
        "consent/refusal.html",
        episode=episode,
        form=form,
        child=episode.child,
        age=_age(episode.child.date_of_birth),
    )


def _refusal_not_possible(episode: Episode, reason: str):
    """The episode must be kept (consent to record was given, or it has moved on): the
    attempt is audited and the page says what to do instead."""
    audited_episode(
        "access.refused",
        episode,
        path=request.path,
        method=request.method,
        reason="a refusal cannot erase this episode",
    )
    db.session.commit()
    return render_template("consent/refusal_kept.html", episode=episode, reason=reason), 409


@bp.route("/consent/refusal-note", methods=["POST"])
@requires(Permission.EPISODE_EDIT)
def refusal_note():
    """The refusal note as a Word document, built from what the page sends back: the server
    never held it. Audited without the child or any of its words."""
    form = RefusalNoteForm()
    if not form.validate_on_submit():
        return render_error(400)
    try:
        note = refusals.RefusalNote.from_json(form.note.data)
    except ValueError:
        return render_error(400)
    audited(
        "consent.refusal_note_downloaded",
        borough=current_user.borough.code if current_user.borough else "",
    )
    db.session.commit()
    response = send_file(
        io.BytesIO(refusals.note_docx(note)),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"refusal-note-{date.today():%Y-%m-%d}.docx",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/episodes/<int:episode_id>/consent/<int:consent_id>/withdraw", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def withdraw(episode_id: int, consent_id: int):
    episode, consent = _episode_consent(episode_id, consent_id, current_only=True)
    form = WithdrawConsentForm()
    if _submitted(form, episode, consent_id=consent.id):
        services.withdraw(db.session, consent, current_user, form.withdrawal_reason.data)
        db.session.commit()
        flash("Consent has been withdrawn. Nothing more will be shared.")
        return redirect(url_for("episodes.show", episode_id=episode.id))
    return render_template("consent/withdraw.html", episode=episode, consent=consent, form=form)


@bp.route("/episodes/<int:episode_id>/consent/<int:consent_id>/review", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def review(episode_id: int, consent_id: int):
    """Record a review of a consent with the family (its review date, or any time)."""
    episode, consent = _episode_consent(episode_id, consent_id, current_only=True)
    form = ConsentReviewForm()
    if _submitted(form, episode, consent_id=consent.id):
        try:
            recorded = services.record_review(
                db.session,
                consent,
                current_user,
                reviewed_on=form.reviewed_on.data,
                outcome=form.outcome.data,
                next_review_on=form.next_review_on.data,
                today=date.today(),
            )
        except services.ConsentInvalid as invalid:
            _refused_by_rules(form, episode, invalid, consent_id=consent_id)
        else:
            db.session.commit()
            if recorded.outcome is ReviewOutcome.WITHDRAW:
                flash("The review has been recorded. Now record what they said to withdraw.")
                return redirect(url_for(".withdraw", episode_id=episode.id, consent_id=consent_id))
            flash(
                "The review has been recorded. Consent is to be reviewed again by "
                f"{recorded.next_review_on:%-d %B %Y}."
            )
            return redirect(url_for(".overview", episode_id=episode.id))
    return render_template("consent/review.html", episode=episode, consent=consent, form=form)


@bp.route("/episodes/<int:episode_id>/consent/<int:consent_id>/statement", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def statement(episode_id: int, consent_id: int):
    """Upload the signed consent statement (a scan or photo of it, or the Word file)."""
    episode, consent = _episode_consent(episode_id, consent_id, current_only=False)
    form = SignedStatementForm()
    if _submitted(form, episode, consent_id=consent.id):
        try:
            stored = uploads.store(
                db.session,
                episode,
                current_user,
                request.files.get(form.statement.name),
                purpose="consent signed statement",
                client_address=client_address(),
            )
        except uploads.UploadRefused as refused:
            db.session.commit()  # the audit record of the refusal
            form.statement.errors = [str(refused)]
        else:
            consent.signed_statement_id = stored.id
            audited_about(
                "consent.statement_attached", consent, episode=episode, stored_file_id=stored.id
            )
            db.session.commit()
            flash("The signed statement has been uploaded")
            return redirect(url_for(".overview", episode_id=episode.id))
    return render_template("consent/statement.html", episode=episode, consent=consent, form=form)


def _age(born: date | None) -> int | None:
    if born is None:
        return None
    today = date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
