"""A borough administrator sees their workflow drawn by mermaid, within the page's
Content-Security-Policy; a lead professional's home page with worklists and notifications.
axe-core finds nothing on either."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import pass_second_step_in_browser
from webapp import db
from webapp.access.permissions import Role


@pytest.fixture
def administrator(live_app):
    with live_app.app_context():
        user = make_user(
            make_organisation(make_borough("riverside", name="London Borough of Riverside")),
            Role.BOROUGH_ADMIN,
            email="ashley@riverside.example",
        )
        db.session.commit()
        return user.email


def test_the_workflow_diagram_is_drawn_with_no_accessibility_violations(
    page, live_server, administrator, artifacts
):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", administrator)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, administrator)
    page.wait_for_url(f"{live_server}/")
    page.get_by_role("link", name="See the CAF workflows you configure").click()
    page.get_by_role("table").get_by_role(
        "link", name="Common Assessment Framework episode (Riverside)"
    ).click()

    page.locator("#workflow-diagram[data-rendered]").wait_for(state="attached")
    assert page.locator("#workflow-diagram").get_attribute("data-rendered") == "true"
    drawing = page.locator("#workflow-diagram svg")
    assert drawing.get_attribute("role") == "img"
    assert "Quality checked" in drawing.inner_html()
    assert blocked == []
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "admin-workflow.png"), full_page=True)
    drawing.screenshot(path=str(artifacts / "admin-workflow-diagram.png"))


def test_a_home_page_with_worklists_and_notifications_has_no_accessibility_violations(
    page, live_app, live_server
):
    from datetime import date, timedelta

    from tests.factories import make_child, make_episode
    from webapp.episodes.models import Notification

    with live_app.app_context():
        school = make_organisation(make_borough("riverside", name="London Borough of Riverside"))
        lead = make_user(school, email="lee@riverside.example")
        for days in (-3, 5):
            episode = make_episode(
                make_child(school.borough),
                lead,
                lead_professional=lead,
                state="delivering",
                workflow_id="caf-riverside",
                next_review_on=date.today() + timedelta(days=days),
            )
            db.session.add(
                Notification(
                    user_id=lead.id,
                    episode_id=episode.id,
                    kind="test",
                    message=f"The review of {episode.reference} is due.",
                )
            )
        db.session.commit()

    page.goto(f"{live_server}/sign-in")
    page.fill("#email", "lee@riverside.example")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    pass_second_step_in_browser(page, "lee@riverside.example")
    page.wait_for_url(f"{live_server}/")

    assert page.locator("section[data-worklist='reviews_due'] tbody tr").count() == 2
    assert page.locator(".ecaf-notifications__item").count() == 2
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark all notifications as read").click()
    page.wait_for_url(f"{live_server}/")
    assert page.locator(".ecaf-notifications__item").count() == 0
