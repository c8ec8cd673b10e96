"""The helpers that fill an event's episode, child, actor and address from what is at hand."""

import json

from flask_login import login_user

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.audit import services as audit
from webapp.audit.requests import audited, audited_episode


def _episode_and_user():
    borough = make_borough("riverside")
    user = make_user(make_organisation(borough))
    episode = make_episode(make_child(borough), user)
    db.session.commit()
    return episode, user


def test_an_episode_event_names_the_episode_and_its_child(app):
    episode, user = _episode_and_user()
    event = audit.record_for_episode(
        db.session, "test.event", episode, actor_id=user.id, client_address="192.0.2.1", n=1
    )
    assert (event.object_type, event.object_id) == ("episode", str(episode.id))
    assert (event.episode_id, event.child_id) == (episode.id, episode.child_id)
    assert (event.actor_id, event.client_address) == (user.id, "192.0.2.1")
    assert json.loads(event.detail) == {"n": 1}


def test_a_request_event_is_by_the_signed_in_user_from_their_address(app):
    episode, user = _episode_and_user()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        login_user(user)
        on_episode = audited_episode("test.viewed", episode, part="plan")
        on_child = audited("test.child", object_type="child", object_id=7, child_id=None)
    assert (on_episode.actor_id, on_episode.client_address) == (user.id, "198.51.100.7")
    assert (on_episode.object_type, on_episode.object_id) == ("episode", str(episode.id))
    assert (on_episode.episode_id, on_episode.child_id) == (episode.id, episode.child_id)
    assert json.loads(on_episode.detail) == {"part": "plan"}
    assert (on_child.actor_id, on_child.client_address) == (user.id, "198.51.100.7")
    assert (on_child.object_type, on_child.object_id, on_child.child_id) == ("child", "7", None)
