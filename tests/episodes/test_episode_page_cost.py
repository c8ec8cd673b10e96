"""What one episode page costs the database. Its statements are counted, so that a change
that adds a query to every page view is seen here rather than in production; the page reads
everything before its audit event, and on SQLite reads without holding the write lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from flask import current_app

from tests.assessments.answers import CAF_ASSESSMENT
from tests.conftest import POSTGRES_URL, sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_completed_form,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from tests.queries import is_page_query, statements_run
from webapp import db
from webapp.audit import services as audit
from webapp.audit.verification import verify_chain
from webapp.boroughs.models import Sector
from webapp.consent.models import ConsentAgency
from webapp.episodes.models import EpisodeTransition

#: The statements of one episode page, on SQLite and PostgreSQL alike: not BEGIN (the
#: PostgreSQL driver begins a transaction without a statement of its own), nor the session
#: store's own, written once in a while. Before the page was made cheaper: 20, and one
#: more for each person in its history; 13 while the consents were read twice (three times
#: at the episode's first stage).
EPISODE_PAGE_STATEMENTS = 12


def build_assessed_episode():
    """A CAF in delivery, as the page usually shows one: consent to share with two
    agencies, the assessment completed, two steps in its history taken by two people."""
    borough = make_borough()
    school = make_organisation(borough)
    health = make_organisation(borough, Sector.HEALTH)
    assessor = make_user(school)
    colleague = make_user(school)
    child = make_child(borough)
    episode = make_episode(child, assessor, state="delivering", lead_professional=assessor)
    consent = make_consent(episode, assessor)
    consent.agencies.extend(
        [ConsentAgency(organisation=health), ConsentAgency(service_name="Family support")]
    )
    make_completed_form(episode, "assessment", assessor, **CAF_ASSESSMENT)
    for actor, (source, target) in [
        (assessor, ("identified", "assessing")),
        (colleague, ("assessing", "delivering")),
    ]:
        db.session.add(
            EpisodeTransition(
                episode=episode,
                actor=actor,
                trigger="move_on",
                title=f"Moved to {target}",
                from_state=source,
                to_state=target,
                workflow_id="caf",
                workflow_version=1,
            )
        )
    db.session.commit()
    return episode, assessor


@pytest.fixture
def assessed_episode(app):
    return build_assessed_episode()


def page_statements(app, client, path: str) -> list[str]:
    """The statements one GET of `path` runs, the session store's own and BEGIN left out."""
    with statements_run(app) as seen:
        response = client.get(path)
    assert response.status_code == 200
    return [statement for statement in seen if is_page_query(statement)]


def test_the_episode_page_runs_a_fixed_number_of_statements(app, client, assessed_episode):
    episode, assessor = assessed_episode
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)  # the session's own periodic write is not the page's
    statements = page_statements(app, client, path)
    assert len(statements) == EPISODE_PAGE_STATEMENTS, "\n\n".join(statements)
    page = client.get(path).get_data(as_text=True)
    assert "Family support" in page  # what the counted statements read is on the page
    assert "Moved to delivering" in page


def test_the_episode_page_reads_everything_before_its_audit_event(app, client, assessed_episode):
    """Drawing the page reads nothing: the audit event and its commit come last, so the
    audit chain's head (and on SQLite the write lock) is held for them alone."""
    episode, assessor = assessed_episode
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)
    statements = page_statements(app, client, path)
    appended = [
        number for number, text in enumerate(statements) if "INSERT INTO audit_event" in text
    ]
    assert appended and statements[appended[0] + 1 :] == []


def consent_reads(statements: list[str]) -> list[str]:
    return [text for text in statements if "\nFROM consent \n" in text]


def test_the_episode_page_reads_the_consents_once(app, client, assessed_episode):
    episode, assessor = assessed_episode
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)
    assert len(consent_reads(page_statements(app, client, path))) == 1


def test_at_the_first_stage_the_consents_are_read_once_and_a_new_one_is_seen(app, client):
    """At its first stage the page also asks whether a refusal may still be noted (only
    while nobody has agreed to recording): that too comes from the one read, and a consent
    recorded since the last page is seen by the next one."""
    borough = make_borough()
    assessor = make_user(make_organisation(borough))
    episode = make_episode(make_child(borough), assessor)
    db.session.commit()
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)
    statements = page_statements(app, client, path)
    assert len(consent_reads(statements)) == 1
    assert "note the refusal for your own files" in client.get(path).get_data(as_text=True)
    make_consent(episode, assessor)
    db.session.commit()
    assert "note the refusal for your own files" not in client.get(path).get_data(as_text=True)


def test_the_page_counts_the_same_however_long_its_history(app, client, assessed_episode):
    episode, assessor = assessed_episode
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)
    before = len(page_statements(app, client, path))
    for number in range(5):
        db.session.add(
            EpisodeTransition(
                episode_id=episode.id,
                actor=make_user(assessor.organisation),
                trigger="review",
                title=f"Review {number}",
                from_state="delivering",
                to_state="delivering",
                workflow_id="caf",
                workflow_version=1,
            )
        )
    db.session.commit()
    assert len(page_statements(app, client, path)) == before


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's write lock")
def test_on_sqlite_the_page_reads_while_another_request_holds_the_write_lock(
    app, client, assessed_episode
):
    """Before, every transaction began with BEGIN IMMEDIATE: a page waited for the write
    lock before reading anything. Now it reads beside the writer and waits only to append
    its audit event, which then goes on the head the writer left."""
    episode, assessor = assessed_episode
    sign_in(client, assessor)
    path = f"/episodes/{episode.id}"
    client.get(path)
    db.session.commit()
    writer = app.extensions["caf_db"]()  # another request's transaction, holding the lock
    audit.record(writer, "test.written_meanwhile")
    responses = []

    def read() -> None:
        with app.app_context():
            responses.append(client.get(path))

    reader = threading.Thread(target=read)
    with statements_run(app) as seen:
        try:
            reader.start()
            deadline = time.monotonic() + 20
            while not any("FROM sharing_decision" in text for text in seen):
                assert time.monotonic() < deadline, "the page did not read while locked out"
                time.sleep(0.05)
            time.sleep(0.3)
            assert reader.is_alive(), "the page waits for the lock to append its event"
            writer.commit()
        finally:
            writer.close()
            reader.join(timeout=30)
    assert responses and responses[0].status_code == 200
    actions = [event.action for event in audit.events_in_order(db.session)][-2:]
    assert actions == ["test.written_meanwhile", "episode.viewed"]
    assert_chain_intact()


def assert_chain_intact() -> None:
    db.session.expire_all()
    verification = verify_chain(
        db.session, audit.audit_key(), Path(current_app.config["AUDIT_ANCHOR_PATH"])
    )
    assert verification.problems == []


def test_pages_viewed_at_the_same_moment_keep_the_audit_chain_whole(app, assessed_episode):
    """Four people viewing their episodes at once, five times each, each request on its own
    connection: every audit event is appended on the one before, on SQLite and PostgreSQL."""
    episode, assessor = assessed_episode
    viewers = [(assessor, episode)]
    for _ in range(3):
        viewer = make_user(assessor.organisation)
        viewers.append((viewer, make_episode(make_child(episode.child.borough), viewer)))
    db.session.commit()
    signed_in = []
    for viewer, own_episode in viewers:
        viewer_client = app.test_client()
        sign_in(viewer_client, viewer)
        signed_in.append((viewer_client, f"/episodes/{own_episode.id}"))
    db.session.commit()
    barrier = threading.Barrier(len(signed_in))
    statuses: list[object] = []

    def view(viewer_client, path: str) -> None:
        with app.app_context():
            barrier.wait(timeout=60)
            for _ in range(5):
                try:
                    statuses.append(viewer_client.get(path).status_code)
                except Exception as error:  # reported by the assertion below, not lost
                    statuses.append(error)

    threads = [threading.Thread(target=view, args=pair) for pair in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * 5 * len(signed_in)
    viewed = [e for e in audit.events_in_order(db.session) if e.action == "episode.viewed"]
    assert len(viewed) == 5 * len(signed_in)
    assert_chain_intact()
