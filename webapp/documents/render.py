"""Render a Word template with docxtpl, escaping every value."""

from __future__ import annotations

import io
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined


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
