from flask import Blueprint, render_template
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires, visible_or_404
from webapp.accounts.sessions import client_address
from webapp.audit import services as audit
from webapp.episodes.models import Episode

bp = Blueprint("episodes", __name__)


@bp.route("/episodes/<int:episode_id>")
@requires(Permission.EPISODE_VIEW)
def show(episode_id: int):
    episode = visible_or_404(Permission.EPISODE_VIEW, db.session.get(Episode, episode_id))
    audit.record(
        db.session,
        "episode.viewed",
        actor_id=current_user.id,
        object_type="episode",
        object_id=episode.id,
        episode_id=episode.id,
        child_id=episode.child_id,
        client_address=client_address(),
    )
    db.session.commit()
    return render_template("episodes/show.html", episode=episode)
