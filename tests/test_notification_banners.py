"""A message that confirms something was done is GOV.UK's green success banner (role
"alert"); what a person must know instead is the blue "Important" one. Through HTTP."""

from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.useradmin.helpers import account_form, make_accounts_world


def _banners(html: str) -> list[tuple[str, str, str | None]]:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    return [
        (
            " ".join(banner.select_one(".govuk-notification-banner__title").get_text().split()),
            " ".join(banner.select_one(".govuk-notification-banner__content").get_text().split()),
            banner.get("role"),
        )
        for banner in main.select(".govuk-notification-banner")
    ]


def test_a_change_saved_is_a_success_and_nothing_changed_is_important(client, app):
    east = make_accounts_world()["eastmoor"]
    sign_in(client, east["admin"])
    person = east["practitioner"]
    path = f"/admin/users/{person.id}/edit"

    unchanged = client.post_form(path, account_form(person))
    assert _banners(client.get(unchanged.headers["Location"]).get_data(as_text=True)) == [
        ("Important", "Nothing was changed", "region")
    ]

    changed = client.post_form(
        path, account_form(person, caf_trained="no" if person.caf_trained else "yes")
    )
    page = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert _banners(page) == [("Success", "The account has been changed", "alert")]


def test_being_asked_to_sign_in_is_important_not_a_success(client, app):
    asked = client.get("/")
    assert asked.status_code == 302 and "/sign-in" in asked.headers["Location"]
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert _banners(page) == [("Important", "Sign in to continue", "region")]
