"""Refused attempts are audited everywhere (DESIGN §3: "Everything else is refused —
including by guessing ids in URLs"; every read of personal data is audited): an outsider who
opens any page of an episode they may not see gets 404, and the attempt is in the audit
trail, committed although the request failed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent

EPISODE_PAGES = "/episodes/<int:episode_id>"


@pytest.fixture
def world(app):
    riverside = make_borough("riverside")
    assessor = make_user(make_organisation(riverside))
    episode = make_episode(make_child(riverside), assessor, state="delivering")
    # Someone who holds every role an episode page asks for, in another borough.
    outsider = make_user(
        make_organisation(make_borough("northgate")),
        Role.PRACTITIONER,
        Role.MANAGER,
        Role.BOROUGH_CAF_CONTACT,
    )
    db.session.commit()
    return {"episode": episode, "outsider": outsider}


def episode_get_paths(app, episode_id: int) -> list[str]:
    """Every GET route of an episode, with its other arguments filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(EPISODE_PAGES) or "GET" not in (rule.methods or ()):
            continue
        path = rule.rule.replace("<int:episode_id>", str(episode_id))
        for argument in rule.arguments - {"episode_id"}:
            value = "1" if f"<int:{argument}>" in rule.rule else "assessment"
            path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
        paths.append(path)
    return sorted(paths)


def audit_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def last_event() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()


def test_an_outsider_gets_404_on_every_page_of_an_episode_and_each_attempt_is_audited(
    app, client, world
):
    episode, outsider = world["episode"], world["outsider"]
    sign_in(client, outsider)
    paths = episode_get_paths(app, episode.id)
    assert len(paths) > 15  # the walk found the episode's pages
    for path in paths:
        before = audit_count()
        response = client.get(path)
        assert response.status_code == 404, path
        assert audit_count() == before + 1, path
        event = last_event()
        assert event.action.endswith("refused"), (path, event.action)
        assert event.actor_id == outsider.id, path
        assert event.object_id == str(episode.id), path


def test_a_guessed_episode_id_is_audited_with_the_path_and_the_reason(client, world):
    sign_in(client, world["outsider"])
    assert client.get("/episodes/999999/consent").status_code == 404
    event = last_event()
    assert event.action == "access.refused"
    assert (event.object_type, event.object_id, event.episode_id) == ("episode", "999999", None)
    assert '"path": "/episodes/999999/consent"' in event.detail
    assert '"reason": "not found"' in event.detail
