"""Failed sign-ins lock out the email address typed, from whatever client address; a client
address is only slowed down for a few seconds, so that failed attempts from one address
(one attacker, or everyone behind one proxy) cannot lock anybody else out. Through HTTP."""

from datetime import timedelta

import pytest

from tests.accounts.conftest import attempt, audited, error_summary, time_passes
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from webapp import db

REFUSED = "Enter a correct email address and password"
LOCKED = "You have entered incorrect details too many times. Wait 15 minutes, then try again."
SLOWED = (
    "There have been too many attempts to sign in from your network. "
    "Wait 10 seconds, then try again."
)
ATTACKER = "203.0.113.66"


@pytest.fixture
def user(app):
    user = make_user(make_organisation(make_borough("riverside")), email="sam@riverside.example")
    db.session.commit()
    return user


@pytest.fixture
def slow_down_after_three(app):
    app.config["LOGIN_ADDRESS_SLOW_DOWN_AFTER"] = 3


def spray(client, count: int, address: str = ATTACKER, start: int = 0) -> list:
    return [
        attempt(client, f"made-up-{number}@riverside.example", "Winter2026!", address=address)
        for number in range(start, start + count)
    ]


def test_spraying_made_up_emails_from_one_address_does_not_lock_out_a_real_user(
    client, other_client, user
):
    # More than the 50 failures from one address that used to lock the address out.
    responses = spray(other_client, 60)
    assert {response.status_code for response in responses} == {200}

    signed_in = attempt(client, user.email, PASSWORD, address=ATTACKER)

    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200


def test_past_the_slow_down_threshold_a_real_user_waits_seconds_not_minutes(
    client, other_client, user, slow_down_after_three
):
    spray(other_client, 3)

    slowed = attempt(client, user.email, PASSWORD, address=ATTACKER)
    assert slowed.status_code == 429
    assert slowed.headers["Retry-After"] == "10"
    assert error_summary(slowed) == [SLOWED]
    assert audited("auth.sign_in.slowed")

    time_passes(timedelta(seconds=10))

    assert attempt(client, user.email, PASSWORD, address=ATTACKER).status_code == 302
    assert client.get("/").status_code == 200


def test_attempts_while_slowed_down_are_not_checked_and_do_not_prolong_it(
    client, other_client, user, slow_down_after_three
):
    spray(other_client, 3)
    hammering = spray(other_client, 20, start=3) + [
        attempt(other_client, user.email, "guess", address=ATTACKER)
    ]
    assert {response.status_code for response in hammering} == {429}
    assert len(audited("auth.sign_in.failed")) == 3

    time_passes(timedelta(seconds=10))

    # The attempt at the real account was never checked, so it did not count against it.
    assert attempt(client, user.email, PASSWORD, address=ATTACKER).status_code == 302


def test_a_slowed_down_address_gets_one_attempt_every_ten_seconds(
    other_client, user, slow_down_after_three
):
    spray(other_client, 3)
    for round_number in range(3):
        time_passes(timedelta(seconds=10))
        checked, slowed = spray(other_client, 2, start=10 + 2 * round_number)
        assert (checked.status_code, slowed.status_code) == (200, 429)
        assert error_summary(checked) == [REFUSED]
        assert error_summary(slowed) == [SLOWED]


def test_the_slow_down_answer_is_the_same_for_known_and_unknown_emails(
    client, other_client, user, slow_down_after_three
):
    spray(other_client, 3)

    known = attempt(client, user.email, "wrong password", address=ATTACKER)
    unknown = attempt(client, "nobody@riverside.example", "wrong password", address=ATTACKER)

    assert known.status_code == unknown.status_code == 429
    assert error_summary(known) == error_summary(unknown) == [SLOWED]
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]


def test_other_addresses_are_not_slowed_down(client, other_client, user, slow_down_after_three):
    spray(other_client, 3)

    assert attempt(client, user.email, PASSWORD, address="198.51.100.20").status_code == 302


def test_a_browser_that_signed_in_to_the_account_before_is_not_slowed_down(
    client, other_client, user, slow_down_after_three, app
):
    attempt(client, user.email, PASSWORD, address=ATTACKER)
    client.post_form("/sign-out", token_from="/")
    spray(other_client, 3)
    new_browser = app.test_client()

    assert attempt(new_browser, user.email, PASSWORD, address=ATTACKER).status_code == 429
    assert attempt(client, user.email, PASSWORD, address=ATTACKER).status_code == 302


def test_a_known_browser_lifts_the_slow_down_only_for_its_own_account(
    client, other_client, user, slow_down_after_three
):
    attacker_account = make_user(user.organisation, email="insider@riverside.example")
    db.session.commit()
    assert attempt(other_client, attacker_account.email, PASSWORD).status_code == 302
    other_client.post_form("/sign-out", token_from="/")
    spray(other_client, 3)

    guess = attempt(other_client, user.email, "a guess at Sam's password", address=ATTACKER)

    assert guess.status_code == 429
    assert error_summary(guess) == [SLOWED]


def test_a_forged_known_browser_cookie_is_ignored(client, user, slow_down_after_three):
    spray(client, 3)
    client.set_cookie("ecaf_known_device", "forged.value.here", domain="localhost")

    assert attempt(client, user.email, PASSWORD, address=ATTACKER).status_code == 429


def test_a_known_browser_is_still_locked_out_of_its_account_after_five_wrong_passwords(
    client, user
):
    attempt(client, user.email, PASSWORD)
    client.post_form("/sign-out", token_from="/")

    answers = [attempt(client, user.email, "wrong password") for _ in range(5)]

    assert [response.status_code for response in answers] == [200, 200, 200, 200, 429]
    assert attempt(client, user.email, PASSWORD).status_code == 429


def test_wrong_passwords_from_many_addresses_lock_the_account(client, other_client, user):
    for number in range(4):
        wrong = attempt(client, user.email, "wrong password", address=f"192.0.2.{number + 1}")
        assert wrong.status_code == 200
    fifth = attempt(client, user.email, "wrong password", address="192.0.2.5")
    assert fifth.status_code == 429
    assert error_summary(fifth) == [LOCKED]

    right_password = attempt(other_client, user.email, PASSWORD, address="198.51.100.99")

    assert right_password.status_code == 429
    assert error_summary(right_password) == [LOCKED]
    assert other_client.get("/").status_code == 302


def test_wrong_passwords_forwarded_from_many_addresses_lock_the_account(app_behind_one_proxy, user):
    client = app_behind_one_proxy.test_client()
    answers = [
        attempt(client, user.email, "wrong password", forwarded_for=f"192.0.2.{number}")
        for number in range(1, 6)
    ]
    assert [response.status_code for response in answers] == [200, 200, 200, 200, 429]
    assert {event.client_address for event in audited("auth.sign_in.failed")} == {
        f"192.0.2.{number}" for number in range(1, 6)
    }

    right_password = attempt(client, user.email, PASSWORD, forwarded_for="198.51.100.99")

    assert right_password.status_code == 429
    assert error_summary(right_password) == [LOCKED]


def test_the_lock_out_of_an_unknown_email_from_many_addresses_looks_the_same(client, user):
    def five_from_many_addresses(email):
        return [
            attempt(client, email, "wrong password", address=f"192.0.2.{number}")
            for number in range(1, 7)
        ]

    known = five_from_many_addresses(user.email)
    unknown = five_from_many_addresses("nobody@riverside.example")

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.status_code for r in unknown] == [200, 200, 200, 200, 429, 429]
    assert [error_summary(r) for r in known] == [error_summary(r) for r in unknown]
    assert error_summary(unknown[-1]) == [LOCKED]


def test_the_account_lock_out_ends_after_fifteen_minutes(client, user):
    for number in range(5):
        attempt(client, user.email, "wrong password", address=f"192.0.2.{number}")
    time_passes(timedelta(minutes=15, seconds=1))

    assert attempt(client, user.email, PASSWORD, address="192.0.2.77").status_code == 302
