"""Children's centre registration consent: record, see, review and withdraw it, and start a
CAF's consent from it."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import (
    may,
    refuse,
    require_part,
    requires,
    requires_episode,
    visible_or_404,
)
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_about
from webapp.centres import services
from webapp.centres.forms import (
    RegistrationForm,
    ReviewRegistrationForm,
    StartFromRegistrationForm,
    WithdrawRegistrationForm,
)
from webapp.centres.models import COVERS, CentreRegistration
from webapp.children.index import child_found_recently
from webapp.children.models import Child
from webapp.episodes.models import Episode
from webapp.pages import Saving

bp = Blueprint("centres", __name__)


def _yes_no(value):
    return None if value not in ("yes", "no") else value == "yes"


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def _registration(registration_id: int, permission: Permission) -> CentreRegistration:
    return visible_or_404(permission, db.session.get(CentreRegistration, registration_id))


def _child(child_id: int) -> Child:
    child = db.session.get(Child, child_id)
    if child is None or not child_found_recently(db.session, current_user.id, child_id):
        refuse(404, "child not in the user's recent index searches", requested_child=child_id)
    return child


def _input_from(form: RegistrationForm) -> services.RegistrationInput:
    return services.RegistrationInput(
        centre_id=form.centre.data if isinstance(form.centre.data, int) else -1,
        adult_name=form.adult_name.data or "",
        relationship_to_child=form.relationship_to_child.data or "",
        signed_as=form.signed_as.data or "",
        has_parental_responsibility=_yes_no(form.parental_responsibility.data),
        agree_to_record=_yes_no(form.agree_to_record.data),
        agree_to_share=_yes_no(form.agree_to_share.data),
        organisation_ids=tuple(form.partners.data or ()),
        other_services=_lines(form.other_services.data),
        points_explained=frozenset(form.points_explained.data or ()),
        signed_on=form.signed_on.data,
        review_on=form.review_on.data,
        other_child_references=_lines(form.other_children.data),
    )


@bp.route("/children/<int:child_id>/centre-registration", methods=["GET", "POST"])
@requires(Permission.CENTRE_REGISTRATION_RECORD)
def new(child_id: int):
    """Register a family at a children's centre, with their consent (DCSF 2010 annex)."""
    child = _child(child_id)
    centres = services.centres_for(db.session, current_user, child)
    form = RegistrationForm()
    form.centre.choices = [(-1, "Select a children's centre")] + [
        (centre.id, centre.name) for centre in centres
    ]
    if request.method == "GET" and len(centres) == 1:
        form.centre.data = centres[0].id
    form.partners.choices = [
        (organisation.id, organisation.name)
        for organisation in services.partner_choices(db.session, child.borough_id)
    ]
    if form.validate_on_submit():
        saving = Saving(form, services.RegistrationInvalid)
        with saving:
            registration = services.register(
                db.session,
                current_user,
                child,
                _input_from(form),
                date.today(),
                client_address(),
            )
        if saving.committed:
            if registration is None:
                return render_template("centres/nothing_kept.html")
            flash("The registration and the family's consent have been recorded")
            return redirect(url_for(".show", registration_id=registration.id))
    return render_template(
        "centres/new.html", form=form, child=child, centres=centres, covers=COVERS
    )


@bp.route("/centre-registrations")
@requires(Permission.CENTRE_REGISTRATION_VIEW)
def index():
    """The registrations of the user's own children's centre, reviews due first."""
    registrations = services.of_centre(db.session, current_user.organisation_id)
    return render_template(
        "centres/index.html",
        registrations=registrations,
        centre=current_user.organisation,
        today=date.today(),
    )


@bp.route("/centre-registrations/<int:registration_id>")
@requires(Permission.CENTRE_REGISTRATION_VIEW)
def show(registration_id: int):
    registration = _registration(registration_id, Permission.CENTRE_REGISTRATION_VIEW)
    audited_about("centre_registration.viewed", registration)
    db.session.commit()
    return render_template(
        "centres/show.html",
        registration=registration,
        covers=COVERS,
        today=date.today(),
        may_change=may(current_user, Permission.CENTRE_REGISTRATION_RECORD, registration),
    )


@bp.route("/centre-registrations/<int:registration_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.CENTRE_REGISTRATION_RECORD)
def withdraw(registration_id: int):
    registration = _registration(registration_id, Permission.CENTRE_REGISTRATION_RECORD)
    if not registration.is_current:
        refuse(404, "registration consent already withdrawn", registration)
    form = WithdrawRegistrationForm()
    if form.validate_on_submit():
        try:
            services.withdraw(db.session, registration, current_user, form.withdrawal_reason.data)
        except services.RegistrationInvalid as invalid:
            db.session.rollback()
            form.withdrawal_reason.errors = list(invalid.errors.values())
        else:
            db.session.commit()
            flash("The family's consent has been withdrawn: share nothing more")
            return redirect(url_for(".show", registration_id=registration.id))
    return render_template("centres/withdraw.html", form=form, registration=registration)


@bp.route("/centre-registrations/<int:registration_id>/review", methods=["GET", "POST"])
@requires(Permission.CENTRE_REGISTRATION_RECORD)
def review(registration_id: int):
    registration = _registration(registration_id, Permission.CENTRE_REGISTRATION_RECORD)
    if not registration.is_current:
        refuse(404, "registration consent withdrawn", registration)
    form = ReviewRegistrationForm()
    if form.validate_on_submit():
        saving = Saving(form, services.RegistrationInvalid)
        with saving:
            services.review(
                db.session,
                registration,
                current_user,
                reviewed_on=form.reviewed_on.data,
                next_review_on=form.next_review_on.data,
                comment=form.comment.data or "",
                today=date.today(),
            )
        if saving.committed:
            flash("The review has been recorded")
            return redirect(url_for(".show", registration_id=registration.id))
    return render_template("centres/review.html", form=form, registration=registration)


@bp.route(
    "/episodes/<int:episode_id>/consent/from-centre-registration/<int:registration_id>",
    methods=["POST"],
)
@requires_episode(Permission.EPISODE_EDIT, part="consent")
def start_caf_consent(episode_id: int, registration_id: int):
    """Start the CAF's consent from a registration, for what the registration covers."""
    episode = visible_or_404(Permission.EPISODE_EDIT, db.session.get(Episode, episode_id))
    require_part(episode, "consent")
    registration = _registration(registration_id, Permission.CENTRE_REGISTRATION_VIEW)
    form = StartFromRegistrationForm()
    if not form.validate_on_submit():
        refuse(400, "form not valid", episode)
    try:
        services.start_caf_consent(db.session, episode, registration, current_user, date.today())
    except services.RegistrationInvalid as invalid:
        db.session.rollback()
        flashes.important(invalid.errors["registration"])
        return redirect(url_for("consent.overview", episode_id=episode.id))
    db.session.commit()
    flash(
        "Consent started from the children's centre registration: basic information, kept and "
        "shared with its partner agencies. Record the family's consent to the assessment next."
    )
    return redirect(url_for("consent.overview", episode_id=episode.id))
