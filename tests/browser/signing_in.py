"""Signing in through the browser, as a person does: the password, then the code."""

from tests.factories import PASSWORD
from tests.two_factor import pass_second_step_in_browser


def sign_in(page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step_in_browser(page, email)
    page.wait_for_url(f"{live_server}/")


def no_sideways_scroll(page) -> bool:
    """The page fits the window's width: nothing makes the whole page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
