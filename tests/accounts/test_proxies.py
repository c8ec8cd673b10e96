"""Behind a reverse proxy: the client's address and scheme come from X-Forwarded-For and
X-Forwarded-Proto only as set by the CAF_TRUSTED_PROXIES proxies nearest the app, and
Strict-Transport-Security is sent whenever the client's own request was HTTPS. Through HTTP."""

import pytest

from tests.accounts.conftest import attempt, audited, error_summary
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from webapp import create_app, db

HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
def user(app):
    user = make_user(make_organisation(make_borough("riverside")), email="sam@riverside.example")
    db.session.commit()
    return user


def test_without_trusted_proxies_a_forged_forwarded_for_is_not_the_audited_address(client, user):
    attempt(
        client, user.email, "wrong password", address="192.0.2.10", forwarded_for="198.51.100.7"
    )

    (failed,) = audited("auth.sign_in.failed")
    assert failed.client_address == "192.0.2.10"


def test_without_trusted_proxies_forged_forwarded_for_headers_do_not_escape_the_slow_down(
    client, app, user
):
    app.config["LOGIN_ADDRESS_SLOW_DOWN_AFTER"] = 3
    for number in range(3):
        attempt(
            client,
            f"made-up-{number}@riverside.example",
            "wrong password",
            address="192.0.2.10",
            forwarded_for=f"198.51.100.{number}",
        )

    forged_fresh_address = attempt(
        client, user.email, PASSWORD, address="192.0.2.10", forwarded_for="198.51.100.200"
    )

    assert forged_fresh_address.status_code == 429
    assert (
        "too many attempts to sign in from your network" in error_summary(forged_fresh_address)[0]
    )


def test_behind_one_trusted_proxy_the_right_most_forwarded_address_is_audited(
    app_behind_one_proxy, user
):
    client = app_behind_one_proxy.test_client()

    attempt(
        client,
        user.email,
        "wrong password",
        address="10.0.0.2",
        forwarded_for="192.0.2.250, 198.51.100.7",
    )
    attempt(client, user.email, PASSWORD, address="10.0.0.2", forwarded_for="198.51.100.8")

    (failed,) = audited("auth.sign_in.failed")
    assert failed.client_address == "198.51.100.7"
    (succeeded,) = audited("auth.sign_in.succeeded")
    assert succeeded.client_address == "198.51.100.8"


def test_behind_one_trusted_proxy_the_slow_down_is_per_forwarded_address(
    app_behind_one_proxy, user
):
    app_behind_one_proxy.config["LOGIN_ADDRESS_SLOW_DOWN_AFTER"] = 3
    client = app_behind_one_proxy.test_client()
    for number in range(3):
        attempt(
            client,
            f"made-up-{number}@riverside.example",
            "wrong password",
            address="10.0.0.2",
            forwarded_for="198.51.100.7",
        )

    # Everyone reaches the app from the proxy's address; only the attacker's is slowed.
    same_client = attempt(
        client, user.email, PASSWORD, address="10.0.0.2", forwarded_for="198.51.100.7"
    )
    other_client = attempt(
        client, user.email, PASSWORD, address="10.0.0.2", forwarded_for="198.51.100.8"
    )

    assert same_client.status_code == 429
    assert other_client.status_code == 302


def test_a_forwarded_address_that_is_not_an_address_never_breaks_sign_in(
    app_behind_one_proxy, user
):
    client = app_behind_one_proxy.test_client()

    response = attempt(client, user.email, "wrong password", forwarded_for="x" * 300)

    assert response.status_code == 200
    (failed,) = audited("auth.sign_in.failed")
    assert failed.client_address == "x" * 64


def test_hsts_is_sent_over_https(client):
    assert client.get("/sign-in").headers["Strict-Transport-Security"] == HSTS


def test_hsts_is_not_sent_over_plain_http(client):
    response = client.get("/sign-in", base_url="http://localhost")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_an_untrusted_forwarded_proto_does_not_turn_hsts_on(client):
    response = client.get(
        "/sign-in", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"}
    )

    assert "Strict-Transport-Security" not in response.headers


def test_a_trusted_proxy_that_ended_https_turns_hsts_on(app_behind_one_proxy):
    client = app_behind_one_proxy.test_client()

    response = client.get(
        "/sign-in", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"}
    )

    assert response.headers["Strict-Transport-Security"] == HSTS


def test_a_trusted_proxy_that_received_plain_http_gets_no_hsts(app_behind_one_proxy):
    client = app_behind_one_proxy.test_client()

    response = client.get(
        "/sign-in", base_url="http://localhost", headers={"X-Forwarded-Proto": "http"}
    )

    assert "Strict-Transport-Security" not in response.headers


def test_trusted_proxies_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CAF_DATABASE_URL", raising=False)
    monkeypatch.setenv("CAF_TRUSTED_PROXIES", "2")

    app = create_app()

    assert app.config["TRUSTED_PROXIES"] == 2
    assert app.wsgi_app.x_for == app.wsgi_app.x_proto == 2
    assert app.wsgi_app.x_host == 0


def test_no_proxy_is_trusted_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    for variable in ("CAF_DATABASE_URL", "CAF_TRUSTED_PROXIES"):
        monkeypatch.delenv(variable, raising=False)

    app = create_app()

    assert app.config["TRUSTED_PROXIES"] == 0
    assert not hasattr(app.wsgi_app, "x_for")


def test_a_negative_number_of_trusted_proxies_stops_the_app_with_a_clear_error(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CAF_DATABASE_URL", raising=False)
    monkeypatch.setenv("CAF_TRUSTED_PROXIES", "-1")

    with pytest.raises(ValueError, match="CAF_TRUSTED_PROXIES.*0 or more"):
        create_app()


def test_every_client_address_comes_from_one_function():
    """The audited address is the one ProxyFix settled on, checked and cut to size in
    `client_address()`: no other module reads the request's address itself."""
    from pathlib import Path

    import webapp

    root = Path(webapp.__file__).parent
    readers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "remote_addr" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["accounts/sessions.py"]
