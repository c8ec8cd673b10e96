"""Uploading a signed consent statement, and downloading it, through HTTP: the content is
checked (not the name or the browser's claim), the size is limited, the file is stored
outside the web root, and only people who may see the episode can fetch it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from flask import current_app

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.consent.models import Consent
from webapp.uploads.models import StoredFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(app):
    return build_world()


def statement_path(world) -> str:
    return f"/episodes/{world.episode.id}/consent/{world.consent.id}/statement"


def upload(client, world, content: bytes | None, filename="statement.pdf", mimetype=None):
    data = {}
    if content is not None:
        data["statement"] = (io.BytesIO(content), filename, mimetype or "application/pdf")
    return client.post_form(statement_path(world), data, content_type="multipart/form-data")


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Signed by the family")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_signed_pdf_is_stored_outside_the_web_root_and_downloadable(client, other_client, world):
    sign_in(client, world.assessor)
    page = client.get(statement_path(world))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)

    response = upload(client, world, PDF, filename="../../signed.pdf")
    assert response.status_code == 302

    consent = db.session.get(Consent, world.consent.id)
    stored = consent.signed_statement
    assert stored is not None
    assert stored.media_type == "application/pdf"
    assert stored.original_filename == "signed.pdf"
    assert stored.size_bytes == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.uploaded_by_id == world.assessor.id

    folder = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (folder / stored.stored_path).resolve()
    static = (Path(current_app.root_path) / "static").resolve()
    assert path.read_bytes() == PDF
    assert static not in path.parents
    assert "signed" not in path.name  # a random name, not the user's
    assert audit_events("upload.stored", world.assessor)

    overview = client.get(f"/episodes/{world.episode.id}/consent")
    assert "Download the signed statement" in page_text(overview)

    # The lead professional may see the episode, so may fetch the statement.
    sign_in(other_client, world.lead_professional)
    download = other_client.get(f"/episodes/{world.episode.id}/files/{stored.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert audit_events("upload.downloaded", world.lead_professional)


@pytest.mark.parametrize(
    ("content", "filename", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "photo.jpeg", "image/jpeg"),
        (
            docx_bytes(),
            "statement",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_images_and_word_documents_are_recognised_by_content(
    client, world, content, filename, media_type
):
    sign_in(client, world.assessor)
    assert upload(client, world, content, filename, "application/octet-stream").status_code == 302
    stored = db.session.get(Consent, world.consent.id).signed_statement
    assert stored.media_type == media_type


def test_another_boroughs_practitioner_cannot_download_it(client, other_client, world):
    sign_in(client, world.assessor)
    assert upload(client, world, PDF).status_code == 302
    stored = db.session.get(Consent, world.consent.id).signed_statement

    for person in (world.northgate_practitioner, world.colleague):
        other = current_app.test_client()
        sign_in(other, person)
        assert other.get(f"/episodes/{world.episode.id}/files/{stored.id}").status_code == 404
        assert not audit_events("upload.downloaded", person)


def test_a_file_is_only_served_through_its_own_episode(client, world):
    sign_in(client, world.assessor)
    assert upload(client, world, PDF).status_code == 302
    stored = db.session.get(Consent, world.consent.id).signed_statement
    assert client.get(f"/episodes/{world.episode.id}/files/{stored.id + 1}").status_code == 404
    assert client.get(f"/episodes/{world.episode.id + 1}/files/{stored.id}").status_code == 404


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "statement.pdf",
            "The selected file must be a PDF, JPG, PNG or Word document",
        ),
        (
            b"PK\x03\x04 not really a zip",
            "statement.docx",
            "The selected file must be a PDF, JPG, PNG or Word document",
        ),
        (None, "", "Select a file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(client, world, content, filename, message):
    sign_in(client, world.assessor)
    response = upload(client, world, content, filename)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert db.session.get(Consent, world.consent.id).signed_statement_id is None
    assert db.session.query(StoredFile).count() == 0


def test_a_zip_that_is_not_a_word_document_is_refused(client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hello")
    sign_in(client, world.assessor)
    response = upload(client, world, buffer.getvalue(), "statement.docx")
    assert error_messages(response) == [
        "The selected file must be a PDF, JPG, PNG or Word document"
    ]


def test_a_file_over_the_limit_is_refused(client, world):
    sign_in(client, world.assessor)
    too_big = PDF + b"\x00" * (10 * 1024 * 1024 - len(PDF) + 1)
    response = upload(client, world, too_big)
    assert response.status_code == 200
    assert error_messages(response) == ["The selected file must be smaller than 10MB"]
    assert db.session.query(StoredFile).count() == 0
    assert audit_events("upload.refused", world.assessor)
    assert not any(Path(current_app.config["UPLOAD_FOLDER"]).glob("*"))


def test_only_people_who_may_edit_consent_can_upload(client, world):
    sign_in(client, world.northgate_practitioner)
    assert upload(client, world, PDF).status_code == 404
    assert db.session.query(StoredFile).count() == 0
