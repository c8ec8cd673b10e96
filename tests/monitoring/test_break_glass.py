"""Urgent ("break-glass") access through HTTP: a practitioner who found a child in the index
states an urgent safeguarding reason (required) and may then read the child's CAF, change
nothing, for the configured minutes; the CAF contacts of the episode's borough are told at
once, by e-mail through a real SMTP server and on their worklist, and one of them reviews it.
Expired or ended access gives nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_organisation, make_user
from tests.mailbox import text_of
from tests.monitoring.world import events, refusals_by, search_for
from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import may
from webapp.db import utcnow
from webapp.episodes.models import Notification
from webapp.monitoring.models import BreakGlassGrant, ReviewOutcome

REASON = "Police report Ada missing from school since this morning; I need her lead's details"


@pytest.fixture
def app_config():
    return {"BREAK_GLASS_MINUTES": 30}


@pytest.fixture
def nurse(signed_in, world):
    """The nurse, who does not work on the child's CAF, has found the child in the index."""
    client = signed_in(world.nurse)
    search_for(client, world.child)
    return client


def urgent_path(world) -> str:
    return f"/children/{world.child.id}/urgent-access"


def episode_path(world) -> str:
    return f"/episodes/{world.episode.id}"


def grants() -> list[BreakGlassGrant]:
    db.session.expire_all()
    return list(db.session.scalars(select(BreakGlassGrant).order_by(BreakGlassGrant.id)))


def take_access(client, world, reason: str = REASON):
    return client.post_form(urgent_path(world), {"reason": reason}, token_from="/")


def test_urgent_access_needs_a_reason(nurse, world):
    assert nurse.get(urgent_path(world)).status_code == 200
    for blank in ("", "   \n  "):
        response = take_access(nurse, world, blank)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "<title>Error: " in page
        assert "Enter why you need urgent access to this CAF" in page
    response = take_access(nurse, world, "x" * 2001)
    assert "The reason must be 2000 characters or fewer" in response.get_data(as_text=True)
    assert grants() == []
    assert nurse.get(episode_path(world)).status_code == 404


def test_urgent_access_lets_its_holder_read_the_episode_and_change_nothing(nurse, world):
    assert nurse.get(episode_path(world)).status_code == 404

    response = take_access(nurse, world)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(episode_path(world))
    (grant,) = grants()
    assert (grant.user_id, grant.episode_id, grant.reason) == (
        world.nurse.id,
        world.episode.id,
        REASON,
    )
    assert grant.expires_at - grant.granted_at == timedelta(minutes=30)
    (granted,) = events("break_glass.granted", world.nurse)
    assert granted.episode_id == world.episode.id and granted.child_id == world.child.id
    assert json.loads(granted.detail)["reason"] == REASON
    assert nurse.get(episode_path(world)).status_code == 200
    assert nurse.get(f"{episode_path(world)}/documents").status_code == 200
    # Read only: nothing of the episode changes, and no confidential note is opened to them.
    assert not may(world.nurse, Permission.EPISODE_EDIT, world.episode)
    assert nurse.get(f"{episode_path(world)}/notes").status_code == 404
    invite = nurse.post_form(
        f"{episode_path(world)}/tac/invite",
        {"invite-email": "someone@example.org", "invite-role": "Friend"},
        token_from=episode_path(world),
    )
    assert invite.status_code in (403, 404)


def test_what_is_read_under_urgent_access_shows_its_reason_in_the_childs_history(app, nurse, world):
    take_access(nurse, world)
    nurse.get(episode_path(world))
    contact = app.test_client()
    sign_in(contact, world.caf_contact)
    page = contact.get(f"/children/{world.child.id}/access-history").get_data(as_text=True)
    assert f"Urgent access: {REASON}" in page.replace("&#39;", "'")


def test_expired_urgent_access_gives_nothing(nurse, world):
    take_access(nurse, world)
    (grant,) = grants()
    grant.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert nurse.get(episode_path(world)).status_code == 404
    assert nurse.get(f"{episode_path(world)}/documents").status_code == 404
    assert refusals_by(world.nurse)


def test_urgent_access_needs_the_child_found_in_the_index_first(app, world):
    client = app.test_client()
    sign_in(client, world.nurse)
    before = len(refusals_by(world.nurse))

    assert client.get(urgent_path(world)).status_code == 404
    assert take_access(client, world).status_code == 404

    assert grants() == []
    assert len(refusals_by(world.nurse)) == before + 2
    assert client.get("/children/999999/urgent-access").status_code == 404


def test_administrators_and_people_without_a_dbs_check_cannot_take_urgent_access(app, world):
    lapsed = make_user(world.nurse.organisation)
    lapsed.dbs_check_date = None
    db.session.commit()
    for person in (world.administrator, lapsed):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(urgent_path(world)).status_code == 404, person.email
        assert take_access(client, world).status_code in (400, 404), person.email
    assert grants() == []


def test_someone_who_already_sees_the_episode_is_sent_to_it(app, world):
    client = app.test_client()
    sign_in(client, world.assessor)
    search_for(client, world.child)
    response = client.get(urgent_path(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(episode_path(world))
    assert grants() == []


def test_the_caf_contact_is_told_at_once_by_email_and_on_their_worklist(
    app, nurse, world, mail_server
):
    other_contact = make_user(
        make_organisation(world.child.borough), Role.BOROUGH_CAF_CONTACT, email="caf2@r.example"
    )
    db.session.commit()

    take_access(nurse, world)

    (grant,) = grants()
    for contact in (world.caf_contact, other_contact):
        (message,) = mail_server.to(contact.email)
        assert message["Subject"] == f"Urgent access to CAF {world.episode.reference}: review it"
        text = text_of(message)
        assert world.nurse.full_name in text
        assert f"https://localhost/urgent-access/{grant.id}" in text
        # An e-mail names no child and quotes no reason: the service shows them.
        whole = message.as_string()
        assert world.child.family_name not in whole and "missing from school" not in whole
    assert not mail_server.to(world.other_caf_contact.email)
    assert not mail_server.to(world.nurse.email)
    notified = db.session.scalars(
        select(Notification).where(Notification.kind == "break_glass")
    ).all()
    assert {notification.user_id for notification in notified} == {
        world.caf_contact.id,
        other_contact.id,
    }
    contact = app.test_client()
    sign_in(contact, world.caf_contact)
    worklist = contact.get("/urgent-access").get_data(as_text=True)
    assert f"/urgent-access/{grant.id}" in worklist
    assert "/urgent-access" in contact.get("/").get_data(as_text=True)


def test_the_caf_contact_reviews_urgent_access_once_and_the_review_is_audited(app, nurse, world):
    take_access(nurse, world)
    (grant,) = grants()
    contact = app.test_client()
    sign_in(contact, world.caf_contact)
    path = f"/urgent-access/{grant.id}"
    page = contact.get(path).get_data(as_text=True)
    assert REASON.replace("'", "&#39;") in page

    for data, message in (
        ({}, "Select whether the urgent access was justified"),
        ({"outcome": "shrug"}, "Select an option from the list"),
        ({"outcome": "not_justified"}, "Enter why the urgent access was not justified"),
    ):
        response = contact.post_form(path, data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert grants()[0].reviewed_at is None

    response = contact.post_form(
        path, {"outcome": "not_justified", "comment": "The police had the lead's details"}
    )

    assert response.status_code == 302
    (reviewed,) = grants()
    assert reviewed.outcome is ReviewOutcome.NOT_JUSTIFIED
    assert reviewed.reviewed_by_id == world.caf_contact.id
    assert reviewed.review_comment == "The police had the lead's details"
    (event,) = events("break_glass.reviewed", world.caf_contact)
    detail = json.loads(event.detail)
    assert (detail["outcome"], detail["ended_early"]) == ("not_justified", True)
    # Access found not justified ends at once.
    assert nurse.get(episode_path(world)).status_code == 404
    # A second review changes nothing.
    again = contact.post_form(path, {"outcome": "justified"})
    assert again.status_code == 200
    assert grants()[0].outcome is ReviewOutcome.NOT_JUSTIFIED
    assert len(events("break_glass.reviewed")) == 1
    assert (
        f"/urgent-access/{grant.id}"
        not in contact.get("/urgent-access").get_data(as_text=True).split('id="reviewed"')[0]
    )


def test_justified_access_is_kept_until_it_expires(app, nurse, world):
    take_access(nurse, world)
    (grant,) = grants()
    contact = app.test_client()
    sign_in(contact, world.caf_contact)
    reviewed = contact.post_form(f"/urgent-access/{grant.id}", {"outcome": "justified"})
    assert reviewed.status_code == 302
    assert nurse.get(episode_path(world)).status_code == 200


def test_no_one_else_reviews_urgent_access(app, nurse, world):
    take_access(nurse, world)
    (grant,) = grants()
    path = f"/urgent-access/{grant.id}"
    for person in (world.other_caf_contact,):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(path).status_code == 404
        assert client.post_form(path, {"outcome": "justified"}, token_from="/").status_code == 404
    for person in (world.nurse, world.health_manager, world.assessor, world.administrator):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(path).status_code == 403, person.email
        assert client.get("/urgent-access").status_code == 403, person.email
    assert grants()[0].reviewed_at is None
    anonymous = app.test_client()
    assert anonymous.get(path).headers["Location"].startswith("/sign-in")


def test_a_caf_contact_never_reviews_their_own_urgent_access(app, world):
    """A CAF contact of another borough takes urgent access to this borough's CAF; the
    borough's own CAF contact reviews it, and they themselves could not."""
    outsider = app.test_client()
    sign_in(outsider, world.other_caf_contact)
    search_for(outsider, world.child)
    assert take_access(outsider, world).status_code == 302
    (grant,) = grants()
    assert grant.borough_id == world.child.borough_id
    assert outsider.get(f"/urgent-access/{grant.id}").status_code == 404
