from flask import Blueprint, abort, send_file

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires, visible_episode
from webapp.audit.requests import audited_about
from webapp.uploads import services
from webapp.uploads.models import StoredFile

bp = Blueprint("uploads", __name__)


@bp.route("/episodes/<int:episode_id>/files/<int:file_id>")
@requires(Permission.EPISODE_VIEW)
def download(episode_id: int, file_id: int):
    episode = visible_episode(episode_id)
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.episode_id != episode.id:
        abort(404)
    try:
        path = services.path_of(stored)
        handle = path.open("rb")
    except OSError:
        abort(404)
    audited_about("upload.downloaded", stored, episode=episode, sha256=stored.sha256)
    db.session.commit()
    response = send_file(
        handle,
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=stored.original_filename,
        conditional=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
