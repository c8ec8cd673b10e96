"""Passing the second step of signing in, as a person with an authenticator app does.

Accounts made by the factories have set up two-factor sign-in with TOTP_SECRET; the demo
accounts with demo.DEMO_TOTP_SECRET; an account that has not set it up is shown the setup
page, from which the helper reads the secret, as a person types it into their app.

The app never accepts a code twice (nor one of an earlier time-step). When a test signs
the same person in again within 30 seconds, the helper uses the code of the next step (the
app allows a clock one step fast); past that, it moves the account's last used step back
as if the half-minute had gone by, in the test's own database session, as the lock-out
tests move failures back in time."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from webapp import db
from webapp.accounts import two_factor
from webapp.accounts.models import User

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # for test accounts only
CODE_PAGE = "/sign-in/two-factor"
SET_UP_PAGE = "/sign-in/two-factor/set-up"


def step_to_use(last_step: int | None, now: float | None = None) -> int | None:
    """The earliest step the app accepts now that comes after `last_step`, or None."""
    current = two_factor.current_step(now)
    for step in (current, current + two_factor.DRIFT_STEPS):
        if last_step is None or step > last_step:
            return step
    return None


def code_for(email: str, secret: str = TOTP_SECRET) -> str:
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).one()
    step = step_to_use(user.totp_last_step)
    if step is None:  # signed in three times within the half-minute: let it pass
        user.totp_last_step = two_factor.current_step() - two_factor.DRIFT_STEPS - 1
        db.session.commit()
        step = two_factor.current_step()
    return two_factor.code_for_step(secret, step)


def secret_on_set_up_page(html: str) -> str:
    match = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html)
    assert match, "no secret on the set-up page"
    return match.group(1).replace(" ", "")


def pass_second_step(client, response, email: str, secret: str = TOTP_SECRET):
    """After a password accepted (`response`, a redirect to the second step): enter a code
    from the app, setting it up first if the account has not; the response to that."""
    location = response.headers.get("Location", "")
    if location.startswith(SET_UP_PAGE):
        page = client.get(SET_UP_PAGE).get_data(as_text=True)
        secret = secret_on_set_up_page(page)
        code = two_factor.code_for_step(secret, two_factor.current_step())
        return client.post_form(SET_UP_PAGE, {"code": code})
    assert location.startswith(CODE_PAGE), f"not sent to the second step: {location}"
    return client.post_form(CODE_PAGE, {"code": code_for(email, secret)})


# --- in a real browser ------------------------------------------------------------------

_browser_last_steps: dict[str, int] = {}


def forget_browser_steps() -> None:
    _browser_last_steps.clear()


def browser_code(email: str, secret: str = TOTP_SECRET) -> str:
    """A code for `email` that the live server has not seen yet (waiting for the next
    half-minute if this process has used every code the app accepts now)."""
    step = step_to_use(_browser_last_steps.get(email))
    while step is None:
        time.sleep(1)
        step = step_to_use(_browser_last_steps.get(email))
    _browser_last_steps[email] = step
    return two_factor.code_for_step(secret, step)


def pass_second_step_in_browser(page, email: str, secret: str = TOTP_SECRET) -> None:
    """On the page after the password: enter a code from the app; for an account that has
    not set it up, read the secret from the setup page as a person types it into their app,
    enter its code and go on from the recovery codes."""
    page.wait_for_url(re.compile(r".*/sign-in/two-factor(/set-up)?$"))
    if page.url.endswith("/set-up"):
        secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
        page.fill("#code", browser_code(email, secret))
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("link", name="I have saved my recovery codes").click()
        return
    page.fill("#code", browser_code(email, secret))
    page.get_by_role("button", name="Continue").click()
