"""Each report table's chart, through HTTP: drawn from the figures as shown, never a
suppressed value, hidden from screen readers beside its table, no script."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.reports.world import PERIOD, tables
from webapp.reports.charts import bar_chart
from webapp.reports.services import Row, Table
from webapp.reports.suppression import Figure, Status

CHARTED = ["open-by-stage", "closed-by-reason", "started-by-sector", "started-by-age"]


def _charts(response) -> dict[str, BeautifulSoup]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {chart["data-chart-for"]: chart for chart in soup.select("div.app-report-chart")}


def _values(chart) -> list[str]:
    """Every value the chart holds: in its data (desc) and as text drawn on it."""
    return [node.get_text() for node in chart.select("desc.value, text.value")]


def _labels(chart) -> list[str]:
    return [node.get_text() for node in chart.select("desc.x_label, .axis.x text, .axis.y text")]


def test_every_table_but_the_summary_has_a_chart_beside_it(world, signed_in):
    response = signed_in(world.caf_contact).get("/reports", query_string=PERIOD)
    charts = _charts(response)
    found = tables(response)
    assert set(charts) == set(found) - {"summary", "waiting-times"}
    for key, chart in charts.items():
        svg = chart.select_one("svg")
        assert svg["aria-hidden"] == "true" and svg["focusable"] == "false"
        assert not chart.select("script, a, [tabindex]")
        assert chart.find_previous("table")["id"] == key
    assert "<script" not in "".join(str(chart) for chart in charts.values())


def test_a_chart_draws_the_shown_figures_and_no_suppressed_one(world, signed_in):
    client = signed_in(world.caf_contact)
    for query in (PERIOD, PERIOD | {"sector": "school"}, PERIOD | {"area": "SE5"}):
        response = client.get("/reports", query_string=query)
        charts, found = _charts(response), tables(response)
        for key in CHARTED:
            rows = {label: text for label, text in found[key].items() if label != "Total"}
            shown = [text.replace(",", "") for text in rows.values() if text[0].isdigit()]
            values = _values(charts[key])
            # Each shown figure twice (its data and its drawn text), nothing else.
            assert sorted(values) == sorted(shown * 2), (key, query)
            labels = " ".join(_labels(charts[key]))
            for label, text in rows.items():
                if not text[0].isdigit():
                    assert f"{label} ({text})" in labels


def test_the_health_sectors_small_count_is_drawn_as_fewer_than_5(world, signed_in):
    response = signed_in(world.caf_contact).get("/reports", query_string=PERIOD)
    chart = _charts(response)["started-by-sector"]
    assert tables(response)["started-by-sector"]["Health"] == "fewer than 5"
    assert "Health (fewer than 5)" in " ".join(_labels(chart))
    # Three health CAFs: the 3 is in no value, title or tooltip of the chart.
    assert "3" not in _values(chart)
    assert all(title.get_text() != "3" for title in chart.select("g.bars title, .tooltip"))


def test_a_suppressed_row_has_no_bar_whatever_its_count():
    table = Table(
        "by-sector",
        "CAFs by sector",
        "Agency sector",
        [
            Row("School", Figure(12, Status.SHOWN, 5)),
            Row("Health", Figure(None, Status.SMALL, 5)),
            Row("Youth", Figure(None, Status.HIDDEN, 5)),
        ],
    )
    chart = BeautifulSoup(str(bar_chart(table)), "html.parser")
    assert _values(chart) == ["12", "12"]
    assert len(chart.select("g.bars rect, g.bars path")) == 1
    labels = " ".join(_labels(chart))
    assert "Health (fewer than 5)" in labels and "Youth (not shown)" in labels
    assert not chart.select("script")


def test_the_period_and_filters_are_kept_in_the_address(world, signed_in):
    query = PERIOD | {"sector": "school"}
    response = signed_in(world.caf_contact).get("/reports", query_string=query)
    page = response.get_data(as_text=True)
    assert "sector=school" in page and f"since-year={PERIOD['since-year']}" in page


def test_the_charts_styles_are_let_through_and_scripts_stay_strict(world, signed_in):
    policy = signed_in(world.caf_contact).get("/reports").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    script_source = next(part for part in policy.split(";") if "script-src" in part)
    assert "unsafe" not in script_source
