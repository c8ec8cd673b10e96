"""Confidential notes through HTTP: only their author reads them. Managers, borough CAF
contacts, administrators and colleagues on the same episode are refused, whether they ask
for the list, guess a note's id or look for its text elsewhere; every attempt is audited."""

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.notes import services
from webapp.notes.models import ConfidentialNote

SECRET = "Mum said her partner drinks heavily; she does not want this on the form."

EVERYONE_ELSE = [
    "lead_professional",
    "colleague",
    "manager",
    "caf_contact",
    "borough_admin",
    "system_admin",
    "northgate_contact",
    "northgate_practitioner",
]


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def note(world):
    written = services.add(db.session, world.episode, world.assessor, SECRET)
    db.session.commit()
    return written


def note_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ConfidentialNote))


def test_a_practitioner_writes_a_note_and_reads_it_back(client, world):
    sign_in(client, world.assessor)
    path = f"/episodes/{world.episode.id}/notes"
    response = client.post_form(f"{path}/new", {"text": SECRET})
    assert response.status_code == 302
    (note,) = db.session.scalars(select(ConfidentialNote))
    assert (note.author_id, note.episode_id, note.text) == (
        world.assessor.id,
        world.episode.id,
        SECRET,
    )
    assert SECRET in page_text(client.get(path))
    assert SECRET in page_text(client.get(f"{path}/{note.id}"))
    assert audit_events("confidential_note.written", world.assessor)
    assert audit_events("confidential_note.viewed", world.assessor)


@pytest.mark.parametrize("person", EVERYONE_ELSE)
def test_nobody_else_can_fetch_a_note_by_its_id_and_the_attempt_is_audited(
    client, world, note, person
):
    sign_in(client, world.person(person))
    response = client.get(f"/episodes/{world.episode.id}/notes/{note.id}")
    assert response.status_code == 404
    assert SECRET not in response.get_data(as_text=True)
    (event,) = audit_events("confidential_note.refused", world.person(person))
    assert event.episode_id == world.episode.id


@pytest.mark.parametrize("person", EVERYONE_ELSE)
def test_nobody_else_sees_the_note_in_a_list(client, world, note, person):
    sign_in(client, world.person(person))
    response = client.get(f"/episodes/{world.episode.id}/notes")
    assert SECRET not in response.get_data(as_text=True)
    if person == "lead_professional":  # keeps notes of their own, and sees only those
        assert response.status_code == 200
        assert "You have no notes on this episode" in page_text(response)
    else:
        assert response.status_code == 404
        assert audit_events("confidential_note.refused", world.person(person))


def test_guessed_note_ids_answer_404_and_are_audited(client, world, note):
    others = services.add(db.session, world.episode, world.lead_professional, "Not yours")
    db.session.commit()
    sign_in(client, world.assessor)
    for path in (
        f"/episodes/{world.episode.id}/notes/{others.id}",  # a colleague's note
        f"/episodes/{world.episode.id}/notes/999999",  # no such note
        f"/episodes/999999/notes/{note.id}",  # their own note, under another episode
    ):
        assert client.get(path).status_code == 404
    refused = audit_events("confidential_note.refused", world.assessor)
    assert len(refused) == 3


def test_a_note_cannot_be_written_on_an_episode_the_user_cannot_see(client, world):
    sign_in(client, world.northgate_practitioner)
    response = client.post_form(
        f"/episodes/{world.episode.id}/notes/new", {"text": "Planted note"}, token_from="/"
    )
    assert response.status_code == 404
    assert note_count() == 0
    assert audit_events("confidential_note.refused", world.northgate_practitioner)


@pytest.mark.parametrize("person", ["manager", "caf_contact", "borough_admin"])
def test_people_who_are_not_practitioners_cannot_write_notes(client, world, person):
    sign_in(client, world.person(person))
    response = client.post_form(
        f"/episodes/{world.episode.id}/notes/new", {"text": "A note"}, token_from="/"
    )
    assert response.status_code == 404
    assert note_count() == 0


def test_an_empty_note_is_refused(client, world):
    sign_in(client, world.assessor)
    response = client.post_form(f"/episodes/{world.episode.id}/notes/new", {"text": "  "})
    assert error_messages(response) == ["Enter the note"]
    assert note_count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/episodes/{episode}",
        "/episodes/{episode}/consent",
        "/episodes/{episode}/sharing",
    ],
)
def test_the_note_is_on_no_other_page_of_the_episode(app, world, note, path):
    for person in ("assessor", "manager", "caf_contact"):
        client = app.test_client()
        sign_in(client, world.person(person))
        response = client.get(path.format(episode=world.episode.id))
        assert response.status_code == 200
        assert SECRET not in response.get_data(as_text=True)
