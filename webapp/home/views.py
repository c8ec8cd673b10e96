from flask import Blueprint, render_template
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import public, requires
from webapp.home.worklists import worklists_for

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(Permission.HOME_VIEW)
def index():
    return render_template("home/index.html", worklists=worklists_for(db.session, current_user))


@bp.route("/healthz")
@public
def health():
    return {"status": "ok"}


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("home/accessibility.html")
