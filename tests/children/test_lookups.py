"""The child index at national scale: candidates come from composite indexes (never a scan
of the child table), a crowded key cannot hide the child searched for, and the keys are
kept in step with the record (and filled in by the migration for children already held)."""

from datetime import date, datetime

import pytest
from sqlalchemy import event, select, text

from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.children import index
from webapp.children.matching import Query
from webapp.children.models import Child
from webapp.migrations import runner


@pytest.fixture
def world(app):
    borough = make_borough("riverside")
    practitioner = make_user(make_organisation(borough))
    db.session.commit()
    return borough, practitioner


def found(practitioner, **criteria) -> list[int]:
    results = index.search(db.session, practitioner, Query(**criteria), "checking", 60)
    return [result.child.id for result in results]


QUERIES = [
    {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": date(2016, 1, 9)},
    {"given_name": "Bill", "family_name": "Smyth"},
    {"family_name": "Okafor", "postcode": "SE5 7RR"},
    {"family_name": "Okafor", "date_of_birth": date(2016, 9, 1)},
    {"reference": "riv0000001"},
]


def _statements_of_a_search(app, practitioner, criteria) -> list[tuple[str, object]]:
    statements = []

    def remember(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT") and "child" in statement:
            statements.append((statement, parameters))

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", remember)
    try:
        found(practitioner, **criteria)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return statements


def _child_table_scans(statement: str, parameters) -> list[str]:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plan = [
            row[3]
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
        return [line for line in plan if line.startswith("SCAN child")]
    # On a small table PostgreSQL rightly prefers a sequential scan; with it discouraged, a
    # plan still scanning the table means no index can answer the query.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    return [line for line in plan if "Seq Scan on child" in line]


@pytest.mark.parametrize("criteria", QUERIES)
def test_a_search_reads_the_child_table_through_indexes_never_a_scan(app, world, criteria):
    borough, practitioner = world
    make_child(borough, given_names="Amara", family_name="Okafor", date_of_birth=date(2016, 1, 9))
    db.session.commit()
    statements = _statements_of_a_search(app, practitioner, criteria)
    assert statements, "the search ran no query on the child table"
    for statement, parameters in statements:
        assert _child_table_scans(statement, parameters) == [], statement
    db.session.rollback()


def test_a_child_is_found_among_many_sharing_the_family_name(world, monkeypatch):
    borough, practitioner = world
    monkeypatch.setattr(index, "CANDIDATE_LIMIT", 5)
    for day in range(1, 13):
        make_child(
            borough, given_names="Ava", family_name="Smith", date_of_birth=date(2014, 5, day)
        )
    zara = make_child(
        borough, given_names="Zara", family_name="Smith", date_of_birth=date(2014, 3, 7)
    )
    db.session.commit()
    ids = found(
        practitioner, given_name="Zara", family_name="Smith", date_of_birth=date(2014, 3, 7)
    )
    assert ids[0] == zara.id


def test_a_family_name_misspelt_beyond_its_sound_is_found_by_given_name_and_date(world):
    borough, practitioner = world
    amara = make_child(
        borough, given_names="Amara", family_name="Okafor", date_of_birth=date(2016, 1, 9)
    )
    db.session.commit()
    ids = found(
        practitioner, given_name="Amara", family_name="Ukafor", date_of_birth=date(2016, 1, 9)
    )
    assert ids == [amara.id]


def test_the_first_given_name_finds_a_child_with_several(world):
    borough, practitioner = world
    amelia = make_child(
        borough, given_names="Amelia Rose", family_name="Okafor", date_of_birth=date(2016, 1, 9)
    )
    db.session.commit()
    # The family name is misspelt beyond its soundex, so only the given name's key can find her.
    ids = found(
        practitioner, given_name="Amelia", family_name="Ukafor", date_of_birth=date(2016, 1, 9)
    )
    assert ids == [amelia.id]


def test_a_reference_is_found_whatever_its_case_and_spacing(world):
    borough, practitioner = world
    child = make_child(borough, unique_reference="RIV0000001")
    db.session.commit()
    assert found(practitioner, reference=" riv 000 0001 ") == [child.id]


def test_an_unborn_baby_is_found_by_the_expected_date_and_then_by_the_date_of_birth(world):
    borough, practitioner = world
    baby = make_child(
        borough,
        given_names="",
        family_name="Okafor",
        date_of_birth=None,
        expected_delivery_date=date(2026, 11, 20),
        mother_name="Grace Okafor",
    )
    db.session.commit()
    assert found(practitioner, family_name="Okafor", date_of_birth=date(2026, 11, 20)) == [baby.id]
    baby.date_of_birth = date(2026, 11, 16)
    baby.given_names = "Chiamaka"
    db.session.commit()
    assert baby.born_on == date(2026, 11, 16)
    assert found(practitioner, family_name="Okafor", date_of_birth=date(2026, 11, 16)) == [baby.id]
    assert found(practitioner, family_name="Okafor", date_of_birth=date(2026, 11, 20)) == []


def test_the_hourly_count_stops_at_the_limit(world):
    borough, practitioner = world
    make_child(borough, unique_reference="RIV0000001")
    for _ in range(3):
        found(practitioner, reference="RIV0000001")
    db.session.commit()
    assert index.searches_in_last_hour(db.session, practitioner) == 3
    assert index.searches_in_last_hour(db.session, practitioner, up_to=2) == 2


def test_the_migration_fills_in_the_keys_of_children_already_in_the_index(app, world):
    borough, _practitioner = world
    engine = db.engine_for(app)
    db.session.commit()
    runner.downgrade(engine, "0008")  # back to before the child index keys (every branch)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO child (unique_reference, borough_id, given_names, family_name, "
                "also_known_as, gender, expected_delivery_date, mother_name, address_line_1, "
                "address_line_2, town, postcode, shielded, family_name_key, family_name_sound, "
                "given_name_sound, postcode_key, created_at) VALUES ('riv 0000009', :borough, "
                "'Amelia Rose', 'Okafor', '', 'female', :expected, '', '', '', '', 'SE5 7RR', "
                ":no, 'okafor', 'O216', 'A546', 'SE57RR', :now)"
            ),
            {
                "borough": borough.id,
                "expected": date(2027, 2, 14),
                "no": False,
                "now": datetime(2026, 11, 1, 9, 30),
            },
        )
    runner.upgrade(engine)
    keys = db.session.execute(
        select(Child.born_on, Child.reference_key, Child.given_name_sound)
    ).one()
    assert tuple(keys) == (date(2027, 2, 14), "RIV0000009", "A540")


def test_a_mistyped_day_or_month_is_found_by_the_names_and_the_rest_of_the_date(world):
    borough, practitioner = world
    child = make_child(
        borough, given_names="Zara", family_name="Okafor", date_of_birth=date(2014, 3, 17)
    )
    db.session.commit()
    # A day typed wrong (17 → 27) and a month typed wrong (3 → 8).
    assert found(
        practitioner, given_name="Zara", family_name="Okafor", date_of_birth=date(2014, 3, 27)
    ) == [child.id]
    assert found(
        practitioner, given_name="Zara", family_name="Okafor", date_of_birth=date(2014, 8, 17)
    ) == [child.id]


def test_namesakes_born_the_same_year_on_another_day_and_month_are_not_offered(world):
    borough, practitioner = world
    make_child(borough, given_names="Zara", family_name="Okafor", date_of_birth=date(2014, 3, 17))
    db.session.commit()
    # At national scale there are hundreds of children with a common name in any year.
    assert (
        found(practitioner, given_name="Zara", family_name="Okafor", date_of_birth=date(2014, 8, 9))
        == []
    )
