"""A borough's Word template cannot run code on the server.

Placeholders are checked against an allow-list when a template is uploaded (the whole
family of tricks below is refused, wherever in the document it is written, and nothing is
stored), and every template is rendered in Jinja's sandbox after the same check, so even
a template put straight into the database runs nothing: the practitioner's download and
the administrator's sample answer a clear page, audited, not a 500."""

from __future__ import annotations

import hashlib
import io

import pytest
from bs4 import BeautifulSoup
from jinja2 import TemplateAssertionError, UndefinedError
from jinja2.sandbox import SecurityError
from sqlalchemy import select

from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from tests.documents.conftest import Opened
from tests.documents.wordfiles import word_file
from tests.factories import make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.documents import context, render
from webapp.documents.models import GeneratedDocument, UploadedTemplate
from webapp.documents.render import TemplateUnusable, render_docx

PAGE = "/admin/documents/caf_assessment"
BLANK = "blank-caf_assessment"

#: Each tries to reach Python from a placeholder. MARKER is replaced by a file path that a
#: successful attack would create.
ATTACKS = {
    "string literal, mro walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "string literal to popen": "{{ ''.__class__.__mro__[1].__subclasses__()[140]"
    ".__init__.__globals__['popen']('touch MARKER').read() }}",
    "list literal": "{{ [].__class__.__base__.__subclasses__() }}",
    "dict literal": "{{ {}.__class__.__base__ }}",
    "dict literal method": "{{ {}.update }}",
    "number literal": "{{ (1).__class__.__base__ }}",
    "float literal": "{{ (1.5).__class__ }}",
    "tuple literal": "{{ ().__class__ }}",
    "method of a literal": "{{ 'x'.upper() }}",
    "loop internals": "{% for s in sections %}{{ loop.__class__.__init__.__globals__ }}"
    "{% endfor %}",
    "loop method": "{% for s in sections %}{{ loop.changed(s) }}{% endfor %}",
    "loop private": "{% for s in sections %}{{ loop._iterator }}{% endfor %}",
    "loop outside a for": "{{ loop.index }}",
    "recursive loop": "{% for s in sections recursive %}{{ loop(s.blocks) }}{% endfor %}",
    "range globals": "{{ range.__globals__ }}",
    "huge range": "{% for i in range(999999999) %}{{ i }}{% endfor %}",
    "self context": "{{ self._TemplateReference__context }}",
    "self to builtins": "{{ self.__init__.__globals__.__builtins__.__import__('os')"
    ".popen('touch MARKER') }}",
    "cycler to os": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "joiner to os": "{{ joiner.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "namespace to os": "{{ namespace.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "namespace assignment": "{% set ns = namespace() %}{% set ns.x = 1 %}{{ ns.x }}",
    "lipsum to os": "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "dict global": "{{ dict(x=1) }}",
    "config to os": "{{ config.__class__.from_envvar.__globals__.import_string('os')"
    ".popen('touch MARKER') }}",
    "request to builtins": "{{ request.application.__globals__.__builtins__"
    ".__import__('os').popen('touch MARKER').read() }}",
    "attr filter": "{{ document|attr('__class__') }}",
    "attr filter, escaped name": "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "getitem class": "{{ document['__class__'] }}",
    "getitem class, escaped name": "{{ child['\\x5f\\x5fclass\\x5f\\x5f'] }}",
    "getitem of a part": "{{ child.name['__class__'] }}",
    "getitem with a computed key": "{{ document[child.name] }}",
    "set from a literal": "{% set x = ''.__class__ %}{{ x }}",
    "set an alias, then its class": "{% set x = document %}{{ x.__class__ }}",
    "set block": "{% set x %}{{ ''.__class__ }}{% endset %}{{ x }}",
    "macro": "{% macro m() %}{{ child.name }}{% endmacro %}{{ m() }}",
    "call block": "{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}x{% endcall %}",
    "include": "{% include 'templates/national/caf_assessment.docx' %}",
    "import": "{% import 'os' as os %}",
    "from import": "{% from 'errors/base.html' import x %}",
    "extends": "{% extends 'layout.html' %}",
    "block": "{% block body %}{{ child.name }}{% endblock %}",
    "filter block": "{% filter upper %}{{ child.name }}{% endfilter %}",
    "with": "{% with x = ''.__class__ %}{{ x }}{% endwith %}",
    "autoescape off": "{% autoescape false %}{{ child.name }}{% endautoescape %}",
    "safe filter": "{{ child.name|safe }}",
    "format method": "{{ '{0.__class__}'.format(document) }}",
    "format method to globals": "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "format filter": "{{ '%s'|format(document) }}",
    "mro call": "{{ ''.__class__.mro() }}",
    "mro of a context value": "{{ child.name.__class__.mro()[1].__subclasses__() }}",
    "globals of a method": "{{ document.title.upper.__globals__ }}",
    "builtins": "{{ __builtins__ }}",
    "globals": "{{ __globals__ }}",
    "map attribute": "{{ sections|map(attribute='__class__')|list }}",
    "selectattr": "{{ sections|selectattr('__class__')|list }}",
    "sort attribute": "{{ sections|sort(attribute='__class__') }}",
    "groupby": "{{ sections|groupby('__class__') }}",
    "join attribute": "{{ signatures|join(', ', attribute='__class__') }}",
    "for over an attribute chain": "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
    "for over subclasses": "{% for c in document.__class__.__subclasses__() %}{{ c }}{% endfor %}",
    "method of the context": "{{ document.items() }}",
    "power": "{{ 9 ** 9 ** 9 }}",
    "repeated text": "{{ 'x' * 100000000 }}",
    "unknown name": "{{ os }}",
    "private loop variable": "{% for _x in sections %}{{ _x }}{% endfor %}",
    "docxtpl run tag": "{{r ''.__class__ }}",
}
#: Attacks that reach for the operating system, tried in every part of the document.
OS_ATTACKS = ("string literal to popen", "cycler to os", "lipsum to os")
PLACES = ("body", "header", "footer", "title", "footnote")


def template_with(text: str, place: str = "body") -> bytes:
    if place == "body":
        return word_file("Eastmoor CAF form", text)
    return word_file("Eastmoor CAF form {{ child.name }}", **{place: text})


def armed(attack: str, marker) -> str:
    return ATTACKS[attack].replace("MARKER", str(marker))


def stored() -> list[UploadedTemplate]:
    db.session.expire_all()
    return list(db.session.scalars(select(UploadedTemplate)))


def actions() -> list[str]:
    return [event.action for event in db.session.scalars(select(AuditEvent))]


def upload(client, content: bytes):
    return client.post_form(PAGE, {"template": (io.BytesIO(content), "caf.docx")}, token_from=PAGE)


def errors_on(response) -> list[str]:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    listed = page.select(".govuk-error-summary__list li, #more-problems li")
    return [item.get_text(" ", strip=True) for item in listed]


@pytest.fixture
def world(app):
    world = make_world("eastmoor")
    council = make_organisation(world["borough"], Sector.LOCAL_AUTHORITY)
    world["admin"] = make_user(council, Role.BOROUGH_ADMIN)
    db.session.commit()
    return world


@pytest.fixture
def admin(world, other_client):
    sign_in(other_client, world["admin"])
    return other_client


@pytest.fixture
def practitioner(world, client):
    sign_in(client, world["assessor"])
    return client


def store_directly(world, content: bytes) -> UploadedTemplate:
    """An active uploaded template that never went through the upload check."""
    record = UploadedTemplate(
        borough="eastmoor",
        document_type="caf_assessment",
        version=1,
        filename="planted.docx",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        active=True,
        uploaded_by_id=world["admin"].id,
    )
    db.session.add(record)
    db.session.commit()
    return record


# --- refused at upload ----------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_is_refused_at_upload_wherever_it_is_written(admin, attack, tmp_path):
    marker = tmp_path / "ran"
    for place in PLACES:
        response = upload(admin, template_with(armed(attack, marker), place))

        assert response.status_code == 400, (attack, place)
        assert errors_on(response), (attack, place)
    assert stored() == []
    assert "document_template.uploaded" not in actions()
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{{ ''.__class__ }}",
            "“''.__class__”: names starting with “_” cannot be used in a template",
        ),
        (
            "{{ cycler.__init__ }}",
            "“cycler” is not something eCAF provides to templates. Use one of: answers, "
            "child, document, sections, signatures",
        ),
        (
            "{% include 'x' %}",
            "“{% include %}” cannot be used in a template. Use {{ … }} to print, and only "
            "{% if %}, {% for %} and {% set %}",
        ),
        (
            "{{ document.title.upper() }}",
            "“document.title.upper(…)”: templates cannot call functions or methods. Remove "
            "the brackets and name only what eCAF provides",
        ),
        (
            "{{ child.name|attr('x') }}",
            "“|attr” cannot be used in a template. Use one of these filters: capitalize, "
            "default, first, join, last, length, lower, replace, title, trim, truncate, "
            "upper, wordcount",
        ),
        (
            "{% for s in sections %}{{ loop.changed }}{% endfor %}",
            "“loop.changed” is not something eCAF provides. loop has: index, index0, "
            "revindex, revindex0, first, last, length, depth, depth0, previtem, nextitem "
            "(and loop.cycle(…))",
        ),
        (
            "{{ child.name.title }}",
            "“child.name.title” is not something eCAF provides. Templates may use only "
            "document, child, sections, answers and signatures, and the parts of each that "
            "eCAF lists",
        ),
    ],
)
def test_a_refused_placeholder_is_named_in_words_an_administrator_can_act_on(admin, text, message):
    response = upload(admin, template_with(text))

    assert response.status_code == 400
    assert errors_on(response) == [message]


def test_what_templates_may_use_is_still_accepted_and_printed(admin, practitioner, world):
    content = word_file(
        "{{ document.title|upper }} for {{ child.name|default('a child') }}",
        "{% set heading = document.reference %}Reference {{ heading|trim }}",
        "{% for section in sections %}{{ loop.index }}. {{ section.title }}"
        "{{ loop.cycle(' (odd)', ' (even)') }}{% if not loop.last %}; {% endif %}{% endfor %}",
        "{{ sections[0].title }} / {{ sections|length }} sections / {{ signatures|first is none }}",
        "{% if sections|length > 1 and child.name is string %}Several sections{% endif %}",
        header="{{ document.borough }}",
        title="{{ document.title }}",
    )

    assert upload(admin, content).status_code == 302
    response = practitioner.get(f"/episodes/{world['episode'].id}/documents/download?item={BLANK}")

    assert response.status_code == 200
    opened = Opened(response.get_data())
    reference = world["episode"].reference
    assert opened.paragraphs[0] == (
        f"COMMON ASSESSMENT FRAMEWORK FORM for {world['child'].display_name}"
    )
    assert opened.paragraphs[1] == f"Reference {reference}"
    assert opened.paragraphs[2].startswith("1. ")
    assert " (odd); 2. " in opened.paragraphs[2]
    assert "Several sections" in opened.paragraphs


@pytest.mark.parametrize(
    "text",
    [
        "{{ " + "(" * 600 + "child.name" + ")" * 600 + " }}",
        "{% if child.name %}" * 600 + "x" + "{% endif %}" * 600,
    ],
    ids=["brackets", "conditions"],
)
def test_placeholders_nested_too_deeply_are_refused_not_a_500(admin, practitioner, world, text):
    response = upload(admin, template_with(text))

    assert response.status_code == 400
    assert errors_on(response) == [
        "A placeholder has too many brackets, conditions or loops inside one another. Simplify it"
    ]
    assert stored() == []
    store_directly(world, template_with(text))
    assert_refused_clearly(*download_and_sample(practitioner, admin, world))


# --- harmless when put straight into the database ------------------------------------------


def download_and_sample(practitioner, admin, world):
    download = practitioner.get(f"/episodes/{world['episode'].id}/documents/download?item={BLANK}")
    sample = admin.get(f"{PAGE}/sample")
    return download, sample


def assert_refused_clearly(download, sample) -> None:
    for response in (download, sample):
        assert response.status_code == 409
        assert response.mimetype == "text/html"
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert page.h1.get_text(strip=True) == "This document cannot be produced"
    assert "Tell your borough administrator" in download.get_data(as_text=True)
    problems = BeautifulSoup(sample.get_data(as_text=True), "html.parser").select(
        "#template-problems li"
    )
    assert problems, "the administrator is told what is wrong"


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_template_stored_directly_runs_nothing_and_is_refused_clearly(
    admin, practitioner, world, attack, tmp_path
):
    marker = tmp_path / "ran"
    store_directly(world, template_with(armed(attack, marker)))

    download, sample = download_and_sample(practitioner, admin, world)

    assert_refused_clearly(download, sample)
    assert not marker.exists()
    assert db.session.scalars(select(GeneratedDocument)).all() == []
    refusals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.refused")
    ).all()
    assert [event.actor_id for event in refusals] == [world["assessor"].id, world["admin"].id]
    assert refusals[0].episode_id == world["episode"].id


@pytest.mark.parametrize("place", PLACES[1:])
@pytest.mark.parametrize("attack", OS_ATTACKS)
def test_an_attack_stored_in_any_part_of_the_document_runs_nothing(
    admin, practitioner, world, attack, place, tmp_path
):
    marker = tmp_path / "ran"
    store_directly(world, template_with(armed(attack, marker), place))

    assert_refused_clearly(*download_and_sample(practitioner, admin, world))
    assert not marker.exists()


# --- the sandbox itself ----------------------------------------------------------------------


@pytest.fixture
def unchecked(monkeypatch):
    """The renderer without its placeholder check, to show what the sandbox alone does."""
    monkeypatch.setattr(render, "problems_in", lambda tree, field_ids: [])


def a_context() -> dict:
    return context.build(
        document=dict.fromkeys(context.DOCUMENT_KEYS, "x"),
        child={"name": "Sample Child"},
        sections=[],
        answers={},
        signatures=[],
    )


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ document.__class__ }}",
        "{{ child.name.__class__.__base__.__subclasses__() }}",
        "{{ '{0.__class__}'.format(document) }}",
        "{{ document.update({'title': 'forged'}) }}",
        "{{ 'x' * 100000000 }}",
        "{{ 9 ** 9 ** 9 }}",
    ],
)
def test_the_sandbox_itself_refuses_what_the_check_would(unchecked, text, tmp_path):
    with pytest.raises(TemplateUnusable) as raised:
        render_docx(template_with(text), a_context())

    assert isinstance(raised.value.__cause__, SecurityError)


@pytest.mark.parametrize(
    ("text", "refused_by"),
    [
        ("{{ cycler.__init__.__globals__.os.popen('touch MARKER') }}", SecurityError),
        ("{{ cycler.next() }}", UndefinedError),
        ("{{ lipsum.__globals__['os'].popen('touch MARKER') }}", UndefinedError),
        ("{% for i in range(10) %}{% endfor %}", UndefinedError),
        ("{{ document|attr('__class__') }}", TemplateAssertionError),
        ("{{ sections|map(attribute='__class__')|list }}", TemplateAssertionError),
    ],
)
def test_the_sandbox_has_no_globals_and_only_the_allowed_filters(
    unchecked, text, refused_by, tmp_path
):
    marker = tmp_path / "ran"
    with pytest.raises(TemplateUnusable) as raised:
        render_docx(template_with(text.replace("MARKER", str(marker))), a_context())

    assert isinstance(raised.value.__cause__, refused_by)
    assert not marker.exists()


def test_the_renderer_checks_every_piece_it_renders(tmp_path):
    marker = tmp_path / "ran"
    attack = armed("cycler to os", marker)
    for place in PLACES:
        with pytest.raises(TemplateUnusable) as raised:
            render_docx(template_with(attack, place), a_context())

        assert raised.value.problems == [
            "“cycler” is not something eCAF provides to templates. Use one of: answers, "
            "child, document, sections, signatures"
        ], place
    assert not marker.exists()
