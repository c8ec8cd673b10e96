"""The borough's user accounts, kept by its administrators in the browser.

An account outside the administrator's borough (or a system administrator's) answers 404
to every page, and the attempt is audited, so that guessing ids neither works nor goes
unnoticed. No page sets or shows a password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission, Role
from webapp.access.policy import may, requires
from webapp.accounts.models import User
from webapp.accounts.sessions import client_address
from webapp.govuk_fields import show_errors
from webapp.useradmin import grants, services
from webapp.useradmin.forms import (
    ROLE_HINTS,
    AccountForm,
    ConfirmForm,
    NewAccountForm,
    SearchForm,
    StatusForm,
)
from webapp.useradmin.services import ASSIGNABLE_ROLES, AccountDetails, DbsStatus

bp = Blueprint("useradmin", __name__, url_prefix="/admin/users")

DBS_TAGS = {
    DbsStatus.OUT_OF_DATE: ("Out of date", "govuk-tag--red"),
    DbsStatus.NOT_RECORDED: ("Not recorded", "govuk-tag--red"),
    DbsStatus.DUE_SOON: ("Due within 60 days", "govuk-tag--yellow"),
}


def _maintained(account_id: int, attempted: str) -> User:
    """The account, if the administrator may maintain it; otherwise 404, audited."""
    account = services.find(db.session, account_id)
    if account is None or not may(current_user, Permission.USER_ACCOUNTS_MAINTAIN, account):
        services.record_refusal(
            db.session,
            current_user,
            attempted,
            account_id,
            account=account,
            client_address=client_address(),
        )
        db.session.commit()
        abort(404)
    return account


def _set_choices(form: AccountForm) -> None:
    form.organisation.choices = [("", "Select an organisation")] + [
        (str(organisation.id), organisation.name)
        for organisation in services.organisations_of(db.session, current_user.borough_id)
    ]


def _role_items(form: AccountForm) -> list[dict]:
    return [{"hint": {"text": ROLE_HINTS[role]}} for role in ASSIGNABLE_ROLES]


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and len(number) < 6 else 1


def _waiting_message(roles: frozenset[Role]) -> str:
    titles = " and ".join(role.title for role in ASSIGNABLE_ROLES if role in roles)
    return (
        f"Another administrator must approve the role {titles} before the person has it. "
        "We have asked your borough's other administrators"
    )


@bp.app_template_filter("dbs_tag")
def dbs_tag(account: User):
    return DBS_TAGS.get(services.dbs_status(account))


@bp.route("")
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def index():
    form = SearchForm(formdata=request.args if request.args else None)
    text = (form.q.data or "") if form.validate() else ""
    page = services.accounts_of(db.session, current_user.borough_id, text, _page_number())
    return render_template(
        "useradmin/index.html",
        form=form,
        page=page,
        text=text,
        page_url=lambda number: url_for(".index", q=text or None, page=number),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def new():
    form = NewAccountForm()
    _set_choices(form)
    if form.validate_on_submit():
        try:
            account = services.create(
                db.session,
                current_user,
                form.full_name.data,
                form.email.data,
                form.details(),
                client_address=client_address(),
            )
        except services.AccountInvalid as invalid:
            db.session.rollback()
            _set_choices(form)
            show_errors(form, invalid.errors)
        else:
            waiting = grants.waiting_roles(db.session, account)
            db.session.commit()
            flash(f"Account created. We have sent a link to set a password to {account.email}")
            if waiting:
                flashes.important(_waiting_message(waiting))
            return redirect(url_for(".show", account_id=account.id))
    return render_template("useradmin/new.html", form=form, role_items=_role_items(form))


@bp.route("/<int:account_id>")
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def show(account_id: int):
    account = _maintained(account_id, "view")
    return render_template(
        "useradmin/show.html",
        account=account,
        history=services.status_history(db.session, account),
        has_password=services.has_password(account),
        is_self=account.id == current_user.id,
        is_manager=account.has_role(Role.MANAGER),
        waiting=grants.waiting_for(db.session, account),
    )


@bp.route("/<int:account_id>/edit", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def edit(account_id: int):
    account = _maintained(account_id, "edit")
    form = AccountForm()
    _set_choices(form)
    if request.method == "GET":
        form.fill(AccountDetails.of(account))
        form.seen.data = services.seen_token(account)
    elif form.validate_on_submit():
        try:
            changes = services.update(
                db.session,
                account,
                current_user,
                form.details(),
                seen=form.seen.data or "",
                client_address=client_address(),
            )
        except services.AccountInvalid as invalid:
            db.session.rollback()
            account = _maintained(account_id, "edit")
            _set_choices(form)
            show_errors(form, invalid.errors)
            # What they entered stays on the page; saving again applies it over the change.
            form.seen.data = services.seen_token(account)
        else:
            db.session.commit()
            requested = changes.pop("roles_requested", None)
            if changes or not requested:
                flashes.saved_or_unchanged("The account has been changed", changes)
            if requested:
                flashes.important(
                    _waiting_message(frozenset(Role(value) for value in requested[1]))
                )
            return redirect(url_for(".show", account_id=account.id))
    return render_template(
        "useradmin/edit.html", form=form, account=account, role_items=_role_items(form)
    )


def _change_status(account_id: int, active: bool):
    attempted = "reactivate" if active else "deactivate"
    account = _maintained(account_id, attempted)
    form = StatusForm()
    if account.active is active:
        flashes.important(
            "The account is already active" if active else "The account is already deactivated"
        )
        return redirect(url_for(".show", account_id=account.id))
    if form.validate_on_submit():
        try:
            services.set_active(
                db.session,
                account,
                current_user,
                active,
                form.reason.data,
                client_address=client_address(),
            )
        except services.AccountInvalid as invalid:
            db.session.rollback()
            account = _maintained(account_id, attempted)
            form.reason.errors = [invalid.errors["reason"]]
        else:
            db.session.commit()
            flash(
                f"{account.full_name}’s account has been "
                + ("reactivated" if active else "deactivated. They have been signed out")
            )
            return redirect(url_for(".show", account_id=account.id))
    return render_template(
        "useradmin/status.html",
        form=form,
        account=account,
        active=active,
        is_self=account.id == current_user.id,
    )


@bp.route("/<int:account_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def deactivate(account_id: int):
    return _change_status(account_id, False)


@bp.route("/<int:account_id>/reactivate", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def reactivate(account_id: int):
    return _change_status(account_id, True)


@bp.route("/<int:account_id>/set-password-link", methods=["POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def new_link(account_id: int):
    account = _maintained(account_id, "set_password_link")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sent = services.new_setup_link(
        db.session, account, current_user, client_address=client_address()
    )
    if not sent:
        flashes.important(
            "A new link can only be sent for an active account whose owner has not set a "
            "password yet"
        )
        return redirect(url_for(".show", account_id=account.id))
    db.session.commit()
    flash(f"We have sent a new link to set a password to {account.email}")
    return redirect(url_for(".show", account_id=account.id))
