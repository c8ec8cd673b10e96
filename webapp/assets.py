"""Serve GOV.UK Frontend and mermaid (installed from the npm registry into node_modules/)
at /assets, never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

from webapp.access.policy import public
from webapp.config import PROJECT_ROOT

bp = Blueprint("assets", __name__)

# The stylesheet refers to /assets/fonts/... and /assets/images/... absolutely.
ALLOWED = {
    "govuk-frontend.min.css": "",
    "govuk-frontend.min.js": "",
    "manifest.json": "assets",
}


# mermaid's self-contained browser build (it sets `window.mermaid`), for workflow diagrams.
MERMAID_FILE = "mermaid/mermaid.min.js"
MERMAID_DIST = str(PROJECT_ROOT / "node_modules" / "mermaid" / "dist")


@bp.route("/assets/<path:filename>")
@public
def asset(filename: str):
    dist = Path(current_app.config["GOVUK_FRONTEND_DIST"])
    if filename == MERMAID_FILE:
        mermaid_dist = current_app.config.get("MERMAID_DIST", MERMAID_DIST)
        return send_from_directory(mermaid_dist, "mermaid.min.js", max_age=3600)
    if filename in ALLOWED:
        return send_from_directory(dist / ALLOWED[filename], filename, max_age=3600)
    if filename.startswith(("fonts/", "images/")):
        return send_from_directory(dist / "assets", filename, max_age=86400)
    abort(404)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.view_functions["static"].access_rule = "public"
