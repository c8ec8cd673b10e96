"""Render a Word template with docxtpl, in Jinja's sandbox, escaping every value.

Every template is rendered the same way, shipped or uploaded: its package is checked
(webapp/uploads/packages.py), every piece docxtpl renders (body, headers, footers,
footnotes, document properties) is checked against the placeholder allow-list
(placeholders.py) before it is compiled, and it runs in an `ImmutableSandboxedEnvironment`
with only the allowed filters and tests and no globals. The check refuses what the
sandbox would refuse, and more; the sandbox holds even if a check were ever to miss
something.
"""

from __future__ import annotations

import io
import operator
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml.etree import XMLSyntaxError

from webapp.documents.placeholders import ALLOWED_FILTERS, ALLOWED_TESTS, problems_in
from webapp.uploads.packages import (
    MEGABYTE,
    DamagedPackage,
    PackageRefused,
    check_word_package,
    is_xml,
    setting,
)

NOT_A_WORD_DOCUMENT = "The file must be a Word document (.docx)"
TOO_DEEP = (
    "A placeholder has too many brackets, conditions or loops inside one another. Simplify it"
)
#: The longest text or list a template may make by repeating one (`'-' * 80`).
MAX_REPEATED_LENGTH = 10_000


class TemplateUnusable(Exception):
    """The template cannot be rendered; `problems` say why, in the words the template
    check uses (for the borough administrator)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, holding only what templates may use, checking each source it is
    given against the placeholder allow-list before compiling it."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict
        self.filters = {name: self.filters[name] for name in ALLOWED_FILTERS}
        self.tests = {name: self.tests[name] for name in ALLOWED_TESTS}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's
        tree = source if isinstance(source, nodes.Template) else self.parse(source)
        problems = problems_in(tree, None)
        if problems:
            raise TemplateUnusable(problems)
        return super().from_string(tree, globals, template_class)

    def call_binop(self, context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            raise SecurityError("the power operator is not available to templates")
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | list | tuple)
                and isinstance(times, int)
                and len(sequence) * times > MAX_REPEATED_LENGTH
            ):
                raise SecurityError("a template may not repeat text or a list that many times")
        return operator.mul(left, right)


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
    rather than a silently empty line. Raises TemplateUnusable for a template that cannot
    be rendered (nothing it says is run)."""
    problems = package_problems(template)
    if problems:
        raise TemplateUnusable(problems)
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=DocumentEnvironment(), autoescape=True)
        output = io.BytesIO()
        document.save(output)
    except TemplateUnusable:
        raise
    except SecurityError as error:
        raise TemplateUnusable(
            ["A placeholder tries to use something templates cannot use"]
        ) from error
    except TemplateError as error:
        reason = (error.message or "").rstrip(".")
        raise TemplateUnusable([f"A placeholder cannot be filled in: {reason}"]) from error
    except RecursionError as error:
        raise TemplateUnusable([TOO_DEEP]) from error
    except (PackageNotFoundError, XMLSyntaxError, KeyError, ValueError) as error:
        raise TemplateUnusable([NOT_A_WORD_DOCUMENT]) from error
    return output.getvalue()
