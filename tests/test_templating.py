"""The GOV.UK macros import their own macros on every call: each imported template becomes a
module once per process, and a page that brings globals of its own still hands them on."""

from jinja2 import DictLoader, Environment

from webapp.templating import ImportOnceTemplate


def test_pages_make_each_imported_macro_library_into_a_module_once(app, client, monkeypatch):
    assert client.get("/sign-in").status_code == 200  # the first page made the modules
    made = []
    original = ImportOnceTemplate.make_module

    def counted(self, *args, **kwargs):
        made.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ImportOnceTemplate, "make_module", counted)
    for _ in range(2):
        response = client.get("/sign-in")
        assert response.status_code == 200
        assert 'class="govuk-input' in response.get_data(as_text=True)

    assert made == []


def test_a_template_with_globals_of_its_own_still_hands_them_to_what_it_imports():
    environment = Environment(
        autoescape=True,
        loader=DictLoader(
            {
                "library.html": "{% macro shout() %}{{ extra | default('none') }}!{% endmacro %}",
                "page.html": '{% from "library.html" import shout %}{{ shout() }}',
            }
        ),
    )
    environment.template_class = ImportOnceTemplate

    assert environment.get_template("page.html").render() == "none!"
    with_extra = environment.get_template("page.html", globals={"extra": "yes"})
    assert with_extra.render() == "yes!"
