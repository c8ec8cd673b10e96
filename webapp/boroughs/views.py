"""/admin/boroughs: the system administrator's list of local authorities, adding one (with
its first administrator), and adding organisations to it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.boroughs import onboarding
from webapp.boroughs.forms import NewBoroughForm, NewOrganisationForm
from webapp.pages import Saving
from webapp.useradmin import services as account_services

bp = Blueprint("boroughs", __name__, url_prefix="/admin/boroughs")


@bp.route("")
@requires(Permission.SYSTEM_ADMINISTER)
def index():
    boroughs = onboarding.boroughs(db.session)
    return render_template(
        "boroughs/index.html",
        boroughs=boroughs,
        accounts={b.id: onboarding.accounts_count(db.session, b.id) for b in boroughs},
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.SYSTEM_ADMINISTER)
def new():
    form = NewBoroughForm()
    if form.validate_on_submit():
        saving = Saving(form, onboarding.OnboardingInvalid)
        with saving:
            onboarded = onboarding.add_borough(
                db.session,
                form.details(),
                current_user,
                administrator=onboarding.AdministratorDetails(
                    full_name=form.admin_name.data or "", email=form.admin_email.data or ""
                ),
                client_address=client_address(),
            )
        if saving.committed:
            flash(
                f"{onboarded.borough.name} has been added. We have sent a link to set a "
                f"password to its administrator, {onboarded.administrator.email}"
            )
            return redirect(url_for(".show", borough_id=onboarded.borough.id))
    status = 400 if form.errors else 200
    return render_template("boroughs/new.html", form=form), status


@bp.route("/<int:borough_id>")
@requires(Permission.SYSTEM_ADMINISTER)
def show(borough_id: int):
    borough = visible_or_404(Permission.SYSTEM_ADMINISTER, onboarding.find(db.session, borough_id))
    administrators = [
        account
        for account in account_services.accounts_of(db.session, borough.id).accounts
        if account.has_role(Role.BOROUGH_ADMIN)
    ]
    return render_template(
        "boroughs/show.html",
        borough=borough,
        organisations=account_services.organisations_of(db.session, borough.id),
        administrators=administrators,
        accounts=onboarding.accounts_count(db.session, borough.id),
    )


@bp.route("/<int:borough_id>/organisations/new", methods=["GET", "POST"])
@requires(Permission.SYSTEM_ADMINISTER)
def new_organisation(borough_id: int):
    borough = visible_or_404(Permission.SYSTEM_ADMINISTER, onboarding.find(db.session, borough_id))
    form = NewOrganisationForm()
    if form.validate_on_submit():
        saving = Saving(form, onboarding.OnboardingInvalid)
        with saving:
            organisation = onboarding.add_organisation(
                db.session, borough, form.details(), current_user, client_address=client_address()
            )
        if saving.committed:
            flash(f"{organisation.name} has been added to {borough.name}")
            return redirect(url_for(".show", borough_id=borough.id))
    status = 400 if form.errors else 200
    return render_template("boroughs/new_organisation.html", form=form, borough=borough), status
