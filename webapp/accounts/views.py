from __future__ import annotations

import math

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import public, requires
from webapp.accounts import (
    known_devices,
    resets,
    services,
    setup_links,
    two_factor,
    two_factor_views,
)
from webapp.accounts.forms import ForgottenPasswordForm, SetPasswordForm, SignInForm, SignOutForm
from webapp.accounts.models import LinkPurpose
from webapp.accounts.passwords import passwords
from webapp.accounts.sessions import client_address, mark_active, safe_local_path, seconds_left
from webapp.accounts.sign_in_steps import carried_from_form, complete_sign_in, throttle_rules
from webapp.audit import services as audit

bp = Blueprint("accounts", __name__)

SIGN_IN_REFUSED = "Enter a correct email address and password"


def _seconds(count: int) -> str:
    return "1 second" if count == 1 else f"{count} seconds"


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if not form.validate_on_submit():
        return _render_sign_in(form, carried=carried_from_form())
    outcome = services.sign_in(
        db.session,
        passwords(),
        throttle_rules(),
        form.email.data,
        form.password.data,
        client_address(),
        known_device=known_devices.recognises(request, form.email.data),
        second_step=two_factor.needs_second_step,
    )
    db.session.commit()
    if outcome.result is services.SignInResult.SLOWED:
        wait = outcome.retry_after_seconds
        form.form_errors.append(
            "There have been too many attempts to sign in from your network. "
            f"Wait {_seconds(wait)}, then try again."
        )
        response = make_response(_render_sign_in(form, carried=carried_from_form()), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    if outcome.result is services.SignInResult.LOCKED:
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        form.form_errors.append(
            f"You have entered incorrect details too many times. Wait {minutes} minutes, "
            "then try again."
        )
        return _render_sign_in(form, carried=carried_from_form()), 429
    if outcome.result is services.SignInResult.REFUSED:
        form.form_errors.append(SIGN_IN_REFUSED)
        return _render_sign_in(form, carried=carried_from_form()), 200
    next_page = safe_local_path(request.args.get("next"))
    if outcome.result is services.SignInResult.SECOND_STEP:
        return two_factor_views.begin_second_step(outcome.user, next_page, carried_from_form())
    response = make_response(complete_sign_in(outcome.user, next_page))
    known_devices.remember(request, response, outcome.user.email)
    return response


def _render_sign_in(form, carried=None, timed_out=False):
    return render_template(
        "accounts/sign_in.html", form=form, carried=carried or [], timed_out=timed_out
    )


@bp.route("/sign-out", methods=["POST"])
@requires(Permission.HOME_VIEW)
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        audit.record(
            db.session, "auth.sign_out", actor_id=current_user.id, client_address=client_address()
        )
        db.session.commit()
        logout_user()
        session.clear()  # ends this session; the account's others go on
        flash("You have signed out")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/session/status")
@requires(Permission.HOME_VIEW)
def session_status():
    return jsonify(seconds_left=seconds_left())


@bp.route("/session/extend", methods=["POST"])
@requires(Permission.HOME_VIEW)
def extend_session():
    form = SignOutForm()  # only its CSRF check is needed
    if not form.validate_on_submit():
        return jsonify(error="csrf"), 400
    mark_active()
    return jsonify(seconds_left=seconds_left())


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@public  # the person has no password yet: the single-use token in the link is the check
def set_password(token: str):
    link = setup_links.find_valid(db.session, token, for_update=request.method == "POST")
    if link is None:
        return render_template("accounts/set_password_invalid.html"), 404
    resetting = link.purpose is LinkPurpose.RESET
    form = SetPasswordForm(account=link.user)
    if resetting:
        form.submit.label.text = "Change your password"
    if form.validate_on_submit():
        setup_links.redeem(
            db.session, link, passwords(), form.password.data, client_address=client_address()
        )
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(
            "Your password has been changed. You have been signed out everywhere else. "
            "Sign in with your email address and new password."
            if resetting
            else "Your password has been set. Sign in with your email address and new password."
        )
        return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/set_password.html", form=form, account=link.user, resetting=resetting
    )


def _reset_limits() -> resets.ResetLimits:
    config = current_app.config
    return resets.ResetLimits(
        per_email=int(config["PASSWORD_RESETS_PER_EMAIL_PER_HOUR"]),
        per_address=int(config["PASSWORD_RESETS_PER_ADDRESS_PER_HOUR"]),
    )


@bp.route("/account/forgotten-password", methods=["GET", "POST"])
@public  # for people who cannot sign in; the link goes only to the account's own address
def forgotten_password():
    form = ForgottenPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgotten_password.html", form=form)
    outcome = resets.request_reset(db.session, form.email.data, client_address(), _reset_limits())
    db.session.commit()
    if outcome.answer is resets.ResetAnswer.SLOWED:
        minutes = max(1, math.ceil(outcome.retry_after_seconds / 60))
        form.form_errors.append(
            "There have been too many requests from your network. "
            f"Wait {minutes} minute{'s' if minutes != 1 else ''}, then try again."
        )
        response = make_response(render_template("accounts/forgotten_password.html", form=form))
        response.status_code = 429
        response.headers["Retry-After"] = str(outcome.retry_after_seconds)
        return response
    # The same answer whether or not the address has an account.
    return render_template(
        "accounts/check_email.html",
        email=services.normalise_email(form.email.data),
        valid_minutes=int(setup_links.RESET_VALID_FOR.total_seconds() // 60),
    )
