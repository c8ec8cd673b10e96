"""The session ends after a period of inactivity, and nothing typed is lost."""

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from tests.two_factor import code_for
from webapp import db


@pytest.fixture
def organisation(app):
    organisation = make_organisation(make_borough("riverside"))
    db.session.commit()
    return organisation


def go_idle(client, minutes: int = 31) -> None:
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60


def hidden_fields(response) -> list[tuple[str, str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [(i["name"], i.get("value", "")) for i in soup.select("form input[type=hidden]")]


def test_a_page_after_the_idle_limit_asks_the_user_to_sign_in_again(client, organisation):
    sign_in(client, make_user(organisation))
    go_idle(client)

    response = client.get("/child-index")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert "inactive for 30 minutes" in client.get("/sign-in").get_data(as_text=True)


def test_activity_within_the_limit_keeps_the_session(client, organisation):
    sign_in(client, make_user(organisation))
    go_idle(client, minutes=29)
    assert client.get("/").status_code == 200
    go_idle(client, minutes=29)  # counted from the last request, not from sign-in
    assert client.get("/").status_code == 200


def test_a_form_sent_after_the_limit_is_carried_through_sign_in_for_the_same_user(
    client, organisation
):
    user = make_user(organisation)
    sign_in(client, user)
    token = client.csrf_token("/")
    go_idle(client)

    typed = {"notes": "Family would like an evening visit <b>please</b>", "csrf_token": token}
    timed_out = client.post("/sign-out", data=typed, headers={"Referer": "https://localhost/"})

    assert timed_out.status_code == 200
    page = timed_out.get_data(as_text=True)
    assert "You were signed out because you were inactive for 30 minutes" in page
    carried = hidden_fields(timed_out)
    assert ("carried_name", "notes") in carried
    assert ("carried_value", "Family would like an evening visit <b>please</b>") in carried
    assert "<b>please</b>" not in page  # carried as escaped text, never as markup

    resumed = client.post_form(
        "/sign-in",
        {
            "email": user.email,
            "password": "correct horse battery staple",
            "carried_name": "notes",
            "carried_value": "Family would like an evening visit <b>please</b>",
        },
    )

    # The second step keeps what was typed in its page too, never on the server.
    assert resumed.status_code == 200
    assert ("carried_value", "Family would like an evening visit <b>please</b>") in (
        hidden_fields(resumed)
    )
    resumed = client.post_form(
        "/sign-in/two-factor",
        {
            "code": code_for(user.email),
            "carried_name": "notes",
            "carried_value": "Family would like an evening visit <b>please</b>",
        },
    )

    assert resumed.status_code == 200
    fields = dict(hidden_fields(resumed))
    assert fields["notes"] == "Family would like an evening visit <b>please</b>"
    assert fields["csrf_token"]
    soup = BeautifulSoup(resumed.get_data(as_text=True), "html.parser")
    assert soup.select_one("main form")["action"] == "/sign-out"


def test_carried_work_is_not_offered_to_a_different_user(client, organisation):
    first, second = make_user(organisation), make_user(organisation)
    sign_in(client, first)
    token = client.csrf_token("/")
    go_idle(client)
    client.post(
        "/sign-out",
        data={"notes": "private", "csrf_token": token},
        headers={"Referer": "https://localhost/"},
    )

    response = client.post_form(
        "/sign-in",
        {
            "email": second.email,
            "password": "correct horse battery staple",
            "carried_name": "notes",
            "carried_value": "private",
        },
    )
    response = client.post_form(
        "/sign-in/two-factor",
        {"code": code_for(second.email), "carried_name": "notes", "carried_value": "private"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_status_reports_time_left_without_extending_it(client, organisation):
    sign_in(client, make_user(organisation))
    go_idle(client, minutes=10)

    first = client.get("/session/status", headers={"Accept": "application/json"}).json
    second = client.get("/session/status", headers={"Accept": "application/json"}).json

    assert 19 * 60 <= first["seconds_left"] <= 20 * 60
    assert second["seconds_left"] <= first["seconds_left"]


def test_stay_signed_in_extends_the_session(client, organisation):
    sign_in(client, make_user(organisation))
    token = client.csrf_token("/")
    go_idle(client, minutes=29)

    response = client.post_form("/session/extend", {"csrf_token": token})

    assert response.status_code == 200
    assert response.json["seconds_left"] >= 29 * 60
