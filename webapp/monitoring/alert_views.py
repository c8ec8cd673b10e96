"""The borough CAF contact's alerts: the worklist, what each came to, and the thresholds."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_about
from webapp.monitoring import alerts
from webapp.monitoring.alert_models import AccessAlert, AlertOutcome
from webapp.monitoring.forms import AlertOutcomeForm, AlertSettingForm
from webapp.monitoring.reviews import AlreadyReviewed
from webapp.pages import Saving, first_answer_stands

bp = Blueprint("alerts", __name__, url_prefix="/access-alerts")


@bp.route("")
@requires(Permission.ACCESS_ALERTS_REVIEW)
def index():
    return render_template(
        "monitoring/alerts.html",
        waiting=alerts.worklist(db.session, current_user),
        rules=alerts.RULES,
    )


def _alert(alert_id: int) -> AccessAlert:
    return visible_or_404(Permission.ACCESS_ALERTS_REVIEW, alerts.find(db.session, alert_id))


def _alert_page(alert: AccessAlert, form: AlertOutcomeForm):
    return render_template(
        "monitoring/alert.html", alert=alert, rule=alerts.RULES.get(alert.rule), form=form
    )


@bp.route("/<int:alert_id>")
@requires(Permission.ACCESS_ALERTS_REVIEW)
def show(alert_id: int):
    alert = _alert(alert_id)
    audited_about("monitoring.alert_viewed", alert)
    db.session.commit()
    return _alert_page(alert, AlertOutcomeForm())


@bp.route("/<int:alert_id>", methods=["POST"])
@requires(Permission.ACCESS_ALERTS_REVIEW)
def record_outcome(alert_id: int):
    alert = _alert(alert_id)
    form = AlertOutcomeForm()
    if alert.is_reviewed or not form.validate_on_submit():
        return _alert_page(alert, form)
    return first_answer_stands(
        lambda: alerts.record_outcome(
            db.session,
            alert,
            current_user,
            AlertOutcome(form.outcome.data),
            form.comment.data,
            client_address(),
        ),
        AlreadyReviewed,
        taken="Someone else has already recorded what this alert came to",
        back=url_for(".show", alert_id=alert_id),
        recorded="Outcome recorded",
        then=url_for(".index"),
    )


@bp.route("/rules")
@requires(Permission.ACCESS_ALERTS_REVIEW)
def rules():
    settings = alerts.settings_for(db.session, current_user.borough_id)
    return render_template(
        "monitoring/alert_rules.html",
        rules=[
            (rule, settings[key], alerts.describe(rule, settings[key]))
            for key, rule in alerts.RULES.items()
        ],
    )


def _rule(rule_key: str) -> alerts.Rule:
    rule = alerts.RULES.get(rule_key)
    if rule is None:
        abort(404)
    return rule


@bp.route("/rules/<rule_key>", methods=["GET", "POST"])
@requires(Permission.ACCESS_ALERTS_REVIEW)
def tune(rule_key: str):
    rule = _rule(rule_key)
    setting = alerts.settings_for(db.session, current_user.borough_id)[rule.key]
    form = AlertSettingForm()
    if not form.is_submitted():
        form.threshold.data = str(setting.threshold)
        form.window_hours.data = str(setting.window_hours)
        form.enabled.data = "yes" if setting.enabled else "no"
    elif form.validate():
        saving = Saving(form, alerts.SettingInvalid)
        with saving:
            alerts.tune(
                db.session,
                current_user,
                rule.key,
                alerts.Setting(
                    int(form.threshold.data),
                    int(form.window_hours.data),
                    form.enabled.data == "yes",
                ),
                client_address(),
            )
        if saving.committed:
            flash(f"{rule.title}: the borough's threshold has been saved")
            return redirect(url_for(".rules"))
    return render_template(
        "monitoring/alert_rule.html",
        rule=rule,
        form=form,
        default_text=alerts.describe(rule, rule.default),
    )
