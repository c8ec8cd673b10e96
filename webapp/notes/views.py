"""A practitioner's own confidential notes on an episode.

The routes declare their rule (episode:keep-notes) and leave its refusal to `_episode`, so
that an attempt by
anyone else (a manager, a borough CAF contact, an administrator, a colleague guessing
note ids) is refused with a 404 *and audited*, not only refused."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires_episode
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited_by_id
from webapp.episodes.models import Episode
from webapp.notes import services
from webapp.notes.forms import NoteForm
from webapp.pages import permitted_or_404

bp = Blueprint("notes", __name__)


def _audit(action: str, episode_id: int, episode: Episode | None, **detail) -> None:
    audited_by_id(action, Episode, episode_id, episode, **detail)


def _refuse(episode_id: int, episode: Episode | None, attempted: str, note_id=None):
    _audit("confidential_note.refused", episode_id, episode, attempted=attempted, note_id=note_id)
    db.session.commit()
    abort(404)


def _episode(episode_id: int, attempted: str, note_id: int | None = None) -> Episode:
    """The episode, if the user works with the child on it: only they keep notes."""
    return permitted_or_404(
        Episode,
        episode_id,
        Permission.EPISODE_KEEP_NOTES,
        "confidential_note.refused",
        attempted=attempted,
        note_id=note_id,
    )


@bp.route("/episodes/<int:episode_id>/notes")
@requires_episode(Permission.EPISODE_KEEP_NOTES, refused_by_view=True)
def index(episode_id: int):
    episode = _episode(episode_id, "list")
    notes = services.own_notes(db.session, episode, current_user)
    _audit("confidential_note.listed", episode_id, episode, count=len(notes))
    db.session.commit()
    return render_template("notes/index.html", episode=episode, notes=notes)


@bp.route("/episodes/<int:episode_id>/notes/new", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_KEEP_NOTES, refused_by_view=True)
def new(episode_id: int):
    episode = _episode(episode_id, "write")
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add(db.session, episode, current_user, form.text.data, client_address())
        except services.NoteInvalid as invalid:
            db.session.rollback()
            form.text.errors = [str(invalid)]
        else:
            db.session.commit()
            flash("Your confidential note has been saved. Only you can read it.")
            return redirect(url_for(".index", episode_id=episode.id))
    return render_template("notes/new.html", episode=episode, form=form)


@bp.route("/episodes/<int:episode_id>/notes/<int:note_id>")
@requires_episode(Permission.EPISODE_KEEP_NOTES, refused_by_view=True)
def show(episode_id: int, note_id: int):
    episode = _episode(episode_id, "read", note_id)
    note = services.find_own(db.session, episode, current_user, note_id)
    if note is None:
        _refuse(episode_id, episode, "read", note_id)
    _audit("confidential_note.viewed", episode_id, episode, note_id=note.id)
    db.session.commit()
    return render_template("notes/show.html", episode=episode, note=note)
