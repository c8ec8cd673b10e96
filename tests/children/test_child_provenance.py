"""Provenance per field: which source said what and when; the index shows the value of the
most trusted source (the borough's order, as data), keeps the history (previous addresses),
and a merge and its undoing carry the sources' values with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.children.people import fenwick_people
from tests.children.test_child_import import AMELIA, children_by_name, run_import, write
from tests.children.test_record_linkage import QUEUE, child_named, review_path
from tests.conftest import sign_in
from webapp import db
from webapp.children import provenance
from webapp.children.merge_models import ChildMerge
from webapp.children.provenance_models import ChildFieldValue

HEALTH_AMELIA = (
    "H-1,Amelia-Rose,Testperson,2016-04-12,female,999 000 0018,,5 Health Lane,,Exampleton,E1 6AN"
)


@pytest.fixture
def world(app):
    _, _, people = fenwick_people()
    db.session.commit()
    return people


@pytest.fixture
def health_trusted(tmp_path, monkeypatch):
    folder = tmp_path / "priorities"
    folder.mkdir()
    (folder / "default.yaml").write_text("default: []\n")
    (folder / "fenwick.yaml").write_text("default: [Health, School census]\n")
    monkeypatch.setattr(provenance, "PRIORITIES", folder)
    provenance._read.cache_clear()
    yield
    provenance._read.cache_clear()


def import_file(runner_cli, tmp_path: Path, *rows: str, source="School census", name="a.csv"):
    result = run_import(runner_cli, write(tmp_path, *rows, name=name), source=source)
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def test_the_most_trusted_sources_value_is_shown_and_every_value_kept(
    runner_cli, world, tmp_path, health_trusted
):
    import_file(runner_cli, tmp_path, AMELIA)
    import_file(runner_cli, tmp_path, HEALTH_AMELIA, source="Health", name="health.csv")
    amelia = children_by_name()["Amelia-Rose"]
    assert (amelia.address_line_1, amelia.postcode) == ("5 Health Lane", "E1 6AN")
    said = {
        (value.source, value.field): value.value
        for value in db.session.scalars(select(ChildFieldValue))
        if value.superseded_at is None
    }
    assert said[("School census", "given_names")] == "Amelia"
    assert said[("Health", "given_names")] == "Amelia-Rose"


def test_between_sources_equally_trusted_the_first_stands(runner_cli, world, tmp_path):
    import_file(runner_cli, tmp_path, AMELIA)
    import_file(runner_cli, tmp_path, HEALTH_AMELIA, source="Health", name="health.csv")
    amelia = children_by_name()["Amelia"]
    assert amelia.address_line_1 == "1 Example Street"
    # The first source's own change is shown: it still has known the child longest.
    moved = AMELIA.replace("1 Example Street", "9 New Road").replace("SW1A 1AA", "N1 9GU")
    import_file(runner_cli, tmp_path, moved, name="b.csv")
    assert children_by_name()["Amelia"].address_line_1 == "9 New Road"


def test_a_move_keeps_the_previous_address_on_the_sources_page(client, runner_cli, world, tmp_path):
    import_file(runner_cli, tmp_path, AMELIA)
    moved = AMELIA.replace("1 Example Street", "9 New Road").replace("SW1A 1AA", "N1 9GU")
    import_file(runner_cli, tmp_path, moved, name="b.csv")
    amelia = children_by_name()["Amelia"]
    sign_in(client, world["contact"])
    response = client.get(f"/children/{amelia.id}/sources")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 Example Street, Exampleton, SW1A 1AA" in page
    assert page.index("Previous addresses") < page.index("1 Example Street")
    assert "9 New Road, Exampleton, N1 9GU" in page


@pytest.mark.parametrize("person", ["other_contact", "practitioner", "admin"])
def test_everyone_else_gets_404_on_the_sources_page(client, runner_cli, world, tmp_path, person):
    import_file(runner_cli, tmp_path, AMELIA)
    amelia = children_by_name()["Amelia"]
    sign_in(client, world[person])
    assert client.get(f"/children/{amelia.id}/sources").status_code in (403, 404)
    assert "1 Example Street" not in client.get(f"/children/{amelia.id}/sources").get_data(
        as_text=True
    )


def test_a_merge_shows_the_trusted_sources_values_and_undoing_it_restores_them(
    client, runner_cli, world, tmp_path, health_trusted
):
    census = "SC-5,Amelia,Testperson,2016-04-12,female,,,,,,"
    import_file(runner_cli, tmp_path, census)
    health = "H-5,Amelia,Newname,2016-04-12,female,,,9 Other Road,,Otherton,E2 7QQ"
    import_file(runner_cli, tmp_path, health, source="Health", name="health.csv")
    kept = child_named("Amelia", "Testperson")
    sign_in(client, world["contact"])
    assert client.post_form(review_path(), {"same_child": "yes"}).status_code == 302
    db.session.expire_all()
    assert (kept.family_name, kept.postcode) == ("Newname", "E2 7QQ")  # Health is trusted
    merge = db.session.scalars(select(ChildMerge)).one()
    assert client.post_form(f"{QUEUE}/merges/{merge.id}", {}).status_code == 302
    db.session.expire_all()
    assert (kept.family_name, kept.postcode) == ("Testperson", "")
    owners = {value.source: value.child_id for value in db.session.scalars(select(ChildFieldValue))}
    assert owners["School census"] == kept.id and owners["Health"] != kept.id


def test_a_priorities_file_with_an_unknown_key_names_the_file_and_key(tmp_path):
    (tmp_path / "default.yaml").write_text("default: []\nshoe_size: [Health]\n")
    with pytest.raises(
        provenance.PrioritiesInvalid, match=r"default.yaml: unknown key 'shoe_size'"
    ):
        provenance.load_priorities(None, tmp_path)
