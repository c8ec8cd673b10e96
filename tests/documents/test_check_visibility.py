""" "Check a document" says which episode a copy belongs to only to those who may see the
episode. Anyone else (another borough, a lapsed DBS check, a colleague not on the
episode, an administrator) gets, byte for byte, the answer for a file eCAF has no record
of, and the check is still audited."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, page_text
from webapp import db
from webapp.documents.models import GeneratedDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: What changes from one request to the next whatever the answer: CSRF tokens and nonces.
PER_REQUEST = re.compile(rb'((?:name="csrf_token"[^>]*?value|data-csrf-token|nonce)=")[^"]*(")')


@pytest.fixture
def world(app):
    world = build_world(state="assessed")
    world.lapsed = world.lead_professional  # on the episode, but with a lapsed DBS check
    world.lapsed.dbs_check_date = date.today() - timedelta(days=4 * 366)
    db.session.commit()
    return world


@pytest.fixture
def copies(client, world):
    """A copy eCAF produced, and the same copy with one word changed (unknown to eCAF)."""
    sign_in(client, world.assessor)
    response = client.get(
        f"/episodes/{world.episode.id}/documents/download?item=consent-{world.consent.id}"
    )
    assert response.status_code == 200
    produced = response.get_data()
    source = zipfile.ZipFile(io.BytesIO(produced))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb"(<w:t(?: [^>]*)?>)", rb"\1Changed ", data, count=1)
            target.writestr(info, data)
    return produced, output.getvalue()


def check(client, content: bytes):
    return client.post_form(
        "/documents/check",
        {"document": (io.BytesIO(content), "copy.docx", DOCX)},
        content_type="multipart/form-data",
    )


def comparable(response) -> tuple[int, bytes]:
    return response.status_code, PER_REQUEST.sub(rb"\1\2", response.get_data())


def test_someone_who_may_see_the_episode_is_told_which_it_is(app, world, copies):
    produced, _unknown = copies
    record = db.session.scalars(select(GeneratedDocument)).one()
    client = app.test_client()
    sign_in(client, world.assessor)

    response = check(client, produced)

    assert response.status_code == 200
    text = page_text(response)
    assert "This is an unchanged copy" in text
    assert f"Document number {record.id}" in text
    assert world.episode.reference in text
    (event,) = audit_events("document.checked", world.assessor)
    assert event.object_id == str(record.id)
    assert '"shown": true' in event.detail


@pytest.mark.parametrize(
    "person", ["northgate_practitioner", "lapsed", "colleague", "borough_admin", "system_admin"]
)
def test_anyone_else_gets_exactly_the_answer_for_an_unknown_file(app, world, copies, person):
    produced, unknown = copies
    record = db.session.scalars(select(GeneratedDocument)).one()
    user = getattr(world, person)
    client = app.test_client()
    sign_in(client, user)

    known_answer = check(client, produced)
    unknown_answer = check(client, unknown)

    assert comparable(known_answer) == comparable(unknown_answer)
    assert known_answer.status_code == 200
    assert "eCAF has no record of this exact file" in page_text(known_answer)
    assert world.episode.reference.encode() not in known_answer.get_data()
    matched, not_matched = audit_events("document.checked", user)
    assert matched.object_id == str(record.id)
    assert matched.episode_id == world.episode.id
    assert '"matched": true' in matched.detail and '"shown": false' in matched.detail
    assert '"matched": false' in not_matched.detail
