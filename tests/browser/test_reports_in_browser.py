"""A manager reads their team's report in a real browser, with its charts, changes the
period, downloads the CSV; axe-core finds nothing on the page, its errors included."""

from pathlib import Path

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import sign_in
from tests.reports.world import build_world
from webapp import db


@pytest.fixture
def emails(live_app):
    """The report world's people's addresses, by their part in it."""
    with live_app.app_context():
        world = build_world()
        db.session.commit()
        return {"manager": world.school_manager.email, "administrator": world.borough_admin.email}


def test_a_manager_reads_their_report_changes_the_period_and_downloads_it(
    page, live_server, emails, artifacts
):
    sign_in(page, live_server, emails["manager"])
    page.get_by_role("link", name="See reports on how CAFs are going").click()
    page.wait_for_url(f"{live_server}/reports")
    assert page.locator("h1").inner_text() == "How CAFs are going"
    assert page.locator("#summary caption").inner_text() == "CAFs in this report"
    _assert_charts_drawn(page)
    assert_no_axe_violations(page, "report")

    page.fill("#since-day", "31")
    page.fill("#since-month", "2")
    page.fill("#since-year", "2026")
    page.get_by_role("button", name="Show the report").click()
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert page.title().startswith("Error: ")
    assert "must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page, "report errors")

    page.fill("#since-day", "1")
    page.fill("#since-month", "1")
    page.fill("#since-year", "2026")
    page.select_option("#age", "5_10")
    page.get_by_role("button", name="Show the report").click()
    page.locator("#summary").wait_for(state="visible")
    assert "since-year=2026" in page.url and "age=5_10" in page.url
    assert page.locator("#period").inner_text().startswith("1 January 2026 to ")
    _assert_charts_drawn(page)
    # Only the 5 to 10 year olds: the sector chart draws the filtered table's counts.
    drawn = page.locator('[data-chart-for="started-by-sector"] text.value').all_text_contents()
    cells = page.locator("#started-by-sector tbody td").all_inner_texts()[:-1]  # not the total
    assert sorted(drawn) == sorted(cell for cell in cells if cell[0].isdigit())
    assert_no_axe_violations(page, "filtered report")
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this report as a CSV file").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8")
    assert content.startswith("Report,")
    assert "CAFs started in the period" in content


def test_an_administrator_sets_the_threshold_by_keyboard(page, live_server, emails):
    sign_in(page, live_server, emails["administrator"])
    page.goto(f"{live_server}/reports/threshold")
    assert_no_axe_violations(page, "threshold")
    page.fill("#threshold", "4")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for(state="visible")
    assert_no_axe_violations(page, "threshold errors")
    page.fill("#threshold", "8")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/reports")
    assert "fewer than 8" in page.locator("main").inner_text()


def _assert_charts_drawn(page) -> None:
    """Every chart is drawn with its own styles (the page lets them through), beside its
    table, and hidden from screen readers, which read the table."""
    charts = page.locator(".app-report-chart")
    assert charts.count() == page.locator("table").count() - 2  # not the summary, waiting
    for index in range(charts.count()):
        svg = charts.nth(index).locator("svg")
        assert svg.get_attribute("aria-hidden") == "true"
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50
    bar = page.locator('[data-chart-for="closed-by-reason"] g.bars rect').first
    assert bar.evaluate("node => getComputedStyle(node).fill") == "rgb(29, 112, 184)"
