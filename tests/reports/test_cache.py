"""The short-lived memory of a report's figures: kept for the same scope only, through HTTP."""

from __future__ import annotations

import pytest

from tests.reports.world import PERIOD, csv_rows, months_ago, started, tables
from webapp import db
from webapp.reports.cache import FiguresCache


@pytest.fixture
def app_config():
    return {"REPORTS_CACHE_SECONDS": 300}


def _started(client, **filters) -> str:
    found = tables(client.get("/reports", query_string=PERIOD | filters))
    return found["summary"]["CAFs started in the period"]


def test_the_same_scope_reads_the_kept_figures(world, signed_in):
    client = signed_in(world.school_manager)
    assert _started(client) == "31"
    started(world.borough, world.school_practitioner, months_ago(1))
    db.session.commit()
    # Kept: the new episode is counted once the figures are built again.
    assert _started(client) == "31"
    assert _started(signed_in(world.school_manager)) == "31"


def test_another_team_never_reads_a_teams_kept_figures(world, signed_in):
    assert _started(signed_in(world.school_manager)) == "31"
    found = tables(signed_in(world.health_manager).get("/reports", query_string=PERIOD))
    assert found["summary"]["CAFs started in the period"] == "fewer than 5"
    assert found["started-by-sector"]["School"] == "0"


def test_another_borough_never_reads_a_boroughs_kept_figures(world, signed_in):
    assert _started(signed_in(world.caf_contact)) == "34"
    assert _started(signed_in(world.other_manager)) == "7"
    assert _started(signed_in(world.system_admin)) == "41"
    # And the other way round, in the exports too.
    rows = csv_rows(signed_in(world.other_manager).get("/reports/export.csv", query_string=PERIOD))
    assert ["CAFs started in the period", "7"] in rows
    assert ["CAFs started in the period", "34"] not in rows
    assert _started(signed_in(world.caf_contact)) == "34"


def test_a_new_threshold_is_read_at_once(world, signed_in):
    client = signed_in(world.caf_contact)
    assert _started(client) == "34"
    assert (
        tables(client.get("/reports", query_string=PERIOD))["started-by-sector"]["Health"]
        == "fewer than 5"
    )
    world.borough.report_threshold = 40
    db.session.commit()
    assert _started(client) == "fewer than 40"


def test_kept_figures_are_built_again_when_they_are_old():
    now = [100.0]
    cache = FiguresCache(60, clock=lambda: now[0])
    built = []

    class Scope:
        identity = ("borough", 1)
        threshold = 5

    def build():
        built.append(1)
        return len(built)

    assert cache.remember(Scope, ("cubes",), build) == 1
    now[0] += 59
    assert cache.remember(Scope, ("cubes",), build) == 1
    now[0] += 2
    assert cache.remember(Scope, ("cubes",), build) == 2
