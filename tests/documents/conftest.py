"""An assessment filled in through the pages, and helpers to open the Word documents."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.conftest import Pages
from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from webapp import db
from webapp.assessments import services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fill(pages: Pages, answers: dict | None = None) -> None:
    for section_id, data in (answers or CAF_ASSESSMENT).items():
        saved = pages.save(section_id, data)
        assert saved.status_code == 302, section_id


def start_assessment(client, world) -> Pages:
    response = services.start_response(
        db.session, world["episode"], "assessment", world["assessor"]
    )
    db.session.commit()
    sign_in(client, world["assessor"])
    return Pages(client, world, response)


@pytest.fixture
def filled(client, app):
    """A national CAF assessment (a borough with no overlay), every section answered."""
    pages = start_assessment(client, make_world("eastmoor"))
    fill(pages)
    return pages


class Opened:
    """A generated document, opened with python-docx."""

    def __init__(self, content: bytes):
        self.content = content
        self.document = Document(io.BytesIO(content))

    @property
    def paragraphs(self) -> list[str]:
        return [paragraph.text for paragraph in self.document.paragraphs]

    @property
    def tables(self) -> list[list[list[str]]]:
        return [
            [[cell.text for cell in row.cells] for row in table.rows]
            for table in self.document.tables
        ]

    @property
    def headings(self) -> list[str]:
        return [
            paragraph.text
            for paragraph in self.document.paragraphs
            if paragraph.style.name.startswith("Heading")
        ]

    @property
    def footer(self) -> str:
        return " ".join(p.text for p in self.document.sections[0].footer.paragraphs)

    @property
    def text(self) -> str:
        cells = [cell for table in self.tables for row in table for cell in row]
        return "\n".join(self.paragraphs + cells + [self.footer])

    def table_with_header(self, *columns: str) -> list[list[str]]:
        for table in self.tables:
            if table and tuple(table[0][: len(columns)]) == columns:
                return table
        raise AssertionError(f"no table with columns {columns}: {[t[0] for t in self.tables]}")

    def answer_to(self, label: str) -> str:
        for table in self.tables:
            for row in table:
                if len(row) == 2 and row[0] == label:
                    return row[1]
        raise AssertionError(f"no question {label!r}")


def download(client, episode_id: int, item: str) -> Opened:
    response = client.get(f"/episodes/{episode_id}/documents/download?item={item}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert "no-store" in response.headers["Cache-Control"]
    return Opened(response.get_data())
