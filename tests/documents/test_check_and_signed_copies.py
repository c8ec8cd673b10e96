"""Anyone holding a copy can check it against eCAF's record; signed copies come back to the
episode, checked by their content and served only to those who may see the episode."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.documents.models import GeneratedDocument, SignedCopy
from webapp.uploads.models import StoredFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(app):
    return build_world(state="assessed")


def produce(client, world) -> bytes:
    response = client.get(
        f"/episodes/{world.episode.id}/documents/download?item=consent-{world.consent.id}"
    )
    assert response.status_code == 200
    return response.get_data()


def check(client, content: bytes | None, filename="copy.docx"):
    data = {}
    if content is not None:
        data["document"] = (io.BytesIO(content), filename, DOCX)
    return client.post_form("/documents/check", data, content_type="multipart/form-data")


def test_an_unchanged_copy_is_recognised_with_its_number_and_episode(client, other_client, world):
    sign_in(client, world.assessor)
    content = produce(client, world)
    record = db.session.scalars(select(GeneratedDocument)).one()
    # Someone else on the episode (here: its lead professional) checks the copy.
    sign_in(other_client, world.lead_professional)
    result = check(other_client, content)
    assert result.status_code == 200
    text = page_text(result)
    assert "This is an unchanged copy" in text
    assert f"Document number {record.id}" in text
    assert world.episode.reference in text
    (event,) = audit_events("document.checked", world.lead_professional)
    assert event.object_id == str(record.id)


def edited(content: bytes) -> bytes:
    """The document with a word added to its first line of text, saved again."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb"(<w:t(?: [^>]*)?>)", rb"\1Changed ", data, count=1)
            target.writestr(info, data)
    return output.getvalue()


def test_a_changed_copy_is_not_recognised(client, world):
    sign_in(client, world.assessor)
    result = check(client, edited(produce(client, world)))
    assert result.status_code == 200
    assert "eCAF has no record of this exact file" in page_text(result)
    assert "unchanged copy" not in page_text(result)


def test_a_damaged_copy_is_refused_as_not_a_word_document(client, world):
    sign_in(client, world.assessor)
    content = bytearray(produce(client, world))
    content[-30] ^= 0x01  # a name in the zip's directory no longer matches its entry
    result = check(client, bytes(content))
    assert result.status_code == 400
    assert error_messages(result) == ["The selected file must be a Word document (.docx)"]


def test_checking_needs_a_word_document(client, world):
    sign_in(client, world.assessor)
    assert error_messages(check(client, None)) == ["Select a Word document"]
    refused = check(client, PDF, filename="copy.docx")
    assert refused.status_code == 400
    assert error_messages(refused) == ["The selected file must be a Word document (.docx)"]


def test_checking_needs_a_signed_in_account(client, world):
    response = client.get("/documents/check")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def upload(client, world, content: bytes | None, document_type="caf_assessment", name="s.pdf"):
    data = {"signed-document_type": document_type}
    if content is not None:
        data["signed-signed_copy"] = (io.BytesIO(content), name, "application/pdf")
    return client.post_form(
        f"/episodes/{world.episode.id}/documents/signed",
        data,
        token_from=f"/episodes/{world.episode.id}/documents",
        content_type="multipart/form-data",
    )


def test_a_signed_copy_is_attached_to_the_episode_and_downloadable(client, world):
    sign_in(client, world.assessor)
    response = upload(client, world, PDF)
    assert response.status_code == 302
    copy = db.session.scalars(select(SignedCopy)).one()
    assert copy.document_type == "caf_assessment"
    assert copy.stored_file.media_type == "application/pdf"
    page = " ".join(page_text(client.get(f"/episodes/{world.episode.id}/documents")).split())
    assert "Common Assessment Framework form: s.pdf" in page
    fetched = client.get(f"/episodes/{world.episode.id}/files/{copy.stored_file_id}")
    assert fetched.status_code == 200 and fetched.get_data() == PDF


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "", "Select a file"),
        (b"%PDF", "fake.pdf", "must be a PDF, JPG, PNG or Word"),
        (b"MZ\x90\x00 not really a pdf", "claims.pdf", "must be a PDF, JPG, PNG or Word"),
        (b"GIF89a....", "picture.gif", "must be a PDF, JPG, PNG or Word"),
    ],
)
def test_uploads_are_checked_by_their_content(client, world, content, name, message):
    sign_in(client, world.assessor)
    response = upload(client, world, content, name=name)
    assert response.status_code == 400
    assert any(message in text for text in error_messages(response))
    assert db.session.scalars(select(SignedCopy)).all() == []


def test_an_oversized_signed_copy_is_refused(client, world, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    sign_in(client, world.assessor)
    response = upload(client, world, PDF + b"0" * 2048)
    assert error_messages(response) == ["The selected file must be smaller than 1024 bytes"]
    assert db.session.scalars(select(StoredFile)).all() == []


def test_a_forged_document_type_is_refused(client, world):
    sign_in(client, world.assessor)
    response = upload(client, world, PDF, document_type="secret_dossier")
    assert response.status_code == 400
    assert error_messages(response) == ["Select an option from the list"]
    assert db.session.scalars(select(SignedCopy)).all() == []


def test_only_those_holding_the_documents_part_may_upload(client, world):
    sign_in(client, world.manager)
    assert upload(client, world, PDF).status_code == 403
    assert db.session.scalars(select(SignedCopy)).all() == []


def test_someone_outside_the_episode_cannot_upload_or_fetch_a_signed_copy(
    client, other_client, world
):
    sign_in(client, world.assessor)
    upload(client, world, PDF)
    copy = db.session.scalars(select(SignedCopy)).one()
    sign_in(other_client, world.northgate_practitioner)
    assert upload(other_client, world, PDF).status_code == 404
    fetch = f"/episodes/{world.episode.id}/files/{copy.stored_file_id}"
    assert other_client.get(fetch).status_code == 404
