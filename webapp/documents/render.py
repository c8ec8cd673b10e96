"""Render a Word template with docxtpl, escaping every value."""

from __future__ import annotations

import io
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from webapp.uploads.packages import (
    MEGABYTE,
    DamagedPackage,
    PackageRefused,
    check_word_package,
    is_xml,
    setting,
)

NOT_A_WORD_DOCUMENT = "The file must be a Word document (.docx)"


def package_problems(content: bytes) -> list[str]:
    """What stops the bytes being opened as a Word template ([] when they can be)."""
    if not content.startswith(b"PK\x03\x04"):
        return [NOT_A_WORD_DOCUMENT]
    try:
        sizes = check_word_package(content)
    except DamagedPackage:
        return [NOT_A_WORD_DOCUMENT]
    except PackageRefused as refused:
        return [str(refused)]
    max_xml = int(setting("DOCUMENT_TEMPLATE_MAX_XML_BYTES"))
    if sum(size for name, size in sizes.items() if is_xml(name)) > max_xml:
        return [
            f"The template must be smaller than {max_xml / MEGABYTE:g}MB when opened, "
            "pictures aside. Remove what it does not need"
        ]
    return []


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    """The filled-in document. Autoescaping is on (docxtpl's default is off), so an answer
    holding Word markup or `<script>` is printed as text; an unknown name is an error
    rather than a silently empty line (templates are checked before they are used)."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(
        context, jinja_env=Environment(autoescape=True, undefined=StrictUndefined), autoescape=True
    )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
