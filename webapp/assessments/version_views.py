"""Moving an episode to the newest version of a form: the page that shows what changes, and
the step itself (webapp/assessments/pins.py holds the rule)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import may_move_form_versions, requires, visible_episode
from webapp.accounts.sessions import client_address
from webapp.assessments import pins
from webapp.assessments.forms import ConfirmForm
from webapp.assessments.views import _audit, bp
from webapp.formadmin.drafts import compare


def _form_or_404(form_id: str) -> str:
    if form_id not in pins.EPISODE_FORMS:
        abort(404)
    return form_id


@bp.route("/episodes/<int:episode_id>/forms/versions/<form_key>", methods=["GET", "POST"])
@requires(Permission.EPISODE_VIEW)
def move_form_version(episode_id: int, form_key: str):
    episode = visible_episode(episode_id)
    form_id = _form_or_404(form_key)
    move = pins.plan_move(db.session, episode, form_id)
    allowed = may_move_form_versions(current_user, episode)
    confirm = ConfirmForm()
    if allowed and move.is_newer and confirm.validate_on_submit():
        pins.move_to_newest(db.session, episode, form_id, current_user, client_address())
        db.session.commit()
        flash(f"This episode now uses {move.newest.title}, {_version_label(move.newest)}.")
        return redirect(url_for(".overview", episode_id=episode.id))
    if confirm.is_submitted():
        _audit("form.version_move_refused", episode, form=form_id)
        db.session.commit()
        return render_template(
            "assessments/refused.html",
            episode=episode,
            response=None,
            reason=(
                "This episode already uses the newest version of this form."
                if allowed
                else "Only the lead professional (or, before there is one, the assessor) "
                "can move this episode to a newer version of a form."
            ),
            title="This cannot be saved",
        ), (409 if allowed else 403)
    _audit("form.version_compared", episode, form=form_id)
    db.session.commit()
    return render_template(
        "assessments/move_version.html",
        episode=episode,
        move=move,
        differences=compare(move.current, move.newest) if move.is_newer else [],
        allowed=allowed,
        version_label=_version_label,
        confirm=confirm,
    )


def _version_label(form) -> str:
    label = f"national version {form.version}"
    if form.borough and form.overlay_version:
        label += f" with {form.borough}’s changes, version {form.overlay_version}"
    return label
