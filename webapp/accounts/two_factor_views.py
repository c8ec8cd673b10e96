"""The second step of signing in (a code from the authenticator app, a recovery code, or
setting the app up), and the person's own account page with their recovery codes.

Between the password and the second step nobody is signed in: the browser's session holds
only the token of a `TwoFactorChallenge`, which lasts a few minutes. The pages of the second
step are public in the access policy's sense; the token is their check, and without a live
one they send the person back to sign in."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import public, requires
from webapp.accounts import known_devices, two_factor
from webapp.accounts.models import TwoFactorChallenge, User
from webapp.accounts.passwords import passwords
from webapp.accounts.sessions import client_address
from webapp.accounts.sign_in_steps import carried_from_form, complete_sign_in, throttle_rules
from webapp.accounts.two_factor import CodeResult
from webapp.accounts.two_factor_forms import AppCodeForm, RecoveryCodeForm
from webapp.audit import services as audit

bp = Blueprint("two_factor", __name__)

SESSION_KEY = "two_factor_challenge"
EXPIRED = "Your sign-in timed out before you entered a code. Sign in again"
WRONG_APP_CODE = "Enter the code your authenticator app shows now"
REUSED_APP_CODE = (
    "That code has been used already. Wait for your app to show a new code, then enter it"
)
WRONG_RECOVERY_CODE = "Enter a recovery code that you have not used before"


def _locked_message() -> str:
    minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
    return (
        f"You have entered incorrect codes too many times. Wait {minutes} minutes, "
        "then sign in again"
    )


def begin_second_step(user: User, next_page: str | None, carried: list[tuple[str, str]]):
    """After the right password: the person is not signed in until the second step."""
    token = two_factor.start_challenge(db.session, user, next_page)
    db.session.commit()
    session[SESSION_KEY] = token
    if carried:  # fields carried through an idle time-out: keep them in the page
        challenge = two_factor.find_challenge(db.session, token)
        if two_factor.is_enrolled(user):
            return _render_code_page(AppCodeForm(formdata=None), carried)
        page = _render_set_up_page(challenge, AppCodeForm(formdata=None), carried)
        db.session.commit()
        return page
    if two_factor.is_enrolled(user):
        return redirect(url_for("two_factor.code"))
    return redirect(url_for("two_factor.set_up"))


def _challenge() -> TwoFactorChallenge | None:
    return two_factor.find_challenge(db.session, session.get(SESSION_KEY))


def _start_again():
    session.pop(SESSION_KEY, None)
    flashes.important(EXPIRED)
    return redirect(url_for("accounts.sign_in"))


def _second_step(*, enrolled: bool):
    """(the live challenge, None) for a page of the second step, or (None, where to go
    instead): home when already signed in, sign in again without a live challenge, and the
    other page of the second step when the person has (or has not) set up their app."""
    if current_user.is_authenticated:
        return None, redirect(url_for("home.index"))
    challenge = _challenge()
    if challenge is None:
        return None, _start_again()
    if two_factor.is_enrolled(challenge.user) != enrolled:
        return None, redirect(url_for("two_factor.set_up" if enrolled else "two_factor.code"))
    return challenge, None


def _finish(challenge: TwoFactorChallenge, second_factor: str, page=None, message=None):
    """The second step passed: sign the person in (the challenge is spent)."""
    user, next_page = challenge.user, challenge.next_path or None
    two_factor.end_challenge(db.session, challenge)
    two_factor.signed_in(db.session, user, second_factor, client_address())
    db.session.commit()
    response = make_response(complete_sign_in(user, next_page))
    if message:  # after signing in, which starts a fresh session
        flashes.important(message)
    if page is not None:  # a page to show instead (new recovery codes), once signed in
        response = make_response(page())
    known_devices.remember(request, response, user.email)
    return response


def _refused(form, outcome: two_factor.CodeOutcome, render, wrong_message: str):
    if outcome.result is CodeResult.LOCKED:
        session.pop(SESSION_KEY, None)
        form.code.errors = [_locked_message()]
        return render(form), 429
    form.code.errors = [REUSED_APP_CODE if outcome.result is CodeResult.REUSED else wrong_message]
    return render(form), 200


def _render_code_page(form, carried):
    return render_template("accounts/two_factor_code.html", form=form, carried=carried)


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@public  # after the password, before signing in: the challenge in the session is the check
def code():
    challenge, elsewhere = _second_step(enrolled=True)
    if elsewhere is not None:
        return elsewhere
    form = AppCodeForm()
    carried = carried_from_form()
    if not form.validate_on_submit():
        return _render_code_page(form, carried)
    outcome = two_factor.check_app_code(
        db.session, challenge.user, form.code.data, throttle_rules(), client_address()
    )
    if outcome.result is CodeResult.ACCEPTED:
        return _finish(challenge, "app")
    db.session.commit()
    return _refused(form, outcome, lambda form: _render_code_page(form, carried), WRONG_APP_CODE)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public  # after the password, before signing in: the challenge in the session is the check
def recovery():
    challenge, elsewhere = _second_step(enrolled=True)
    if elsewhere is not None:
        return elsewhere
    form = RecoveryCodeForm()
    carried = carried_from_form()

    def render(form):
        return render_template("accounts/recovery_code.html", form=form, carried=carried)

    if not form.validate_on_submit():
        return render(form)
    outcome = two_factor.check_recovery_code(
        db.session, challenge.user, form.code.data, passwords(), throttle_rules(), client_address()
    )
    if outcome.result is CodeResult.ACCEPTED:
        remaining = outcome.remaining_recovery_codes
        message = (
            f"You signed in with a recovery code. You have {remaining} "
            f"recovery code{'' if remaining == 1 else 's'} left. "
            + ("Create new codes from your account page" if remaining <= 3 else "Each works once")
        )
        return _finish(challenge, "recovery_code", message=message)
    db.session.commit()
    return _refused(form, outcome, render, WRONG_RECOVERY_CODE)


def _render_set_up_page(challenge: TwoFactorChallenge, form, carried):
    secret = two_factor.pending_secret(challenge)
    uri = two_factor.provisioning_uri(secret, challenge.user)
    return render_template(
        "accounts/two_factor_set_up.html",
        form=form,
        carried=carried,
        qr_code=two_factor.qr_code_svg(uri),
        secret=two_factor.grouped(secret),
        email=challenge.user.email,
    )


@bp.route("/sign-in/two-factor/set-up", methods=["GET", "POST"])
@public  # after the password, before signing in: the challenge in the session is the check
def set_up():
    challenge, elsewhere = _second_step(enrolled=False)
    if elsewhere is not None:
        return elsewhere
    form = AppCodeForm()
    form.code.label.text = "Code from your authenticator app, to check it is set up"
    carried = carried_from_form()
    if form.validate_on_submit():
        secret = two_factor.pending_secret(challenge)
        user = challenge.user
        if two_factor.enrol(db.session, user, secret, form.code.data, client_address()):
            codes = two_factor.new_recovery_codes(db.session, user, passwords())
            next_page = challenge.next_path or url_for("home.index")
            return _finish(
                challenge,
                "app_set_up",
                page=lambda: render_template(
                    "accounts/recovery_codes.html", codes=codes, next_page=next_page, new=True
                ),
            )
        form.code.errors = [WRONG_APP_CODE]
    page = _render_set_up_page(challenge, form, carried)
    db.session.commit()  # the secret offered stays the same if the page is shown again
    return page


# --- the person's own account -----------------------------------------------------------


@bp.route("/account")
@requires(Permission.ACCOUNT_VIEW_OWN)
def account():
    return render_template(
        "accounts/account.html",
        enrolled=two_factor.is_enrolled(current_user),
        required=two_factor.required_for(current_user),
        remaining=two_factor.remaining_recovery_codes(db.session, current_user),
    )


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_VIEW_OWN)
def new_recovery_codes():
    """New recovery codes, replacing the old ones, once a code from the app shows it is the
    person themselves."""
    if not two_factor.is_enrolled(current_user):
        flashes.important("Set up two-factor sign-in first")
        return redirect(url_for("two_factor.account"))
    form = AppCodeForm()
    form.submit.label.text = "Create new recovery codes"
    if form.validate_on_submit():
        outcome = two_factor.check_app_code(
            db.session, current_user, form.code.data, throttle_rules(), client_address()
        )
        if outcome.result is CodeResult.ACCEPTED:
            codes = two_factor.new_recovery_codes(db.session, current_user, passwords())
            audit.record(
                db.session,
                "auth.two_factor.recovery_codes_replaced",
                actor_id=current_user.id,
                client_address=client_address(),
            )
            db.session.commit()
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                next_page=url_for("two_factor.account"),
                new=False,
            )
        db.session.commit()
        if outcome.result is CodeResult.LOCKED:
            form.code.errors = [
                "You have entered incorrect codes too many times. Wait "
                f"{current_app.config['LOGIN_LOCKOUT_MINUTES']} minutes, then try again"
            ]
            return render_template("accounts/new_recovery_codes.html", form=form), 429
        form.code.errors = [
            REUSED_APP_CODE if outcome.result is CodeResult.REUSED else WRONG_APP_CODE
        ]
    return render_template("accounts/new_recovery_codes.html", form=form)
