"""Word documents as the family and the practitioner read them: "Prepared for" names whom
the copy is for once, times are on UK clocks, and the signatures hold together (the table's
header keeps with its rows, no row splits across a page, no line to sign on wraps). The
documents are generated through HTTP and opened as Word files."""

from datetime import datetime

from docx.oxml.ns import qn
from sqlalchemy import select

from tests.documents.conftest import download
from webapp import db
from webapp.consent.models import Consent
from webapp.documents.builder import SIGNATURE_COLUMNS
from webapp.documents.models import GeneratedDocument
from webapp.govuk_dates import govuk_date_time, uk_time


def _consent_statement(filled):
    consent = db.session.scalars(select(Consent)).first()
    return download(filled.client, filled.world["episode"].id, f"consent-{consent.id}")


def test_prepared_for_names_the_agency_once(filled):
    opened = _consent_statement(filled)
    organisation = filled.world["assessor"].organisation.name
    assert opened.answer_to("Prepared for") == f"{organisation}, for its own records"
    assert "For the records of" not in opened.text


def test_the_generated_time_is_on_uk_clocks(filled):
    opened = _consent_statement(filled)
    record = db.session.scalars(
        select(GeneratedDocument).order_by(GeneratedDocument.id.desc())
    ).first()
    generated = opened.answer_to("Generated")
    assert generated.startswith(f"{govuk_date_time(uk_time(record.generated_at))} (UK time) by ")
    assert "UTC" not in opened.text


def test_uk_time_is_gmt_in_winter_and_bst_in_summer():
    assert govuk_date_time(uk_time(datetime(2026, 1, 15, 9, 30))) == "15 January 2026 at 09:30"
    assert govuk_date_time(uk_time(datetime(2026, 7, 15, 9, 30))) == "15 July 2026 at 10:30"
    assert govuk_date_time(uk_time(datetime(2026, 3, 29, 0, 59))) == "29 March 2026 at 00:59"
    assert govuk_date_time(uk_time(datetime(2026, 3, 29, 1, 0))) == "29 March 2026 at 02:00"


def _signature_table(opened):
    for table in opened.document.tables:
        if table.rows and table.rows[0].cells[0].text == "Signed by":
            return table
    raise AssertionError("no signature table")


def _row_has(row, tag: str) -> bool:
    properties = row._tr.trPr
    return properties is not None and properties.find(qn(tag)) is not None


def _keeps_with_next(paragraph) -> bool:
    return bool(paragraph.paragraph_format.keep_with_next)


def test_the_signatures_hold_together_on_one_page(filled):
    opened = _consent_statement(filled)
    heading = next(p for p in opened.document.paragraphs if p.text == "Signatures")
    sentence = next(p for p in opened.document.paragraphs if p.text.startswith("By signing"))
    assert _keeps_with_next(heading) and _keeps_with_next(sentence)
    table = _signature_table(opened)
    assert len(table.rows) == 4  # the header and three signatures
    header, *signatures = table.rows
    assert _row_has(header, "w:tblHeader") and _row_has(header, "w:cantSplit")
    for row in table.rows:
        assert _row_has(row, "w:cantSplit")
        assert all(_keeps_with_next(p) for cell in row.cells for p in cell.paragraphs)


def test_no_line_to_sign_on_wraps(filled):
    opened = _consent_statement(filled)
    table = _signature_table(opened)
    widths = [round(column.width.cm, 1) for column in table.columns]
    assert widths == [width for _heading, width in SIGNATURE_COLUMNS]
    assert sum(widths) <= 17.0  # the page less its margins
    for row in table.rows[1:]:
        date = row.cells[3].text
        assert " " not in date and "\u00a0/\u00a0" in date  # no-break spaces only
