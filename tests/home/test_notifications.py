"""Unread notifications on the home page, and marking them read (POST with CSRF)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.home.conftest import riverside_episode
from webapp import db
from webapp.episodes.models import Notification


def notify(user, message: str, episode=None) -> Notification:
    notification = Notification(
        user_id=user.id, episode_id=episode.id if episode else None, kind="test", message=message
    )
    db.session.add(notification)
    db.session.commit()
    return notification


def shown_messages(client) -> list[str]:
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    items = page.select(".ecaf-notifications__item")
    return [item.select_one("p").get_text(strip=True) for item in items]


def test_the_home_page_shows_my_unread_notifications_and_not_other_peoples(client, people):
    episode = riverside_episode(people, "delivering")
    notify(people["lead"], "Closure of EP-1 was sent back: <b>not yet</b>", episode)
    notify(people["manager"], "For the manager only")
    read = notify(people["lead"], "Already read")
    read.read_at = read.created_at
    db.session.commit()
    sign_in(client, people["lead"])

    page = client.get("/").get_data(as_text=True)

    assert shown_messages(client) == ["Closure of EP-1 was sent back: <b>not yet</b>"]
    assert "&lt;b&gt;not yet&lt;/b&gt;" in page
    assert "Notifications (1 unread)" in page
    assert f"/episodes/{episode.id}" in page


def test_marking_a_notification_read_removes_it_from_the_home_page(client, people):
    notification = notify(people["lead"], "Read me")
    sign_in(client, people["lead"])

    response = client.post_form(f"/notifications/{notification.id}/read", token_from="/")

    assert response.status_code == 302
    assert shown_messages(client) == []
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_someone_elses_notification_cannot_be_marked_read(client, people):
    notification = notify(people["manager"], "Not yours")
    sign_in(client, people["lead"])

    response = client.post_form(f"/notifications/{notification.id}/read", token_from="/")

    assert response.status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None


def test_marking_read_without_the_csrf_token_is_refused(client, people):
    notification = notify(people["lead"], "Keep me")
    sign_in(client, people["lead"])

    response = client.post(
        f"/notifications/{notification.id}/read", headers={"Referer": "https://localhost/"}
    )

    assert response.status_code == 400
    db.session.refresh(notification)
    assert notification.read_at is None


def test_marking_all_read_touches_only_my_notifications(client, people):
    notify(people["lead"], "One")
    notify(people["lead"], "Two")
    others = notify(people["manager"], "Someone else's")
    sign_in(client, people["lead"])

    response = client.post_form("/notifications/read", token_from="/")

    assert response.status_code == 302
    assert "2 notifications marked as read" in client.get("/").get_data(as_text=True)
    assert shown_messages(client) == []
    unread = db.session.scalars(select(Notification).where(Notification.read_at.is_(None))).all()
    assert [notification.id for notification in unread] == [others.id]


def test_reading_notifications_needs_a_signed_in_user(client, people):
    notification = notify(people["lead"], "Private")

    response = client.post(
        f"/notifications/{notification.id}/read", headers={"Referer": "https://localhost/"}
    )

    assert response.status_code in (302, 400)
    db.session.refresh(notification)
    assert notification.read_at is None
