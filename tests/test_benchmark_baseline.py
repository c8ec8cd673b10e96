"""The bare page `benchmarks/server_pages.py` measures eCAF against appends to the same
audit chain with the app's own key: the chain still verifies after a benchmark."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from benchmarks.bare_page import create_bare_app
from tests.factories import make_borough, make_child, make_episode
from webapp import db
from webapp.audit import services as audit
from webapp.audit.verification import verify_chain


def test_the_bare_page_reads_the_episode_and_appends_a_verifiable_event(app, monkeypatch):
    episode = make_episode(make_child(make_borough()))
    audit.record(db.session, "test.before_the_benchmark")
    db.session.commit()
    monkeypatch.setenv("CAF_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("CAF_DATABASE_URL", app.config["DATABASE_URL"])
    bare = create_bare_app().test_client()

    shown = bare.get(f"/episodes/{episode.id}")
    missing = bare.get("/episodes/999999")

    assert shown.status_code == 200
    assert episode.reference in shown.get_data(as_text=True)
    assert missing.status_code == 404
    events = list(audit.events_in_order(db.session))
    assert [event.action for event in events][-1] == "episode.viewed"
    assert events[-1].episode_id == episode.id
    verification = verify_chain(
        db.session, audit.audit_key(), Path(current_app.config["AUDIT_ANCHOR_PATH"])
    )
    assert verification.problems == []
