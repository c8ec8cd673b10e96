"""Finding a document's Word template, and checking a template's placeholders.

A borough's active uploaded template (stored in the database, so every app process sees
it) is looked up first, then the borough's own file (`templates/boroughs/<borough>/<type>.docx`),
then the national default (`templates/national/<type>.docx`). A template is refused when
it names anything the renderer does not provide, so a typing mistake in a borough's
template is found when the template is added, not when a practitioner prints a form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, nodes
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.documents.context import CHILD_KEYS, DOCUMENT_KEYS, SIGNATURE_KEYS
from webapp.documents.models import UploadedTemplate
from webapp.documents.render import NOT_A_WORD_DOCUMENT, package_problems
from webapp.documents.types import DocumentType


@dataclass(frozen=True)
class TemplateSource:
    path: Path | None
    borough: str | None  # None: the national default
    #: The bytes of a template uploaded through the web (then `path` is None).
    content: bytes | None = None
    uploaded_version: int | None = None

    @property
    def label(self) -> str:
        if self.uploaded_version is not None:
            return f"{self.borough} uploaded template, version {self.uploaded_version}"
        return f"{self.borough} template" if self.borough else "national template"

    @property
    def record_label(self) -> str:
        """What a generated document records as its template."""
        if self.uploaded_version is not None:
            return f"{self.borough} upload {self.uploaded_version}"
        return self.borough or "national"

    def read(self) -> bytes:
        """The template's bytes (OSError when a shipped file is missing)."""
        if self.content is not None:
            return self.content
        assert self.path is not None
        return self.path.read_bytes()


def find_template(
    root: Path, document_type: DocumentType, borough: str | None, db_session: Session | None = None
) -> TemplateSource:
    """The borough's active uploaded template (with a database session), else the borough's
    own file, else the national default."""
    if borough and db_session is not None:
        uploaded = active_upload(db_session, borough, document_type.name)
        if uploaded is not None:
            return TemplateSource(None, borough, uploaded.content, uploaded.version)
    if borough:
        own = root / "boroughs" / borough / document_type.filename
        if own.is_file():
            return TemplateSource(own, borough)
    return TemplateSource(root / "national" / document_type.filename, None)


def active_upload(db_session: Session, borough: str, document_type: str) -> UploadedTemplate | None:
    return db_session.scalars(
        select(UploadedTemplate)
        .where(
            UploadedTemplate.borough == borough,
            UploadedTemplate.document_type == document_type,
            UploadedTemplate.active.is_(True),
        )
        .order_by(UploadedTemplate.version.desc())
        .limit(1)
    ).first()


# --- what a template may name -------------------------------------------------------------


class _Leaf:
    """A value with no parts a template may name (text)."""


@dataclass(frozen=True)
class _Object:
    name: str
    keys: dict[str, object]


@dataclass(frozen=True)
class _ListOf:
    item: object


@dataclass(frozen=True)
class _Answers:
    field_ids: frozenset[str]


LEAF = _Leaf()
_ROW = _Object("row", {"label": LEAF, "answer": LEAF, "blank": LEAF})
_BLOCK = _Object(
    "block",
    {
        "kind": LEAF,
        "label": LEAF,
        "rows": _ListOf(_ROW),
        "columns": _ListOf(LEAF),
        "entries": _ListOf(_ListOf(LEAF)),
    },
)
_SECTION = _Object("section", {"title": LEAF, "description": LEAF, "blocks": _ListOf(_BLOCK)})


def _context_schema(field_ids: set[str]) -> dict[str, object]:
    return {
        "document": _Object("document", dict.fromkeys(DOCUMENT_KEYS, LEAF)),
        "child": _Object("child", dict.fromkeys(CHILD_KEYS, LEAF)),
        "sections": _ListOf(_SECTION),
        "answers": _Answers(frozenset(field_ids)),
        "signatures": _ListOf(_Object("signature", dict.fromkeys(SIGNATURE_KEYS, LEAF))),
    }


#: Names Jinja itself provides inside templates.
_JINJA_NAMES = {"loop", "range", "true", "false", "none", "True", "False", "None"}


def _target_names(target: nodes.Node) -> list[str]:
    """The names a `for` or `set` assigns (a target is a name or a tuple of names)."""
    if isinstance(target, nodes.Name):
        return [target.name]
    return [name.name for name in target.find_all(nodes.Name)]


class _Checker:
    def __init__(self, schema: dict[str, object]):
        self.schema = schema
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def resolve(self, node: nodes.Node, scope: dict[str, object]) -> object | None:
        """The schema of an expression (None: unknown, not checked further)."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.schema:
                return self.schema[node.name]
            if node.name not in _JINJA_NAMES:
                self.problem(
                    f"“{node.name}” is not something eCAF provides to templates. Use one of: "
                    + ", ".join(sorted(self.schema))
                )
            return None
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            parent = self.resolve(node.node, scope)
            if isinstance(node, nodes.Getattr):
                key = node.attr
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                key = node.arg.value
            else:
                self.walk(node.arg, scope)
                return None
            return self._member(parent, key, node)
        self.walk_children(node, scope)
        return None

    def _member(self, parent: object | None, key: str, node: nodes.Node) -> object | None:
        if isinstance(parent, _Object):
            if key not in parent.keys:
                self.problem(
                    f"“{parent.name}.{key}” is not something eCAF provides. "
                    f"{parent.name} has: " + ", ".join(parent.keys)
                )
                return None
            return parent.keys[key]
        if isinstance(parent, _Answers):
            if key not in parent.field_ids:
                self.problem(
                    f"“answers.{key}”: the form has no question with the id “{key}”. Check the "
                    "spelling against the form definition, or add the question to the form first"
                )
            return LEAF
        return None

    def walk(self, node: nodes.Node, scope: dict[str, object]) -> None:
        if isinstance(node, nodes.For):
            iterated = self.resolve(node.iter, scope)
            inner = dict(scope)
            item = iterated.item if isinstance(iterated, _ListOf) else None
            for name in _target_names(node.target):
                inner[name] = item
            for child in node.body + node.else_:
                self.walk(child, inner)
            if node.test is not None:
                self.walk(node.test, inner)
            return
        if isinstance(node, nodes.Assign):
            self.walk(node.node, scope)
            for name in _target_names(node.target):
                scope[name] = None
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.resolve(node, scope)
            return
        self.walk_children(node, scope)

    def walk_children(self, node: nodes.Node, scope: dict[str, object]) -> None:
        for child in node.iter_child_nodes():
            self.walk(child, scope)


def template_source(content: bytes) -> str:
    """The Jinja source docxtpl renders: the body, headers and footers of the template."""
    template = DocxTemplate(io.BytesIO(content))
    document = Document(io.BytesIO(content))
    source = template.patch_xml(template.xml_to_string(document._element.body))
    for relationship in document.part.rels.values():
        if relationship.reltype in (template.HEADER_URI, template.FOOTER_URI):
            blob = relationship.target_part.blob
            if blob:
                source += template.patch_xml(template.xml_to_string(parse_xml(blob)))
    return source


def check_template(content: bytes, field_ids: set[str]) -> list[str]:
    """What is wrong with a template, in words a borough administrator can act on ([] when
    it can be used). `field_ids` are the questions of the borough's form."""
    problems = package_problems(content)
    if problems:
        return problems
    try:
        source = template_source(content)
    except (PackageNotFoundError, KeyError, ValueError):
        return [NOT_A_WORD_DOCUMENT]
    try:
        tree = Environment(autoescape=True).parse(source)
    except TemplateSyntaxError as error:
        reason = (error.message or "").rstrip(".")
        return [
            f"A placeholder is not written correctly: {reason}. Check that every "
            "{{ … }} and {% … %} is complete and that loops and conditions are closed"
        ]
    checker = _Checker(_context_schema(field_ids))
    checker.walk(tree, {})
    return checker.problems
