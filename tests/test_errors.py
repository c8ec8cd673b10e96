"""Malformed URLs, ids and methods get GOV.UK pages, never a 500 or a stack trace."""

import pytest
from flask import abort

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from webapp import db


@pytest.fixture
def signed_in(client, app):
    sign_in(client, make_user(make_organisation(make_borough())))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-page",
        "/episodes/not-a-number",
        "/episodes/-1",
        "/episodes/1%00",
        "/episodes/99999999999999999999999",
        "/assets/../../pyproject.toml",
        "/assets/fonts/../../../../etc/passwd",
        "/static/../webapp/config.py",
    ],
)
def test_malformed_or_unknown_addresses_get_the_not_found_page(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_wrong_method_gets_405_with_the_allowed_methods(signed_in):
    response = signed_in.delete("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Sorry, there is a problem with your request" in response.get_data(as_text=True)


def test_an_unexpected_error_gets_the_service_problem_page_without_details(app, client):
    @app.route("/explode")
    def explode():
        raise RuntimeError("secret internal detail")

    explode.access_rule = "public"
    response = client.get("/explode")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internal detail" not in page
    assert "RuntimeError" not in page


def test_an_unexpected_error_rolls_back_the_half_made_change(app, client):
    from webapp.boroughs.models import Borough

    @app.route("/half-change")
    def half_change():
        db.session.add(
            Borough(
                code="half",
                name="Half",
                kind="county",
                region="x",
                caf_contact_name="x",
                caf_contact_email="x",
                caf_contact_phone="x",
            )
        )
        db.session.flush()
        raise RuntimeError("after the write")

    half_change.access_rule = "public"
    assert client.get("/half-change").status_code == 500
    assert db.session.query(Borough).filter_by(code="half").count() == 0


def test_clients_asking_for_json_get_json_errors(signed_in):
    response = signed_in.get("/episodes/12345", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"error": "Page not found", "status": 404}


@pytest.mark.parametrize("status", [400, 403, 409, 413, 429])
def test_every_error_status_has_a_govuk_page(app, client, status):
    @app.route(f"/raise-{status}")
    def raise_status():
        abort(status)

    raise_status.access_rule = "public"
    response = client.get(f"/raise-{status}")
    assert response.status_code == status
    assert 'class="govuk-heading-l"' in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
