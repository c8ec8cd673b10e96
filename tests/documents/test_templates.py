"""Templates are reproducible, checked against what the renderer provides when they are
added and when the app starts, and looked up borough first."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from tests.conftest import make_test_config
from webapp import create_app
from webapp.config import PROJECT_ROOT
from webapp.documents import DocumentTemplateError, builder
from webapp.documents.context import CONTEXT_NAMES
from webapp.documents.templates import check_template, find_template
from webapp.documents.types import DOCUMENT_TYPES

TEMPLATES = PROJECT_ROOT / "templates"


def template_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_committed_templates_are_exactly_what_the_builder_makes():
    planned = builder.planned_templates()
    committed = {
        str(path.relative_to(TEMPLATES)): path.read_bytes() for path in TEMPLATES.rglob("*.docx")
    }
    assert set(committed) == set(planned)
    changed = [name for name, content in planned.items() if committed[name] != content]
    assert changed == [], "run `flask --app webapp caf documents build-templates`"


def test_there_is_a_national_template_for_every_document_type():
    for document_type in DOCUMENT_TYPES.values():
        assert (TEMPLATES / "national" / document_type.filename).is_file()


def test_every_shipped_template_names_only_what_the_renderer_provides(app):
    from webapp.assessments.library import form_library
    from webapp.documents.services import check_folder

    assert check_folder(TEMPLATES, form_library()) == []


def test_a_borough_template_is_found_before_the_national_one():
    kind = DOCUMENT_TYPES["caf_assessment"]
    assert find_template(TEMPLATES, kind, "riverside").borough == "riverside"
    assert find_template(TEMPLATES, kind, "northgate").borough is None
    assert find_template(TEMPLATES, DOCUMENT_TYPES["closure"], "riverside").borough is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ document.refrence }}", "“document.refrence” is not something eCAF provides"),
        ("{{ answers.nhs_numbr }}", "the form has no question with the id “nhs_numbr”"),
        ("{{ social_worker_name }}", "“social_worker_name” is not something eCAF provides"),
        ("{{ child.address }}", "“child.address” is not something eCAF provides"),
        (
            "{%p for s in signatures %}\n{{ s.signature_image }}\n{%p endfor %}",
            "“signature.signature_image” is not something eCAF provides",
        ),
        ("{{ document.title ", "A placeholder is not written correctly"),
    ],
)
def test_a_template_naming_something_unknown_is_refused_with_a_message(text, expected):
    problems = check_template(template_with(*text.split("\n")), {"nhs_number"})
    assert problems and expected in problems[0], problems


def test_a_template_naming_known_things_is_accepted():
    content = template_with(
        "{{ document.reference }} {{ child.name }} {{ answers.nhs_number }}",
        "{%p for section in sections %}",
        "{{ section.title }}",
        "{%p endfor %}",
    )
    assert check_template(content, {"nhs_number"}) == []


def test_a_file_that_is_not_a_word_document_is_refused():
    assert check_template(b"%PDF-1.4 ...", set()) == ["The file must be a Word document (.docx)"]
    assert check_template(b"PK\x03\x04 broken zip", set()) == [
        "The file must be a Word document (.docx)"
    ]


def test_the_renderer_provides_exactly_the_names_templates_may_use(filled_context):
    assert tuple(filled_context) == CONTEXT_NAMES


@pytest.fixture
def filled_context():
    from webapp.documents import context

    return context.build(
        document=dict.fromkeys(context.DOCUMENT_KEYS, ""),
        child={},
        sections=[],
        answers={},
        signatures=[],
    )


def test_the_app_refuses_to_start_with_a_broken_borough_template(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    broken = folder / "boroughs" / "riverside" / "closure.docx"
    broken.write_bytes(template_with("{{ answers.closure_reasonn }}"))
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path / "instance"))
    config = make_test_config(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config["DOCUMENT_TEMPLATES_PATH"] = str(folder)
    with pytest.raises(DocumentTemplateError) as raised:
        create_app(config)
    assert str(broken) in str(raised.value)
    assert "closure_reasonn" in str(raised.value)


def test_the_app_refuses_to_start_without_a_national_template(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "national" / "closure.docx").unlink()
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path / "instance"))
    config = make_test_config(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config["DOCUMENT_TEMPLATES_PATH"] = str(folder)
    with pytest.raises(DocumentTemplateError, match="closure summary is missing"):
        create_app(config)


def test_adding_a_borough_template_with_an_unknown_placeholder_is_refused(
    app, runner_cli, tmp_path
):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    app.config["DOCUMENT_TEMPLATES_PATH"] = str(folder)
    candidate = tmp_path / "riverside-closure.docx"
    candidate.write_bytes(template_with("Reason: {{ answers.no_such_question }}"))
    result = runner_cli.invoke(
        args=["caf", "documents", "add-template", "riverside", "closure", str(candidate)]
    )
    assert result.exit_code == 1
    assert "no_such_question" in result.output and "was not added" in result.output
    assert not (folder / "boroughs" / "riverside" / "closure.docx").exists()


def test_adding_a_valid_borough_template_puts_it_in_use(app, runner_cli, tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    app.config["DOCUMENT_TEMPLATES_PATH"] = str(folder)
    candidate = tmp_path / "riverside-closure.docx"
    candidate.write_bytes(template_with("{{ document.title }} for {{ child.name }}"))
    result = runner_cli.invoke(
        args=["caf", "documents", "add-template", "riverside", "closure", str(candidate)]
    )
    assert result.exit_code == 0, result.output
    assert (folder / "boroughs" / "riverside" / "closure.docx").read_bytes() == (
        candidate.read_bytes()
    )
    assert find_template(folder, DOCUMENT_TYPES["closure"], "riverside").borough == "riverside"


def test_the_check_command_passes_on_the_shipped_templates(runner_cli):
    result = runner_cli.invoke(args=["caf", "documents", "check"])
    assert result.exit_code == 0, result.output
    assert "Every document template is valid" in result.output


def test_build_templates_writes_every_template(runner_cli, tmp_path: Path):
    result = runner_cli.invoke(args=["caf", "documents", "build-templates", "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.docx"))
    assert written == sorted(builder.planned_templates())


def rendered_before_the_sandbox(template: bytes, context: dict) -> bytes:
    """How every template was rendered before: docxtpl with a plain Jinja environment.
    Used here only on the shipped templates, to show they render exactly as they did."""
    document = DocxTemplate(io.BytesIO(template))
    environment = Environment(autoescape=True, undefined=StrictUndefined)
    document.render(context, jinja_env=environment, autoescape=True)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def parts_of(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("relative", sorted(builder.planned_templates()))
def test_every_shipped_template_renders_exactly_as_before_the_sandbox(app, relative):
    from webapp.assessments.library import form_library
    from webapp.documents import context, sources
    from webapp.documents.render import render_docx

    document_type = DOCUMENT_TYPES[Path(relative).stem]
    borough = Path(relative).parent.name if relative.startswith("boroughs/") else "eastmoor"
    form = (
        form_library().effective(borough, document_type.form_id) if document_type.form_id else None
    )
    field_ids = sorted(sources.form_field_ids(form)) if form is not None else []
    filled = context.build(
        document={key: f"{key} <b>&amp;</b> ‘quoted’" for key in context.DOCUMENT_KEYS},
        child={"name": "Ada <Lovelace> & Co", "date_of_birth": "1 January 2018"},
        sections=sources.form_sections(list(form.sections), {}, blank=True) if form else [],
        answers={field_id: f"Answer to {field_id} {{{{ 7*7 }}}}" for field_id in field_ids},
        signatures=sources.signatures_for(document_type.name),
    )
    template = (TEMPLATES / relative).read_bytes()

    assert parts_of(render_docx(template, filled)) == parts_of(
        rendered_before_the_sandbox(template, filled)
    )
