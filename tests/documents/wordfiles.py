"""Word files made in memory for the template and package tests: text in the body, a
header, a footer, the document's title or a footnote; and zips taken apart and put back
together with a part changed, added or left out."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from docx import Document

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def word_file(
    *paragraphs: str,
    header: str | None = None,
    footer: str | None = None,
    title: str | None = None,
    footnote: str | None = None,
) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    if title is not None:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    content = buffer.getvalue()
    return with_footnote(content, footnote) if footnote is not None else content


def with_footnote(content: bytes, text: str) -> bytes:
    """The document with a footnotes part holding `text` (python-docx cannot add one)."""
    footnotes = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="1"><w:p><w:r>'
        f"<w:t>{escape(text)}</w:t></w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    parts = read_parts(content)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_TYPE}"/>'
        "</Types>".encode(),
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdFootnotes" Type="{FOOTNOTES_RELATIONSHIP}" '
        'Target="footnotes.xml"/></Relationships>'.encode(),
    )
    parts["word/footnotes.xml"] = footnotes
    return pack(parts)


def read_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pack(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return output.getvalue()


def repack(
    content: bytes,
    *,
    replace: dict[str, bytes | None] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The package with parts replaced, added, or (given None) left out."""
    parts = read_parts(content)
    for name, data in (replace or {}).items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return pack(parts, compression)
