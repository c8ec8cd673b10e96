"""The helpers that fill an event's episode, child, actor and address from what is at hand."""

import json

from flask_login import login_user

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.audit import services as audit
from webapp.audit.requests import audited, audited_about, audited_episode


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


def test_an_event_about_a_row_is_named_by_its_table_and_its_episode(app):
    episode, user = _episode_and_user()
    event = audit.record_about(
        db.session, "test.user", user, user, "192.0.2.9", episode=episode, n=2
    )
    assert (event.object_type, event.object_id) == ("user_account", str(user.id))
    assert (event.episode_id, event.child_id) == (episode.id, episode.child_id)
    assert (event.actor_id, event.client_address) == (user.id, "192.0.2.9")
    assert json.loads(event.detail) == {"n": 2}


def test_an_event_about_a_row_by_the_system_names_no_actor_nor_episode(app):
    episode, _ = _episode_and_user()
    event = audit.record_about(db.session, "test.child", episode, None, child_id=episode.child_id)
    assert (event.object_type, event.object_id) == ("episode", str(episode.id))
    assert (event.actor_id, event.client_address, event.episode_id) == (None, "", None)
    assert event.child_id == episode.child_id
    assert json.loads(event.detail) == {}


def test_a_request_event_about_a_row_is_by_the_signed_in_user(app):
    episode, user = _episode_and_user()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.8"}):
        login_user(user)
        event = audited_about("test.viewed", episode.child, episode=episode, part="plan")
    assert (event.actor_id, event.client_address) == (user.id, "198.51.100.8")
    assert (event.object_type, event.object_id) == ("child", str(episode.child_id))
    assert (event.episode_id, event.child_id) == (episode.id, episode.child_id)
    assert json.loads(event.detail) == {"part": "plan"}


def test_an_event_by_a_user_names_them_and_their_address(app):
    _, user = _episode_and_user()
    event = audit.record_by(db.session, "test.by", user, "192.0.2.10", object_type="team", n=3)
    assert (event.actor_id, event.client_address) == (user.id, "192.0.2.10")
    assert (event.object_type, event.object_id, event.episode_id) == ("team", "", None)
    assert json.loads(event.detail) == {"n": 3}


def test_an_address_passed_on_with_the_detail_is_the_events_address(app):
    episode, user = _episode_and_user()
    passed_on = {"client_address": "192.0.2.11", "n": 4}
    about = audit.record_about(db.session, "test.about", user, user, episode=episode, **passed_on)
    by = audit.record_by(db.session, "test.by", user, **passed_on)
    assert (about.client_address, by.client_address) == ("192.0.2.11", "192.0.2.11")
    assert json.loads(about.detail) == json.loads(by.detail) == {"n": 4}
