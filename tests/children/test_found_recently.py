"""Whether a child was found in the user's own search in the last hour is asked afresh each
time: a search made since the last answer counts at once, and one older than an hour no
longer does."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.audit import services as audit
from webapp.children import index
from webapp.db import utcnow


def test_a_search_made_since_the_last_answer_counts_at_once(app, monkeypatch):
    borough = make_borough()
    user = make_user(make_organisation(borough))
    child = make_child(borough)
    db.session.commit()
    assert not index.child_found_recently(db.session, user.id, child.id)

    audit.record(db.session, "child_index.searched", actor_id=user.id, results=[child.id])
    db.session.commit()

    assert index.child_found_recently(db.session, user.id, child.id)
    later = utcnow() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(index, "utcnow", lambda: later)
    assert not index.child_found_recently(db.session, user.id, child.id)
