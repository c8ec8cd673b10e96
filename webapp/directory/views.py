"""The service directory: search and read any borough's services; administrators add,
change and remove their own borough's.

A service outside the administrator's borough answers 404 to every maintenance page, and
the attempt is audited, so that guessing ids neither works nor goes unnoticed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires
from webapp.accounts.sessions import client_address
from webapp.boroughs.models import Borough
from webapp.directory import services
from webapp.directory.forms import ConfirmForm, SearchForm, ServiceForm
from webapp.directory.models import LEVEL_HINTS, AccessRoute, Service, ServiceLevel
from webapp.govuk_fields import show_errors
from webapp.pages import Saving

bp = Blueprint("directory", __name__, url_prefix="/directory")


def _maintained(service_id: int, attempted: str) -> Service:
    """The service, if the user may maintain it (their own borough's); otherwise 404, and
    the attempt is in the audit trail."""
    service = services.find(db.session, service_id)
    if service is None or not may(current_user, Permission.DIRECTORY_MAINTAIN, service):
        services.record_refusal(
            db.session,
            current_user,
            attempted,
            service_id,
            client_address=client_address(),
            service=service,
        )
        db.session.commit()
        abort(404)
    return service


def _may_maintain_here() -> bool:
    return may(current_user, Permission.DIRECTORY_MAINTAIN)


# --- search and read ------------------------------------------------------------------------


@bp.route("")
@requires(Permission.DIRECTORY_VIEW)
def search():
    boroughs = list(db.session.scalars(select(Borough).order_by(Borough.name)))
    form = SearchForm(formdata=request.args if request.args else None)
    form.borough.choices = [("all", "All boroughs")] + [
        (borough.code, borough.name) for borough in boroughs
    ]
    if not request.args or "borough" not in request.args:
        form.borough.data = current_user.borough.code
    results = None
    chosen = None
    if form.validate():
        chosen = next((item for item in boroughs if item.code == form.borough.data), None)
        results = services.search(
            db.session,
            services.DirectoryQuery(
                text=form.q.data or "",
                borough_id=chosen.id if chosen else None,
                levels=frozenset(ServiceLevel(value) for value in form.level.data or []),
                age=int(form.age.data) if form.age.data else None,
                residency=form.residency.data or "any",
                routes=frozenset(AccessRoute(value) for value in form.access.data or []),
                inactive_of_borough=current_user.borough_id
                if form.inactive.data and _may_maintain_here()
                else None,
                page=_page_number(),
            ),
        )
    return render_template(
        "directory/search.html",
        form=form,
        results=results,
        chosen=chosen,
        may_maintain=_may_maintain_here(),
        page_url=lambda number: url_for(".search", **_query_with(page=number)),
        filtered=bool(set(request.args) - {"borough", "page"}),
    )


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and len(number) < 6 else 1


def _query_with(**changes) -> dict:
    query = request.args.to_dict(flat=False)
    query.update({name: [str(value)] for name, value in changes.items()})
    return query


@bp.route("/services/<int:service_id>")
@requires(Permission.DIRECTORY_VIEW)
def show(service_id: int):
    service = services.find(db.session, service_id)
    if service is None:
        abort(404)
    return render_template(
        "directory/show.html",
        service=service,
        may_maintain=may(current_user, Permission.DIRECTORY_MAINTAIN, service),
        confirm=ConfirmForm(),
    )


# --- maintain ---------------------------------------------------------------------------------


@bp.route("/services/new", methods=["GET", "POST"])
@requires(Permission.DIRECTORY_MAINTAIN)
def new():
    form = ServiceForm()
    if form.validate_on_submit():
        saving = Saving(form, services.ServiceInvalid)
        with saving:
            service = services.create(
                db.session, current_user, form.details(), client_address=client_address()
            )
        if saving.committed:
            flash(f"‘{service.name}’ is now in the directory")
            return redirect(url_for(".show", service_id=service.id))
    return _edit_page(form, None)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@requires(Permission.DIRECTORY_MAINTAIN)
def edit(service_id: int):
    service = _maintained(service_id, "edit")
    form = ServiceForm()
    if request.method == "GET":
        form.fill(services.ServiceDetails.of(service), service.lock_version)
    elif form.validate_on_submit():
        try:
            changed = services.update(
                db.session,
                service,
                current_user,
                form.details(),
                expected_version=int(form.lock_version.data or 0),
                client_address=client_address(),
            )
        except services.ServiceInvalid as invalid:
            db.session.rollback()
            show_errors(form, invalid.errors)
        except services.StaleService as stale:
            db.session.rollback()
            service = _maintained(service_id, "edit")
            form.lock_version.data = str(service.lock_version)
            form.form_errors.append(str(stale))
        else:
            db.session.commit()
            flashes.saved_or_unchanged("Your changes have been saved", changed)
            return redirect(url_for(".show", service_id=service.id))
    return _edit_page(form, service)


def _edit_page(form: ServiceForm, service: Service | None):
    return render_template(
        "directory/edit.html",
        form=form,
        service=service,
        level_hints=[{"hint": {"text": LEVEL_HINTS[level]}} for level in ServiceLevel],
    )


@bp.route("/services/<int:service_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.DIRECTORY_MAINTAIN)
def deactivate(service_id: int):
    service = _maintained(service_id, "deactivate")
    confirm = ConfirmForm()
    if request.method == "POST":
        if not confirm.validate_on_submit():
            abort(400)
        services.set_active(
            db.session, service, current_user, False, client_address=client_address()
        )
        db.session.commit()
        flash(f"‘{service.name}’ has been removed from the directory")
        return redirect(url_for(".show", service_id=service.id))
    return render_template("directory/deactivate.html", service=service, confirm=confirm)


@bp.route("/services/<int:service_id>/reactivate", methods=["POST"])
@requires(Permission.DIRECTORY_MAINTAIN)
def reactivate(service_id: int):
    service = _maintained(service_id, "reactivate")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.set_active(db.session, service, current_user, True, client_address=client_address())
    db.session.commit()
    flash(f"‘{service.name}’ is back in the directory")
    return redirect(url_for(".show", service_id=service.id))
