"""Build the Word templates in `templates/` from code, so they are reproducible.

`flask --app webapp caf documents build-templates` writes them; a test checks that the
committed files are what this module builds. The default layout prints whatever sections
and fields the borough's form definition has (it loops over `sections`), repeating groups
and strengths-and-needs blocks as tables (a group too wide for a table as a block of
questions per item, under its own heading), and signature blocks where the document has
them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from webapp.documents.types import DOCUMENT_TYPES, DocumentType

#: A fixed timestamp in the package properties, so that a rebuild gives the same bytes.
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"

#: Borough templates shipped as examples of a borough's own layout: (borough, type) → the
#: borough's heading and the answers it names directly.
BOROUGH_TEMPLATES: dict[tuple[str, str], tuple[str, tuple[tuple[str, str], ...]]] = {
    ("riverside", "caf_assessment"): (
        "Riverside Children's Services — Early Help",
        (
            ("NHS number", "{{ answers.nhs_number }}"),
            ("School attended", "{{ answers.school_attended }}"),
            ("Young carer", "{{ answers.young_carer }}"),
        ),
    ),
}


def _set_cell_shading(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _paragraph(
    container, text: str, *, bold: bool = False, size: int | None = None, style: str | None = None
):
    paragraph = container.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _keep_with_next(*paragraphs) -> None:
    for paragraph in paragraphs:
        paragraph.paragraph_format.keep_with_next = True


def _keep_row_together(row, *, header: bool = False, with_next: bool = True) -> None:
    """A table row that is never split across pages; a header row is repeated on each page
    the table runs onto; with `with_next`, the row stays on the page of the row after it,
    so that a table's header is never left alone at the bottom of a page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
    if with_next:
        for cell in row.cells:
            _keep_with_next(*cell.paragraphs)


def _tag(document, tag: str) -> None:
    """A paragraph holding only a docxtpl `{%p ... %}` tag (removed when rendered)."""
    document.add_paragraph(tag)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)


def _header_and_footer(document) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "OFFICIAL-SENSITIVE · {{ document.borough }} · {{ document.title }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.text = (
        "{{ document.reference }} · {{ document.version_label }} · generated "
        "{{ document.generated_at }} by {{ document.generated_by }} · document "
        "{{ document.id }}"
    )
    footer.runs[0].font.size = Pt(8)


def _provenance(document) -> None:
    rows = (
        ("Episode reference", "{{ document.reference }}"),
        ("Child", "{{ child.name }}"),
        ("Date of birth or expected date of delivery", "{{ child.date_of_birth }}"),
        ("Form", "{{ document.version_label }}"),
        ("Borough", "{{ document.borough }}"),
        ("Status", "{{ document.status }}"),
        ("Prepared for", "{{ document.prepared_for }}"),
        (
            "Generated",
            "{{ document.generated_at }} by {{ document.generated_by }}, "
            "{{ document.generated_by_organisation }}",
        ),
        ("Document number", "{{ document.id }}"),
    )
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for index, (label, value) in enumerate(rows):
        table.cell(index, 0).text = label
        table.cell(index, 0).paragraphs[0].runs[0].bold = True
        _set_cell_shading(table.cell(index, 0), "F3F2F1")
        table.cell(index, 1).text = value
    _paragraph(document, "{{ document.notice }}", size=9)


def _question_table(document) -> None:
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "{%tr for row in block.rows %}"
    table.cell(1, 0).text = "{{ row.label }}"
    table.cell(1, 1).text = "{{ row.answer }}"
    _set_cell_shading(table.cell(1, 0), "F3F2F1")
    table.cell(2, 0).text = "{%tr endfor %}"


def _repeating_table(document) -> None:
    _keep_with_next(_paragraph(document, "{{ block.label }}", bold=True))
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).text = "{%tc for column in block.columns %}"
    table.cell(0, 1).text = "{{ column }}"
    table.cell(0, 1).paragraphs[0].runs[0].bold = True
    _set_cell_shading(table.cell(0, 1), "F3F2F1")
    table.cell(0, 2).text = "{%tc endfor %}"
    _keep_row_together(table.rows[0], header=True)
    _keep_row_together(table.rows[2], with_next=False)
    table.cell(1, 0).text = "{%tr for entry in block.entries %}"
    table.cell(2, 0).text = "{%tc for cell in entry %}"
    table.cell(2, 1).text = "{{ cell }}"
    table.cell(2, 2).text = "{%tc endfor %}"
    table.cell(3, 0).text = "{%tr endfor %}"


def _sections(document) -> None:
    _tag(document, "{%p for section in sections %}")
    document.add_heading("{{ section.title }}", level=1)
    _tag(document, "{%p if section.description %}")
    _paragraph(document, "{{ section.description }}", size=9)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for block in section.blocks %}")
    _tag(document, "{%p if block.kind == 'questions' %}")
    _tag(document, "{%p if block.label %}")
    _keep_with_next(_paragraph(document, "{{ block.label }}", bold=True))
    _tag(document, "{%p endif %}")
    _question_table(document)
    _tag(document, "{%p else %}")
    _repeating_table(document)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")


#: The signature table's columns and their widths: room to sign, and a date line that fits.
SIGNATURE_COLUMNS = (("Signed by", 3.2), ("Signature", 4.6), ("Printed name", 4.4), ("Date", 4.8))


def _signatures(document) -> None:
    """The signatures on one page, header and all: the heading, its sentence and every row
    keep with the next, and no row splits across pages."""
    _tag(document, "{%p if signatures %}")
    _keep_with_next(document.add_heading("Signatures", level=1))
    _keep_with_next(
        _paragraph(
            document,
            "By signing, you confirm that the information above is correct and that you "
            "understand who it will be shared with and why.",
            size=9,
        )
    )
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    for index, (heading, width) in enumerate(SIGNATURE_COLUMNS):
        table.cell(0, index).text = heading
        table.cell(0, index).paragraphs[0].runs[0].bold = True
        _set_cell_shading(table.cell(0, index), "F3F2F1")
        table.columns[index].width = Cm(width)  # the grid, which LibreOffice reads
        for row in table.rows:
            row.cells[index].width = Cm(width)  # each cell, which Word reads
    table.cell(1, 0).text = "{%tr for signature in signatures %}"
    table.cell(2, 0).text = "{{ signature.role }}"
    table.cell(2, 1).text = "\n\n"
    table.cell(2, 2).text = "{{ signature.name }}"
    table.cell(2, 3).text = "{{ signature.date }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    _keep_row_together(table.rows[0], header=True)
    _keep_row_together(table.rows[2])
    _tag(document, "{%p endif %}")


def build_template(document_type: DocumentType, borough: str | None = None) -> bytes:
    """The .docx bytes of the default template for a document type (or a shipped
    borough example)."""
    document = Document()
    _styles(document)
    _header_and_footer(document)
    heading, named = BOROUGH_TEMPLATES.get((borough or "", document_type.name), ("", ()))
    if heading:
        _paragraph(document, heading, bold=True, size=12)
    document.add_heading("{{ document.title }}", level=0)
    _provenance(document)
    if named:
        document.add_heading("Key details", level=1)
        table = document.add_table(rows=len(named), cols=2)
        table.style = "Table Grid"
        for index, (label, value) in enumerate(named):
            table.cell(index, 0).text = label
            table.cell(index, 1).text = value
    _sections(document)
    if document_type.signatures:
        _signatures(document)
    core = document.core_properties
    core.author = "eCAF"
    core.title = document_type.title
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(content: bytes) -> bytes:
    """Rewrite the package with fixed dates, so a rebuild gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    start = text.find(f"<{tag}")
                    if start != -1:
                        end = text.find(f"</{tag}>", start)
                        opening_end = text.find(">", start) + 1
                        text = text[:opening_end] + FIXED_TIMESTAMP + text[end:]
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    return output.getvalue()


def planned_templates() -> dict[str, bytes]:
    """Every shipped template by its path under `templates/`."""
    built = {
        f"national/{document_type.filename}": build_template(document_type)
        for document_type in DOCUMENT_TYPES.values()
    }
    for borough, type_name in BOROUGH_TEMPLATES:
        document_type = DOCUMENT_TYPES[type_name]
        built[f"boroughs/{borough}/{document_type.filename}"] = build_template(
            document_type, borough
        )
    return built


def write_templates(root: Path) -> list[Path]:
    written = []
    for relative, content in planned_templates().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
