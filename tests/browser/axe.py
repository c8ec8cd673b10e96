"""axe-core's verdict on the page a browser test is looking at."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe


def assert_no_axe_violations(page, name: str = "the page") -> None:
    """Fail naming every violation axe-core finds on the page, once it has loaded.

    A click that follows a link returns when the new page's response has arrived, before its
    body is parsed: run at once, axe could judge an empty document (no main landmark, no
    heading) instead of the page."""
    page.wait_for_load_state("load")
    page.locator("main").first.wait_for(state="attached")
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
