"""Record linkage on import: a row no identifier ties to a child is scored against the
borough's index (webapp/children/linkage.py). A near-certain duplicate from a second source
merges into the child; a borderline one is queued, and the borough CAF contact merges it or
keeps it apart, then may undo the merge; a shielded child is never merged automatically;
two NHS numbers are two children; the same file twice changes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.children.people import fenwick_people
from tests.children.test_child_import import (
    count,
    last_run,
    run_import,
    write,
)
from tests.conftest import sign_in
from tests.factories import make_child
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.children.import_models import ChildIdentifier, ChildSourceRecord
from webapp.children.merge_models import ChildLinkReview, ChildMerge, MergeHow
from webapp.children.models import Child

AMELIA = "SC-1,Amelia,Testperson,2016-04-12,female,,,,,,"
NOAH = "SC-2,Noah,Sampleton,27/09/2014,male,,,22 Sample Road,,Exampleton,E1 6AN"
# From a second source: a typing error in the family name, with an address.
AMELIA_AGAIN = "H-1,Amelia,Testpersen,2016-04-12,female,,,1 Example Street,,Exampleton,SW1A 1AA"
# Same given name, birthday and sex, but another family name and another address.
AMELIA_PERHAPS = "H-2,Amelia,Newname,2016-04-12,female,,,9 Other Road,,Otherton,E2 7QQ"
SOMEONE_ELSE = "H-3,Zachary,Otherperson,2012-01-01,male,,,,,,"


@pytest.fixture
def world(app, runner_cli, tmp_path):
    borough, _, people = fenwick_people()
    db.session.commit()
    result = run_import(runner_cli, write(tmp_path, AMELIA, NOAH))
    assert result.exit_code == 0, result.output
    return {"borough": borough, **people}


def import_health(runner_cli, tmp_path, *rows, name="health.csv"):
    result = run_import(runner_cli, write(tmp_path, *rows, name=name), source="Health")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return last_run()


def child_named(given: str, family: str) -> Child:
    return db.session.scalars(
        select(Child).where(Child.given_names == given, Child.family_name == family)
    ).one()


def test_a_duplicate_from_a_second_source_merges_into_the_child(runner_cli, world, tmp_path):
    run = import_health(runner_cli, tmp_path, AMELIA_AGAIN, SOMEONE_ELSE)
    assert (run.merged, run.new, run.queued) == (1, 1, 0)
    amelia = child_named("Amelia", "Testperson")
    merged = child_named("Amelia", "Testpersen")
    assert merged.merged_into_id == amelia.id and amelia.merged_into_id is None
    sources = db.session.scalars(
        select(ChildSourceRecord.source).where(ChildSourceRecord.child_id == amelia.id)
    ).all()
    assert sorted(sources) == ["Health", "School census"]
    # The record kept had no address: it takes the one the health system sent.
    assert (amelia.address_line_1, amelia.postcode) == ("1 Example Street", "SW1A 1AA")
    merge = db.session.scalars(select(ChildMerge)).one()
    assert merge.how is MergeHow.AUTOMATIC and merge.import_run_id == run.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "child.merged")).one()
    assert event.child_id == amelia.id


def test_the_same_second_file_twice_changes_nothing(runner_cli, world, tmp_path):
    import_health(runner_cli, tmp_path, AMELIA_AGAIN, AMELIA_PERHAPS, SOMEONE_ELSE)
    before = (count(Child), count(ChildMerge), count(ChildLinkReview), count(ChildSourceRecord))
    run = import_health(runner_cli, tmp_path, AMELIA_AGAIN, AMELIA_PERHAPS, SOMEONE_ELSE)
    assert (run.unchanged, run.new, run.merged, run.queued) == (3, 0, 0, 0)
    after = (count(Child), count(ChildMerge), count(ChildLinkReview), count(ChildSourceRecord))
    assert after == before


def test_a_borderline_duplicate_is_queued_as_a_new_child(runner_cli, world, tmp_path):
    run = import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    assert (run.merged, run.new, run.queued, run.likely_duplicates) == (0, 1, 1, 1)
    review = db.session.scalars(select(ChildLinkReview)).one()
    assert review.child == child_named("Amelia", "Newname")
    assert review.candidate == child_named("Amelia", "Testperson")
    assert review.child.merged_into_id is None
    summary = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "children.import_run")
    ).all()[-1]
    assert json.loads(summary.detail)["queued"] == 1


def test_a_shielded_child_is_never_merged_automatically(runner_cli, world, tmp_path):
    amelia = child_named("Amelia", "Testperson")
    amelia.shielded = True
    db.session.commit()
    run = import_health(runner_cli, tmp_path, AMELIA_AGAIN)
    assert (run.merged, run.queued) == (0, 1)
    review = db.session.scalars(select(ChildLinkReview)).one()
    assert review.candidate_id == amelia.id
    assert "shielded" in review.reason
    assert count(ChildMerge) == 0


def test_two_nhs_numbers_are_two_children_however_alike(runner_cli, world, tmp_path):
    census = "SC-9,Ivy,Numbered,2018-02-02,female,9990000018,,,,,"
    run_import(runner_cli, write(tmp_path, census, name="more.csv"))
    twin_like = "H-9,Ivy,Numbered,2018-02-02,female,9990000026,,,,,"
    run = import_health(runner_cli, tmp_path, twin_like)
    assert (run.merged, run.queued, run.new) == (0, 0, 1)
    assert count(ChildIdentifier) == 2


def test_a_bad_file_is_still_refused_whole(runner_cli, world, tmp_path):
    bad = "H-4,Oscar,Badrow,2016-13-40,male,,,,,,"
    result = run_import(
        runner_cli, write(tmp_path, AMELIA_AGAIN, bad, name="bad.csv"), source="Health"
    )
    assert result.exit_code == 2
    assert "Nothing was imported" in result.output
    assert count(ChildMerge) == 0 and count(ChildLinkReview) == 0
    assert (
        db.session.scalar(select(ChildSourceRecord).where(ChildSourceRecord.source == "Health"))
        is None
    )


QUEUE = "/child-index/linkage"


def review_path() -> str:
    review = db.session.scalars(select(ChildLinkReview)).one()
    return f"{QUEUE}/reviews/{review.id}"


def test_the_caf_contact_merges_a_queued_pair_then_undoes_the_merge(
    client, runner_cli, world, tmp_path
):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    amelia, perhaps = child_named("Amelia", "Testperson"), child_named("Amelia", "Newname")
    sign_in(client, world["contact"])
    listing = client.get(QUEUE).get_data(as_text=True)
    assert perhaps.unique_reference in listing and amelia.unique_reference in listing
    page = client.get(review_path()).get_data(as_text=True)
    assert "Disagrees: different" in page and "Agrees: the same" in page

    missing = client.post_form(review_path(), {})
    assert missing.status_code == 200
    assert "Select whether these records are of the same child" in missing.get_data(as_text=True)

    response = client.post_form(review_path(), {"same_child": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert perhaps.merged_into_id == amelia.id
    # Amelia had no address: the merge filled it in.
    assert amelia.postcode == "E2 7QQ"
    merge = db.session.scalars(select(ChildMerge)).one()
    assert merge.how is MergeHow.REVIEWED and merge.merged_by_id == world["contact"].id
    health = db.session.scalars(
        select(ChildSourceRecord).where(ChildSourceRecord.source == "Health")
    ).one()
    assert health.child_id == amelia.id

    again = client.post_form(review_path(), {"same_child": "no"}, token_from=review_path())
    assert again.status_code == 200  # already answered: the page shows the answer
    db.session.expire_all()
    assert perhaps.merged_into_id == amelia.id

    merge_path = f"{QUEUE}/merges/{merge.id}"
    assert client.post_form(merge_path, {}).status_code == 302
    db.session.expire_all()
    assert perhaps.merged_into_id is None
    assert amelia.postcode == "" and amelia.address_line_1 == ""
    assert health.child_id == perhaps.id
    assert merge.unmerged_by_id == world["contact"].id
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("child.%merge%"))
    ).all()
    assert actions == ["child.merged", "child.unmerged"]
    assert client.post_form(merge_path, {}, token_from=merge_path).status_code == 200


def test_keeping_a_pair_apart_merges_nothing(client, runner_cli, world, tmp_path):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    sign_in(client, world["contact"])
    assert client.post_form(review_path(), {"same_child": "no"}).status_code == 302
    db.session.expire_all()
    review = db.session.scalars(select(ChildLinkReview)).one()
    assert review.decision == "kept_apart" and review.decided_by_id == world["contact"].id
    assert count(ChildMerge) == 0
    assert child_named("Amelia", "Newname").merged_into_id is None


def test_a_post_without_the_csrf_token_is_refused(client, runner_cli, world, tmp_path):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    sign_in(client, world["contact"])
    response = client.post(
        review_path(), data={"same_child": "yes"}, headers={"Referer": "https://localhost/"}
    )
    assert response.status_code == 400
    assert count(ChildMerge) == 0


def test_another_boroughs_caf_contact_gets_404_and_is_audited(client, runner_cli, world, tmp_path):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS, AMELIA_AGAIN)
    path = review_path()
    merge = db.session.scalars(select(ChildMerge)).one()
    sign_in(client, world["other_contact"])
    assert "Amelia" not in client.get(QUEUE).get_data(as_text=True)
    assert client.get(path).status_code == 404
    merge_path = f"{QUEUE}/merges/{merge.id}"
    assert client.get(merge_path).status_code == 404
    refused = client.post_form(path, {"same_child": "yes"}, token_from=QUEUE)
    assert refused.status_code == 404
    assert client.post_form(merge_path, {}, token_from=QUEUE).status_code == 404
    db.session.expire_all()
    assert merge.unmerged_at is None
    assert db.session.scalars(select(ChildLinkReview)).one().decision is None
    refusals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access.refused")
    ).all()
    assert len(refusals) >= 4


@pytest.mark.parametrize("person", ["practitioner", "admin"])
def test_everyone_else_is_refused(client, runner_cli, world, tmp_path, person):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    path = review_path()
    sign_in(client, world[person])
    assert client.get(QUEUE).status_code == 403
    assert client.get(path).status_code == 403


def test_a_merged_record_is_not_found_by_a_search_of_the_index(client, runner_cli, world, tmp_path):
    from webapp.children import index, matching

    import_health(runner_cli, tmp_path, AMELIA_AGAIN)
    query = matching.Query(given_name="Amelia", date_of_birth=date(2016, 4, 12))
    found = index.candidates(db.session, query, world["borough"].id)
    assert [child.family_name for child in found] == ["Testperson"]


def find_duplicates(runner_cli):
    from webapp.cli import caf

    result = runner_cli.invoke(
        caf, ["children", "find-duplicates", "--borough", "fenwick"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_likely_duplicates_inside_the_index_are_queued_once_and_never_merged(runner_cli, world):
    # Two records of one child made before record linkage, and somebody else.
    older, newer, _ = (
        make_child(world["borough"], given_names="Ruby", family_name=family, date_of_birth=born)
        for family, born in (
            ("Duplicated", date(2015, 6, 1)),
            ("Duplicatd", date(2015, 6, 1)),
            ("Unrelated", date(2011, 2, 3)),
        )
    )
    db.session.commit()
    assert "1 new pair of records queued for review" in find_duplicates(runner_cli)
    review = db.session.scalars(select(ChildLinkReview)).one()
    assert (review.child_id, review.candidate_id) == (newer.id, older.id)
    assert review.import_run_id is None and count(ChildMerge) == 0
    assert "0 new pairs" in find_duplicates(runner_cli)
    assert count(ChildLinkReview) == 1
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "children.duplicates_found")
    ).all()[-1]
    assert json.loads(event.detail)["queued"] == 0


def test_a_pair_the_contact_kept_apart_is_not_queued_again(client, runner_cli, world, tmp_path):
    import_health(runner_cli, tmp_path, AMELIA_PERHAPS)
    sign_in(client, world["contact"])
    assert client.post_form(review_path(), {"same_child": "no"}).status_code == 302
    output = find_duplicates(runner_cli)
    assert "0 new pairs of records queued for review; 0 waiting in all" in output
    assert count(ChildLinkReview) == 1


def test_the_runs_page_counts_each_sources_merged_and_queued_rows(
    client, runner_cli, world, tmp_path
):
    import_health(runner_cli, tmp_path, AMELIA_AGAIN, AMELIA_PERHAPS, SOMEONE_ELSE)
    sign_in(client, world["contact"])
    page = BeautifulSoup(client.get("/child-index/imports").get_data(as_text=True), "html.parser")
    sources = {
        row.find_all("td")[0].get_text(strip=True): [
            cell.get_text(strip=True) for cell in row.find_all("td")[1:]
        ]
        for row in page.select("#import-sources tbody tr")
    }
    # sending, left, merged, queued, rejected
    assert sources["Health"] == ["3", "0", "1", "1", "0"]
    assert "(1 waiting for you)" in page.get_text(" ", strip=True)
