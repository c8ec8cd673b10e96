"""Every route is protected by the access policy, unless it is listed here as public; every
route declares the rule its view really applies, no placeholder."""

import re

import pytest
from flask import abort

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import (
    may,
    require_part,
    requires,
    requires_episode,
    visible_or_404,
)
from webapp.episodes.models import Episode

PUBLIC_ENDPOINTS = {
    "accounts.sign_in",
    # A new account's person has no password yet: the single-use token in the link decides.
    "accounts.set_password",
    # For people who cannot sign in: the link goes only to the account's own address.
    "accounts.forgotten_password",
    # The second step of signing in, before anyone is signed in: the short-lived challenge
    # that a right password started, held in the session, decides.
    "two_factor.code",
    "two_factor.recovery",
    "two_factor.set_up",
    "assets.asset",
    "home.accessibility",
    "home.health",
    "static",
}

# Pages about the signed-in account itself: its home page and notifications, signing out,
# its session. Any account may open them, so they alone declare home:view; every other
# route declares the permission its view applies.
ACCOUNT_LEVEL_ENDPOINTS = {
    "home.index",
    "home.mark_notification_read",
    "home.mark_all_notifications_read",
    "accounts.sign_out",
    "accounts.session_status",
    "accounts.extend_session",
}


def routes(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_has_an_access_rule(app):
    unprotected = [
        rule.endpoint
        for rule in routes(app)
        if not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert unprotected == []


def test_only_the_listed_routes_are_public(app):
    public = {
        rule.endpoint
        for rule in routes(app)
        if getattr(app.view_functions[rule.endpoint], "access_rule", None) == "public"
    }
    assert public == PUBLIC_ENDPOINTS


def test_every_id_in_a_url_is_typed(app):
    untyped = [
        rule.rule for rule in routes(app) if re.search(r"<(?!int:|path:)[^>]*_id>", rule.rule)
    ]
    assert untyped == []


def test_anonymous_requests_to_protected_routes_are_sent_to_sign_in(app, client):
    checked = 0
    for rule in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, headers={"Referer": "https://localhost/"})
            if method == "GET":
                assert response.status_code == 302, (method, path)
                assert response.headers["Location"].startswith("/sign-in"), (method, path)
            else:  # a POST without a session has no valid CSRF token either
                assert response.status_code in (302, 400), (method, path)
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("path", ["/sign-in", "/accessibility", "/healthz"])
def test_public_pages_answer_without_signing_in(client, path):
    assert client.get(path).status_code == 200


def declaring(app, rule) -> set[str]:
    return {
        route.endpoint
        for route in routes(app)
        if getattr(app.view_functions[route.endpoint], "access_rule", None) == rule
    }


def test_only_the_account_level_pages_declare_home_view(app):
    assert declaring(app, Permission.HOME_VIEW) == ACCOUNT_LEVEL_ENDPOINTS


def test_no_account_level_page_names_a_childs_record_in_its_url(app):
    named = [
        route.rule
        for route in routes(app)
        if route.endpoint in ACCOUNT_LEVEL_ENDPOINTS
        and route.arguments & {"episode_id", "child_id", "response_id", "consent_id"}
    ]
    assert named == []


@pytest.fixture
def episode_world(app):
    """An episode delivering its plan, and three people its pages refuse for different
    reasons: an outsider holding every role in another borough (may not see it), its team
    manager (sees it, changes nothing) and its assessor (sees it; at this stage changes no
    part of it)."""
    riverside = make_borough("riverside")
    school = make_organisation(riverside)
    assessor = make_user(school)
    manager = make_user(school, Role.MANAGER)
    episode = make_episode(
        make_child(riverside), assessor, lead_professional=make_user(school), state="delivering"
    )
    outsider = make_user(
        make_organisation(make_borough("northgate")),
        Role.PRACTITIONER,
        Role.MANAGER,
        Role.BOROUGH_CAF_CONTACT,
    )
    db.session.commit()
    return {"episode": episode, "people": [outsider, manager, assessor]}


def test_every_episode_route_declares_the_rule_its_view_refuses_on(app, episode_world):
    """Under test a route whose view refuses on a question its declaration does not cover
    fails with a server error (webapp/access/rules.py): walk every route of an episode, each
    method, as people the views refuse for different reasons."""
    episode = episode_world["episode"]
    failed, walked = [], 0
    for person in episode_world["people"]:
        client = app.test_client()
        sign_in(client, person)
        token = client.csrf_token("/")
        for rule in routes(app):
            if "episode_id" not in rule.arguments:
                continue
            path = rule.rule.replace("<int:episode_id>", str(episode.id))
            path = re.sub(r"<int:[^>]+>", "1", path)
            path = re.sub(r"<[^>]+>", "assessment", path)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token} if method == "POST" else None
                response = client.open(
                    path, method=method, data=data, headers={"Referer": "https://localhost/"}
                )
                if response.status_code == 500:
                    failed.append((person.email, method, path))
                walked += 1
    assert failed == []
    assert walked > 60


def _serve(app, rule: str, view, name: str) -> None:
    app.add_url_rule(rule, name, view, methods=["GET"])


def test_a_route_declaring_less_than_its_view_refuses_on_fails(app, episode_world):
    """The assessor may see the episode but not change its team now: a view that refuses
    on the team while its route declares only episode:view is caught; declared, it answers
    403."""

    def change_team(episode_id: int):
        episode = visible_or_404(Permission.EPISODE_VIEW, db.session.get(Episode, episode_id))
        require_part(episode, "tac")
        return "changed"

    _serve(app, "/weaker/<int:episode_id>", requires(Permission.EPISODE_VIEW)(change_team), "w")
    declared = requires_episode(Permission.EPISODE_EDIT, part="tac")(change_team)
    _serve(app, "/declared/<int:episode_id>", declared, "d")
    client = app.test_client()
    sign_in(client, episode_world["people"][2])
    episode_id = episode_world["episode"].id

    assert client.get(f"/weaker/{episode_id}").status_code == 500
    assert client.get(f"/declared/{episode_id}").status_code == 403


def test_a_placeholder_home_view_over_an_object_check_fails(app, episode_world):
    def notes(episode_id: int):
        episode = db.session.get(Episode, episode_id)
        if not may(episode_world["people"][1], Permission.EPISODE_KEEP_NOTES, episode):
            abort(404)
        return "notes"

    _serve(app, "/placeholder/<int:episode_id>", requires(Permission.HOME_VIEW)(notes), "p")
    client = app.test_client()
    sign_in(client, episode_world["people"][1])

    assert client.get(f"/placeholder/{episode_world['episode'].id}").status_code == 500


def test_a_route_whose_view_never_asks_its_declared_question_fails(app, episode_world):
    def unchecked(episode_id: int):
        return "shown without asking"

    declared = requires_episode(Permission.EPISODE_VIEW)(unchecked)
    _serve(app, "/unchecked/<int:episode_id>", declared, "u")
    client = app.test_client()
    sign_in(client, episode_world["people"][1])

    assert client.get(f"/unchecked/{episode_world['episode'].id}").status_code == 500
