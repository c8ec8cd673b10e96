"""Borough Word templates uploaded through /admin/documents: checked before they are kept
(nothing stored when refused), used by practitioners' downloads, a sample to download,
back to the default, the borough boundary and audit."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from docx import Document
from sqlalchemy import select

from tests.conftest import sign_in
from tests.documents.conftest import DOCX, Opened, download
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.documents.models import UploadedTemplate

PAGE = "/admin/documents/caf_assessment"


def word_file(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GOOD = word_file(
    "Eastmoor uploaded CAF form",
    "Reference {{ document.reference }} for {{ child.name }}",
    "{% for section in sections %}{{ section.title }}{% endfor %}",
)


def upload(client, content: bytes, filename: str = "caf.docx", path: str = PAGE):
    return client.post_form(
        path,
        {"template": (io.BytesIO(content), filename)},
        token_from=path,
    )


def admin_of(borough):
    return make_user(make_organisation(borough, Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN)


@pytest.fixture
def admin_client(app, other_client, filled):
    admin = admin_of(filled.world["borough"])
    db.session.commit()
    sign_in(other_client, admin)
    other_client.admin = admin
    return other_client


def stored() -> list[UploadedTemplate]:
    db.session.expire_all()
    return list(db.session.scalars(select(UploadedTemplate)))


def test_the_list_shows_each_document_type_with_the_template_in_use(admin_client):
    response = admin_client.get("/admin/documents")

    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    rows = {row["data-document-type"]: row["data-template"] for row in page.select("tr")[1:]}
    assert rows["caf_assessment"] == "national"
    assert len(rows) == 7


def test_a_valid_template_is_used_by_a_practitioners_download(admin_client, filled):
    response = upload(admin_client, GOOD)

    assert response.status_code == 302
    [record] = stored()
    assert (record.borough, record.document_type, record.version, record.active) == (
        "eastmoor",
        "caf_assessment",
        1,
        True,
    )
    episode = filled.world["episode"]
    opened = download(filled.client, episode.id, f"response-{filled.response.id}")
    assert "Eastmoor uploaded CAF form" in opened.paragraphs
    assert f"Reference {episode.reference} for" in opened.text
    listed = admin_client.get("/admin/documents").get_data(as_text=True)
    assert 'data-template="uploaded"' in listed
    actions = [event.action for event in db.session.scalars(select(AuditEvent))]
    assert "document_template.uploaded" in actions


def test_an_unknown_placeholder_is_refused_naming_it_and_nothing_is_stored(admin_client):
    content = word_file("{{ answers.shoe_size }} and {{ chld.name }}")

    response = upload(admin_client, content)

    assert response.status_code == 400
    text = BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")
    assert "There is a problem" in text
    assert "answers.shoe_size" in text
    assert "add the question to the form first" in text
    assert "chld" in text
    assert stored() == []


def test_a_pdf_renamed_docx_is_refused(admin_client):
    response = upload(admin_client, b"%PDF-1.7\n%synthetic\n", filename="caf.docx")

    assert response.status_code == 400
    assert "The selected file must be a Word document (.docx)" in response.get_data(as_text=True)
    assert stored() == []


def test_an_upload_with_no_file_is_refused(admin_client):
    response = admin_client.post_form(PAGE, {}, token_from=PAGE)

    assert response.status_code == 400
    assert "Select a Word template to upload" in response.get_data(as_text=True)
    assert stored() == []


def test_the_sample_is_the_template_in_use_filled_for_a_sample_episode(admin_client):
    upload(admin_client, GOOD)

    response = admin_client.get(f"{PAGE}/sample")

    assert response.status_code == 200
    assert response.mimetype == DOCX
    opened = Opened(response.get_data())
    assert "Eastmoor uploaded CAF form" in opened.paragraphs
    assert "Reference SAMPLE-2026-00001 for Sample Child" in opened.paragraphs


def test_going_back_to_the_default_uses_the_national_template_again(admin_client, filled):
    upload(admin_client, GOOD)

    response = admin_client.post_form(f"{PAGE}/default", {}, token_from=PAGE)

    assert response.status_code == 302
    [record] = stored()
    assert record.active is False
    opened = download(filled.client, filled.world["episode"].id, f"response-{filled.response.id}")
    assert "Eastmoor uploaded CAF form" not in opened.paragraphs
    actions = [event.action for event in db.session.scalars(select(AuditEvent))]
    assert "document_template.default_restored" in actions


def test_another_boroughs_upload_never_reaches_this_borough(app, client, filled, other_client):
    outsider = admin_of(make_borough("westfield"))
    db.session.commit()
    sign_in(other_client, outsider)

    assert upload(other_client, GOOD).status_code == 302

    [record] = stored()
    assert record.borough == "westfield"
    opened = download(filled.client, filled.world["episode"].id, f"response-{filled.response.id}")
    assert "Eastmoor uploaded CAF form" not in opened.paragraphs


def test_an_unknown_document_type_is_not_found(admin_client):
    assert admin_client.get("/admin/documents/shopping_list").status_code == 404


@pytest.mark.parametrize("path", ["/admin/documents", PAGE, f"{PAGE}/sample"])
def test_practitioners_cannot_open_the_template_pages(filled, path):
    assert filled.client.get(path).status_code == 403
