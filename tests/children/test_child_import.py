"""`flask --app webapp caf children import FILE --borough CODE --source NAME`: a local
system's file feeds the borough's child index. A bad file is refused whole with its report;
--valid-rows-only imports the good rows; the same file twice changes nothing; a changed row
updates the child; a full extract without a child marks it left; an NHS number or unique
pupil number already in the index links the row to that child instead of a new one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import make_borough
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.children.import_models import ChildIdentifier, ChildImportRun, ChildSourceRecord
from webapp.children.import_rows import nhs_number_is_valid
from webapp.children.models import Child, Gender

HEADER = (
    "source_id,given_names,family_name,date_of_birth,sex,nhs_number,unique_pupil_number,"
    "address_line_1,address_line_2,town,postcode"
)
AMELIA = (
    "SC-1,Amelia,Testperson,2016-04-12,female,9990000018,,1 Example Street,,Exampleton,SW1A 1AA"
)
NOAH = "SC-2,Noah,Sampleton,27/09/2014,male,,B82345678901A,22 Sample Road,,Exampleton,e16an"
ELLIS = "SC-3,Ellis,Demonstration,2019-01-30,unknown,,,,,,"
TEMPLATE = Path(__file__).resolve().parents[2] / "docs" / "import-examples" / "children.csv"


@pytest.fixture
def borough(app):
    borough = make_borough("fenwick")
    db.session.commit()
    return borough


def write(tmp_path: Path, *rows: str, name: str = "census.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run_import(runner_cli, path: Path, *options: str, source: str = "School census"):
    from webapp.cli import caf

    arguments = ["children", "import", str(path), "--borough", "fenwick", "--source", source]
    return runner_cli.invoke(caf, [*arguments, *options], catch_exceptions=False)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def children_by_name() -> dict[str, Child]:
    return {child.given_names: child for child in db.session.scalars(select(Child))}


def last_run() -> ChildImportRun:
    return db.session.scalars(select(ChildImportRun).order_by(ChildImportRun.id.desc())).first()


def run_counts(run: ChildImportRun) -> tuple[int, ...]:
    return (run.rows_read, run.new, run.linked, run.updated, run.unchanged, run.left, run.rejected)


def test_the_nhs_number_check_digit_is_modulus_11():
    assert nhs_number_is_valid("9990000018")
    assert not nhs_number_is_valid("9990000017")  # a typing error in the last digit
    assert not nhs_number_is_valid("9990000081")  # two digits swapped
    assert not nhs_number_is_valid("999000001")


def test_a_good_file_creates_each_child_with_its_details_and_counts_the_run(
    runner_cli, borough, tmp_path
):
    result = run_import(runner_cli, write(tmp_path, AMELIA, NOAH, ELLIS))
    assert result.exit_code == 0, result.output
    assert "New children: 3" in result.output
    children = children_by_name()
    assert set(children) == {"Amelia", "Noah", "Ellis"}
    noah = children["Noah"]
    assert (noah.family_name, noah.gender, noah.postcode) == ("Sampleton", Gender.MALE, "E1 6AN")
    assert noah.date_of_birth.isoformat() == "2014-09-27"
    assert noah.borough_id == borough.id
    assert len({child.unique_reference for child in children.values()}) == 3
    assert run_counts(last_run()) == (3, 3, 0, 0, 0, 0, 0)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "children.import_run")
    ).one()
    detail = json.loads(event.detail)
    assert (detail["source"], detail["new"], detail["rows_read"]) == ("School census", 3, 3)


def test_a_bad_file_is_refused_whole_with_every_bad_row_column_and_reason(
    runner_cli, borough, tmp_path
):
    bad = [
        "SC-4,Zara,,2016-02-30,girl,9990000017,A12345,,,,SW1A",
        "SC-5,Omar,Example,2099-01-01,male,,,,,,",
        "SC-1,Amelia again,Testperson,2016-04-12,female,,,,,,",
    ]
    result = run_import(runner_cli, write(tmp_path, AMELIA, NOAH, *bad))
    assert result.exit_code == 2
    report = result.output
    for expected in (
        "row 4, family_name: Enter the family name",
        "row 4, date_of_birth: Date of birth must be a real date",
        "row 4, sex: Sex must be male, female or unknown",
        "row 4, nhs_number: NHS number must be 10 digits whose last digit is the check digit",
        "row 4, unique_pupil_number: Unique pupil number must be 13 characters",
        "row 4, postcode: Postcode must be a full UK postcode",
        "row 5, date_of_birth: Date of birth must be in the past",
        "row 6, source_id: Source identifier is also on row 2",
        "Nothing was imported: 3 rows must be put right",
    ):
        assert expected in report
    assert (count(Child), count(ChildSourceRecord), count(ChildIdentifier)) == (0, 0, 0)
    run = last_run()
    assert run.refused and run_counts(run) == (5, 0, 0, 0, 0, 0, 3)


def test_a_file_that_cannot_be_read_records_nothing(runner_cli, borough, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,born\nAmelia,2016-04-12\n", encoding="utf-8")
    result = run_import(runner_cli, path)
    assert result.exit_code == 2
    assert "The first row of the file must name the columns" in result.output
    assert (count(Child), count(ChildImportRun)) == (0, 0)


def test_valid_rows_only_imports_the_good_rows_and_reports_the_others(
    runner_cli, borough, tmp_path
):
    bad = "SC-9,Zara,Example,2016-01-01,female,1234567890,,,,,"
    result = run_import(runner_cli, write(tmp_path, AMELIA, bad, NOAH), "--valid-rows-only")
    assert result.exit_code == 0, result.output
    assert "row 3, nhs_number:" in result.output
    assert set(children_by_name()) == {"Amelia", "Noah"}
    assert run_counts(last_run()) == (3, 2, 0, 0, 0, 0, 1)


def test_the_same_file_twice_changes_nothing(runner_cli, borough, tmp_path):
    path = write(tmp_path, AMELIA, NOAH, ELLIS)
    run_import(runner_cli, path)
    before = {
        name: (child.id, child.unique_reference, child.family_name, child.postcode)
        for name, child in children_by_name().items()
    }
    hashes = set(db.session.scalars(select(ChildSourceRecord.row_hash)))
    result = run_import(runner_cli, path, "--complete")
    assert result.exit_code == 0, result.output
    after = {
        name: (child.id, child.unique_reference, child.family_name, child.postcode)
        for name, child in children_by_name().items()
    }
    assert after == before
    assert set(db.session.scalars(select(ChildSourceRecord.row_hash))) == hashes
    assert (count(Child), count(ChildSourceRecord), count(ChildIdentifier)) == (3, 3, 2)
    assert run_counts(last_run()) == (3, 0, 0, 0, 3, 0, 0)


def test_a_changed_row_updates_the_child(runner_cli, borough, tmp_path):
    run_import(runner_cli, write(tmp_path, AMELIA, NOAH))
    amelia = children_by_name()["Amelia"]
    moved = AMELIA.replace("1 Example Street", "9 New Road").replace("SW1A 1AA", "N1 9GU")
    result = run_import(runner_cli, write(tmp_path, moved, NOAH, name="next.csv"))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    child = db.session.get(Child, amelia.id)
    assert (child.address_line_1, child.postcode, child.postcode_key) == (
        "9 New Road",
        "N1 9GU",
        "N19GU",
    )
    assert count(Child) == 2
    assert run_counts(last_run()) == (2, 0, 0, 1, 1, 0, 0)


def test_a_full_extract_without_a_child_marks_it_left_and_keeps_it(runner_cli, borough, tmp_path):
    run_import(runner_cli, write(tmp_path, AMELIA, NOAH, ELLIS))
    # A file that is not a full extract says nothing of the children it leaves out.
    run_import(runner_cli, write(tmp_path, AMELIA, name="delta.csv"))
    assert (
        db.session.scalar(select(func.count()).where(ChildSourceRecord.left_at.is_not(None))) == 0
    )
    result = run_import(runner_cli, write(tmp_path, AMELIA, NOAH, name="full.csv"), "--complete")
    assert result.exit_code == 0, result.output
    assert "Marked as left: 1" in result.output
    assert count(Child) == 3  # never deleted
    ellis = children_by_name()["Ellis"]
    record = db.session.scalars(
        select(ChildSourceRecord).where(ChildSourceRecord.child_id == ellis.id)
    ).one()
    assert record.left_at is not None
    assert run_counts(last_run()) == (2, 0, 0, 0, 2, 1, 0)
    # Sent again, the child is back with the source.
    run_import(runner_cli, write(tmp_path, AMELIA, NOAH, ELLIS, name="again.csv"), "--complete")
    db.session.expire_all()
    assert db.session.get(ChildSourceRecord, record.id).left_at is None
    assert run_counts(last_run()) == (3, 0, 0, 1, 2, 0, 0)


def test_an_nhs_number_match_from_another_source_links_rather_than_duplicates(
    runner_cli, borough, tmp_path
):
    run_import(runner_cli, write(tmp_path, AMELIA, NOAH))
    health = (
        "H-77,Amelia-Rose,Testperson,2016-04-12,female,999 000 0018,,,,,SW1A 1AA",
        "H-78,Noah,Sampleton,2014-09-27,male,9990000026,b82345678901a,,,,",
    )
    result = run_import(runner_cli, write(tmp_path, *health, name="health.csv"), source="Health")
    assert result.exit_code == 0, result.output
    assert count(Child) == 2
    children = children_by_name()
    assert children["Amelia"].family_name == "Testperson"
    links = {
        (record.source, record.source_id): record.child_id
        for record in db.session.scalars(select(ChildSourceRecord))
    }
    assert links[("Health", "H-77")] == links[("School census", "SC-1")] == children["Amelia"].id
    assert links[("Health", "H-78")] == children["Noah"].id  # on the unique pupil number
    # The NHS number Noah's health record carries is now the index's for him.
    assert (
        db.session.scalar(
            select(ChildIdentifier.child_id).where(ChildIdentifier.value == "9990000026")
        )
        == children["Noah"].id
    )
    assert run_counts(last_run()) == (2, 0, 2, 0, 0, 0, 0)


def test_a_row_whose_identifiers_belong_to_two_children_is_refused(runner_cli, borough, tmp_path):
    run_import(runner_cli, write(tmp_path, AMELIA, NOAH))
    # Amelia's NHS number with Noah's pupil number: not for an import to settle.
    mixed = "H-1,Amelia,Testperson,2016-04-12,female,9990000018,B82345678901A,,,,"
    result = run_import(runner_cli, write(tmp_path, mixed, name="mixed.csv"), source="Health")
    assert result.exit_code == 2
    assert "row 2, nhs_number: The NHS number or unique pupil number belongs to another" in (
        result.output
    )
    assert count(ChildSourceRecord) == 2


def test_the_published_template_imports_as_it_is(runner_cli, borough):
    result = run_import(runner_cli, TEMPLATE)
    assert result.exit_code == 0, result.output
    assert count(Child) == 3


def test_an_unknown_borough_or_a_blank_source_is_refused_before_reading(
    runner_cli, borough, tmp_path
):
    from webapp.cli import caf

    path = write(tmp_path, AMELIA)
    result = runner_cli.invoke(
        caf, ["children", "import", str(path), "--borough", "nowhere", "--source", "Census"]
    )
    assert result.exit_code == 2
    assert "no borough has the code 'nowhere'" in result.output
    result = run_import(runner_cli, path, source="   ")
    assert result.exit_code == 2
    assert "the source's name must be 1 to 80 characters" in result.output
    assert (count(Child), count(ChildImportRun)) == (0, 0)
