from flask import Blueprint, render_template

from webapp.access.permissions import Permission
from webapp.access.policy import requires

bp = Blueprint("children", __name__)


@bp.route("/child-index")
@requires(Permission.CHILD_INDEX_SEARCH)
def search():
    """Placeholder until the child index search is built: says so plainly."""
    return render_template("children/search.html")
