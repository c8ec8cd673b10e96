"""One of each document type converts to PDF with LibreOffice without errors.

Without LibreOffice (`soffice`) this is skipped, except in CI (CI=true), where `.ci/run`
installs it and a missing converter is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlalchemy import select

from tests.documents.conftest import download
from webapp import db
from webapp.consent.models import Consent
from webapp.documents.types import CONSENT_STATEMENT, DOCUMENT_TYPES

SOFFICE = shutil.which("soffice")

pytestmark = pytest.mark.office


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is needed in CI: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return SOFFICE


def test_one_of_each_document_type_converts_to_pdf(filled, soffice, tmp_path):
    episode_id = filled.world["episode"].id
    consent = db.session.scalars(select(Consent)).first()
    items = {
        "caf_assessment": f"response-{filled.response.id}",
        CONSENT_STATEMENT: f"consent-{consent.id}",
    }
    for name in DOCUMENT_TYPES:
        items.setdefault(name, f"blank-{name}")
    for name, item in items.items():
        (tmp_path / f"{name}.docx").write_bytes(download(filled.client, episode_id, item).content)

    result = subprocess.run(  # noqa: S603 - a fixed program and our own files
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sorted(str(path) for path in tmp_path.glob("*.docx")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in DOCUMENT_TYPES:
        pdf = tmp_path / "pdf" / f"{name}.pdf"
        assert pdf.is_file(), (name, result.stdout, result.stderr)
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert pdf.stat().st_size > 10_000, name  # a real page, not an empty shell
