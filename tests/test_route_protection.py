"""Every route is protected by the access policy, unless it is listed here as public."""

import re

import pytest

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
