"""The workflow pages: who may see which workflow, the diagram text, the accessible
tables, and the page-only relaxation of the Content-Security-Policy for mermaid."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector


@pytest.fixture
def accounts(app):
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    council = make_organisation(riverside, Sector.LOCAL_AUTHORITY)
    found = {
        "riverside_admin": make_user(council, Role.BOROUGH_ADMIN),
        "northgate_admin": make_user(
            make_organisation(northgate, Sector.LOCAL_AUTHORITY), Role.BOROUGH_ADMIN
        ),
        "system_admin": make_user(council, Role.SYSTEM_ADMIN),
        "practitioner": make_user(council),
        "manager": make_user(council, Role.MANAGER),
        "caf_contact": make_user(council, Role.BOROUGH_CAF_CONTACT),
    }
    db.session.commit()
    return found


def listed_workflows(client) -> set[str]:
    response = client.get("/admin/workflows")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {row["data-workflow"] for row in page.select("tr[data-workflow]")}


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact"])
@pytest.mark.parametrize("path", ["/admin/workflows", "/admin/workflows/caf/1"])
def test_people_who_do_not_administer_cannot_open_the_workflow_pages(client, accounts, who, path):
    sign_in(client, accounts[who])

    assert client.get(path).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, accounts):
    response = client.get("/admin/workflows/caf/1")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_borough_administrator_sees_the_national_workflow_and_their_boroughs(client, accounts):
    sign_in(client, accounts["riverside_admin"])

    assert listed_workflows(client) == {"caf:1", "caf-riverside:1"}
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert "London Borough of Riverside" in page


def test_a_borough_administrator_cannot_see_another_boroughs_workflow(client, accounts):
    sign_in(client, accounts["northgate_admin"])

    assert listed_workflows(client) == {"caf:1"}
    assert client.get("/admin/workflows/caf-riverside/1").status_code == 404
    assert client.get("/admin/workflows/caf/1").status_code == 200


def test_a_system_administrator_sees_every_workflow(client, accounts):
    sign_in(client, accounts["system_admin"])

    assert listed_workflows(client) == {"caf:1", "caf-riverside:1"}
    assert client.get("/admin/workflows/caf-riverside/1").status_code == 200


@pytest.mark.parametrize("path", ["/admin/workflows/caf/2", "/admin/workflows/nothing/1"])
def test_an_unknown_workflow_or_version_is_not_found(client, accounts, path):
    sign_in(client, accounts["system_admin"])

    assert client.get(path).status_code == 404


def test_the_workflow_page_has_the_diagram_text_and_tables_of_stages_and_steps(client, accounts):
    sign_in(client, accounts["riverside_admin"])

    response = client.get("/admin/workflows/caf-riverside/1")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    source = page.select_one("#workflow-diagram-source").get_text()
    assert source.splitlines()[3] == "stateDiagram-v2"
    assert "assessed --> quality_checked: Pass the quality check" in source
    states = {row["data-state"] for row in page.select("tr[data-state]")}
    assert {"identified", "quality_checked", "closed"} <= states
    step = page.select_one("tr[data-trigger='pass_quality_check']").get_text(" ", strip=True)
    assert "Assessment completed" in step and "Quality checked" in step
    assert "The borough CAF contact" in step
    assert "workflows/boroughs/riverside.yaml" in page.get_text()
    assert "/work/" not in page.get_text()


def test_only_the_diagram_page_allows_inline_styles_and_scripts_stay_strict(client, accounts):
    sign_in(client, accounts["riverside_admin"])

    diagram = client.get("/admin/workflows/caf/1").headers["Content-Security-Policy"]
    listing = client.get("/admin/workflows").headers["Content-Security-Policy"]
    home = client.get("/").headers["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in diagram
    assert "style-src 'self';" in listing and "style-src 'self';" in home
    for policy in (diagram, listing, home):
        script_source = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "unsafe" not in script_source


def test_mermaid_is_served_from_this_site_not_a_cdn(client, accounts):
    sign_in(client, accounts["riverside_admin"])

    page = client.get("/admin/workflows/caf/1").get_data(as_text=True)
    script = client.get("/assets/mermaid/mermaid.min.js")

    assert '<script src="/assets/mermaid/mermaid.min.js"></script>' in page
    assert "cdn" not in page.lower()
    assert script.status_code == 200
    assert "javascript" in script.mimetype
    script.close()
    assert client.get("/assets/mermaid/mermaid.js").status_code == 404
