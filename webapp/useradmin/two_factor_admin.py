"""Two-factor sign-in as a borough's administrators keep it: resetting a person's (they lost
their phone: at their next sign-in they set up their app again), and whether the borough
requires it. Both audited; the person reset is told by e-mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms.validators import DataRequired

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.accounts import two_factor
from webapp.accounts.models import User
from webapp.accounts.sessions import client_address
from webapp.audit import services as audit
from webapp.boroughs.models import Borough
from webapp.db import utcnow
from webapp.govuk_fields import radios, submit_button, text_area
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind
from webapp.useradmin import account_events
from webapp.useradmin.services import REASON_MAX
from webapp.useradmin.views import _maintained

bp = Blueprint("two_factor_admin", __name__, url_prefix="/admin/users")

OWN_RESET = (
    "You cannot reset your own two-factor sign-in. Ask another administrator of your borough"
)


class ResetForm(FlaskForm):
    reason = text_area(
        "Why are you resetting their two-factor sign-in?",
        required=DataRequired(message="Enter why you are resetting their two-factor sign-in"),
        max_length=REASON_MAX,
        subject="Reason",
        hint="For example, they have a new phone. Say how you checked it was them who asked.",
        strip=True,
    )
    submit = submit_button("Reset two-factor sign-in")


class RequirementForm(FlaskForm):
    required = radios(
        "Must everyone in the borough sign in with a code from an authenticator app?",
        [
            ("yes", "Yes, everyone needs their password and a code (recommended)"),
            ("no", "No, only people who have set up an app need a code"),
        ],
        required="Select whether everyone needs a code",
    )
    submit = submit_button("Save")


# --- services -------------------------------------------------------------------------


def reset_two_factor(
    db_session: Session, account: User, admin: User, reason: str, *, client_address: str = ""
) -> None:
    """Forget the person's app and recovery codes and sign them out everywhere; they set up
    their app again at their next sign-in. Audited, and the person is told by e-mail (if it
    was not them who asked, they can say so)."""
    if account.id == admin.id:
        raise PermissionError(OWN_RESET)
    was_enrolled = two_factor.is_enrolled(account)
    two_factor.reset(db_session, account)
    # A change to the account: its holder cannot then be the second person of the
    # administrator's own requests (webapp/useradmin/duties.py).
    account.changed_by_id = admin.id
    account.changed_at = utcnow()
    account_events.record(
        db_session,
        "useradmin.two_factor_reset",
        account.id,
        admin,
        client_address,
        reason=reason,
        was_set_up=was_enrolled,
    )
    message = messages.compose(
        MailKind.TWO_FACTOR_RESET, full_name=account.full_name, admin_name=admin.full_name
    )
    outbox.queue(db_session, message, account.email, recipient_user_id=account.id)


def set_requirement(
    db_session: Session, borough: Borough, admin: User, required: bool, *, client_address: str = ""
) -> bool:
    if borough.two_factor_required is required:
        return False
    borough.two_factor_required = required
    audit.record_about(
        db_session,
        "useradmin.two_factor_requirement_changed",
        borough,
        admin,
        client_address,
        required=required,
    )
    return True


# --- pages ----------------------------------------------------------------------------


@bp.route("/<int:account_id>/two-factor/reset", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def reset(account_id: int):
    account = _maintained(account_id, "reset_two_factor")
    form = ResetForm()
    is_self = account.id == current_user.id
    if form.validate_on_submit():
        if is_self:
            form.reason.errors = [OWN_RESET]
        else:
            reset_two_factor(
                db.session, account, current_user, form.reason.data, client_address=client_address()
            )
            db.session.commit()
            flash(
                f"{account.full_name}’s two-factor sign-in has been reset. They have been signed "
                "out, and will set up their authenticator app again when they next sign in. We "
                f"have e-mailed {account.email} to tell them"
            )
            return redirect(url_for("useradmin.show", account_id=account.id))
    return render_template(
        "useradmin/two_factor_reset.html", form=form, account=account, is_self=is_self
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def requirement():
    borough = db.session.get(Borough, current_user.borough_id)
    form = RequirementForm()
    if not form.is_submitted():
        form.required.data = "yes" if borough.two_factor_required else "no"
    elif form.validate():
        changed = set_requirement(
            db.session,
            borough,
            current_user,
            form.required.data == "yes",
            client_address=client_address(),
        )
        db.session.commit()
        flashes.saved_or_unchanged(
            "Everyone in the borough now needs a code from an authenticator app to sign in"
            if borough.two_factor_required
            else "Only people who have set up an authenticator app now need a code to sign in",
            changed,
        )
        return redirect(url_for(".requirement"))
    return render_template("useradmin/two_factor_requirement.html", form=form, borough=borough)
