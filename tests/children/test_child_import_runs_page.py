"""The page of the child index's import runs: for the borough CAF contact, their borough's
runs only, with each run's counts; refused to everyone else."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.children.people import fenwick_people
from tests.children.test_child_import import AMELIA, ELLIS, NOAH, run_import, write
from tests.conftest import sign_in
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.children.import_models import ChildImportRun

PAGE = "/child-index/imports"


@pytest.fixture
def world(app, runner_cli, tmp_path):
    _, other, people = fenwick_people()
    db.session.add(
        ChildImportRun(
            borough_id=other.id,
            source="Eastmoor health",
            filename="eastmoor.csv",
            sha256="0" * 64,
            rows_read=9,
        )
    )
    db.session.commit()
    assert run_import(runner_cli, write(tmp_path, AMELIA, NOAH, ELLIS)).exit_code == 0
    bad = "SC-9,Zara,Example,2016-01-01,female,1234567890,,,,,"
    run_import(runner_cli, write(tmp_path, AMELIA, bad, name="bad.csv"), source="Health")
    return people


def rows_of(response, table: str = "import-runs") -> list[list[str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select(f"#{table} tbody tr")
    ]


def test_the_borough_caf_contact_sees_each_run_of_their_borough_with_its_counts(client, world):
    sign_in(client, world["contact"])
    response = client.get(PAGE)
    assert response.status_code == 200
    rows = rows_of(response)
    assert [row[1:] for row in rows] == [
        # rows read, new, linked, merged, queued, updated, unchanged, left, rejected, likely
        # duplicates
        ["Health", "bad.csv", "Refused", "2", "0", "0", "0", "0", "0", "0", "0", "1", "0"],
        ["School census", "census.csv", "Imported", "3", "3", *["0"] * 8],
    ]
    # sending, left, then over its imported runs: merged, queued, rejected (the Health
    # file was refused: its rejected row does not count, nothing of it was imported)
    assert rows_of(response, "import-sources") == [["School census", "3", "0", "0", "0", "0"]]
    assert "Eastmoor" not in response.get_data(as_text=True)
    assert db.session.query(AuditEvent).filter_by(action="children.import_runs_viewed").count() == 1


def test_another_boroughs_caf_contact_sees_only_their_own_runs(client, world):
    sign_in(client, world["other_contact"])
    response = client.get(PAGE)
    assert [row[1] for row in rows_of(response)] == ["Eastmoor health"]
    assert "School census" not in response.get_data(as_text=True)


@pytest.mark.parametrize("person", ["practitioner", "manager", "admin"])
def test_everyone_else_is_refused(client, world, person):
    sign_in(client, world[person])
    assert client.get(PAGE).status_code == 403


def test_anonymous_requests_are_sent_to_sign_in(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
