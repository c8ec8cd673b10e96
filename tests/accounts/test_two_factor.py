"""Two-factor sign-in through the pages: the password alone signs nobody in; a code from the
app does, once; recovery codes work once each; a person sets up their app at their first
sign-in where their borough requires it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.accounts.conftest import audited, error_summary
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_borough, make_organisation, make_user
from tests.two_factor import TOTP_SECRET, secret_on_set_up_page
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts import two_factor
from webapp.accounts.models import RecoveryCode, TwoFactorChallenge, User
from webapp.accounts.passwords import passwords

CODE_PAGE = "/sign-in/two-factor"
RECOVERY_PAGE = "/sign-in/recovery-code"
SET_UP_PAGE = "/sign-in/two-factor/set-up"
WRONG = "Enter the code your authenticator app shows now"
REUSED = "That code has been used already. Wait for your app to show a new code, then enter it"


@pytest.fixture
def organisation(app):
    return make_organisation(make_borough("riverside"))


@pytest.fixture
def user(organisation):
    user = make_user(organisation, email="sam@riverside.example")
    db.session.commit()
    return user


def password_step(client, email: str, path: str = "/sign-in"):
    return client.post_form(path, {"email": email, "password": PASSWORD}, token_from="/sign-in")


def code_at(offset: int = 0, secret: str = TOTP_SECRET) -> str:
    return two_factor.code_for_step(secret, two_factor.current_step() + offset)


def wrong_code() -> str:
    window = {code_at(offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in window)


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def sign_out(client) -> None:
    client.post_form("/sign-out", token_from="/")


def test_the_right_password_alone_signs_nobody_in(client, user):
    response = password_step(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == CODE_PAGE
    assert not signed_in(client)
    assert audited("auth.sign_in.password_accepted")
    assert not audited("auth.sign_in.succeeded")
    assert db.session.get(User, user.id).last_login_at is None


def test_a_code_from_the_app_signs_in(client, user):
    password_step(client, user.email)
    page = client.get(CODE_PAGE).get_data(as_text=True)
    assert "Use a recovery code instead" in page

    response = client.post_form(CODE_PAGE, {"code": code_at()})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client)
    (event,) = audited("auth.sign_in.succeeded")
    assert '"second_factor": "app"' in event.detail


def test_a_wrong_code_is_refused_with_an_error_message(client, user):
    password_step(client, user.email)

    response = client.post_form(CODE_PAGE, {"code": wrong_code()})

    assert response.status_code == 200
    assert error_summary(response) == [WRONG]
    assert "Error: " in BeautifulSoup(response.data, "html.parser").title.get_text()
    assert not signed_in(client)
    assert audited("auth.two_factor.failed")


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Enter the code from your authenticator app"),
        ("12ab56", "The code must be 6 digits, like 123456"),
        ("1234567", "The code must be 6 digits, like 123456"),
    ],
)
def test_a_code_in_the_wrong_form_gets_a_field_error(client, user, code, message):
    password_step(client, user.email)

    response = client.post_form(CODE_PAGE, {"code": code})

    assert response.status_code == 200
    assert error_summary(response) == [message]
    soup = BeautifulSoup(response.data, "html.parser")
    assert message in soup.select_one("#code-error").get_text()


def test_a_code_with_spaces_is_read_as_its_digits(client, user):
    password_step(client, user.email)
    code = code_at()

    response = client.post_form(CODE_PAGE, {"code": f" {code[:3]} {code[3:]} "})

    assert response.status_code == 302 and signed_in(client)


def test_a_code_is_accepted_only_once(client, other_client, user):
    code = code_at()
    password_step(client, user.email)
    assert client.post_form(CODE_PAGE, {"code": code}).status_code == 302

    # The same code, seen over the shoulder, in another browser with the password
    password_step(other_client, user.email)
    replayed = other_client.post_form(CODE_PAGE, {"code": code})

    assert replayed.status_code == 200
    assert error_summary(replayed) == [REUSED]
    assert not signed_in(other_client)
    assert audited("auth.two_factor.reused")


def test_a_code_of_an_earlier_step_than_the_last_used_is_refused(client, other_client, user):
    password_step(client, user.email)
    assert client.post_form(CODE_PAGE, {"code": code_at(+1)}).status_code == 302

    password_step(other_client, user.email)
    earlier = other_client.post_form(CODE_PAGE, {"code": code_at(0)})

    assert error_summary(earlier) == [REUSED]
    assert not signed_in(other_client)


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_code_one_step_either_side_is_accepted(client, user, offset):
    password_step(client, user.email)

    assert client.post_form(CODE_PAGE, {"code": code_at(offset)}).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_a_code_two_or_more_steps_away_is_refused(client, user, offset):
    password_step(client, user.email)

    response = client.post_form(CODE_PAGE, {"code": code_at(offset)})

    assert error_summary(response) == [WRONG]
    assert not signed_in(client)


def test_five_wrong_codes_lock_the_second_step(client, other_client, user):
    password_step(client, user.email)
    answers = [client.post_form(CODE_PAGE, {"code": wrong_code()}) for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert "You have entered incorrect codes too many times" in error_summary(answers[-1])[0]
    assert audited("auth.two_factor.lockout_started")

    # The sign-in is over; with the password again, even the right code waits
    assert client.get(CODE_PAGE).status_code == 302
    password_step(other_client, user.email)
    locked = other_client.post_form(CODE_PAGE, {"code": code_at()})
    assert locked.status_code == 429
    assert not signed_in(other_client)


def test_the_lock_out_of_the_second_step_ends_after_fifteen_minutes(client, user):
    from tests.accounts.conftest import time_passes

    password_step(client, user.email)
    for _ in range(5):
        client.post_form(CODE_PAGE, {"code": wrong_code()})
    time_passes(timedelta(minutes=16))

    password_step(client, user.email)
    assert client.post_form(CODE_PAGE, {"code": code_at()}).status_code == 302
    assert signed_in(client)


def test_the_second_step_without_a_right_password_sends_to_sign_in(client, user):
    assert client.get(CODE_PAGE).headers["Location"] == "/sign-in"
    assert client.get(RECOVERY_PAGE).headers["Location"] == "/sign-in"
    assert client.get(SET_UP_PAGE).headers["Location"] == "/sign-in"

    guessed = client.post_form(CODE_PAGE, {"code": code_at()}, token_from="/sign-in")

    assert guessed.status_code == 302 and guessed.headers["Location"] == "/sign-in"
    assert not signed_in(client)


def test_the_second_step_times_out(client, user):
    password_step(client, user.email)
    for challenge in db.session.scalars(select(TwoFactorChallenge)):
        challenge.expires_at -= two_factor.CHALLENGE_VALID_FOR
    db.session.commit()

    response = client.post_form(CODE_PAGE, {"code": code_at()}, token_from="/sign-in")

    assert response.headers["Location"] == "/sign-in"
    assert "Your sign-in timed out before you entered a code" in (
        client.get("/sign-in").get_data(as_text=True)
    )
    assert not signed_in(client)


def test_a_person_deactivated_between_the_steps_is_not_signed_in(client, user):
    password_step(client, user.email)
    db.session.get(User, user.id).active = False
    db.session.commit()

    response = client.post_form(CODE_PAGE, {"code": code_at()}, token_from="/sign-in")

    assert response.headers["Location"] == "/sign-in"
    assert not signed_in(client)


def test_the_next_page_is_kept_through_the_second_step(client, user):
    response = password_step(client, user.email, "/sign-in?next=/child-index")
    assert response.headers["Location"] == CODE_PAGE

    response = client.post_form(CODE_PAGE, {"code": code_at()})

    assert response.headers["Location"] == "/child-index"


# --- recovery codes ---------------------------------------------------------------------


def recovery_codes_for(user: User) -> list[str]:
    codes = two_factor.new_recovery_codes(db.session, user, passwords())
    db.session.commit()
    return codes


def test_a_recovery_code_signs_in_once(client, other_client, user):
    codes = recovery_codes_for(user)
    password_step(client, user.email)
    page = client.get(RECOVERY_PAGE)
    assert page.status_code == 200

    response = client.post_form(RECOVERY_PAGE, {"code": codes[3].upper()})

    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "You have 9 recovery codes left" in home.get_data(as_text=True)
    (event,) = audited("auth.sign_in.succeeded")
    assert '"second_factor": "recovery_code"' in event.detail

    password_step(other_client, user.email)
    again = other_client.post_form(RECOVERY_PAGE, {"code": codes[3]})
    assert again.status_code == 200
    assert error_summary(again) == ["Enter a recovery code that you have not used before"]
    assert not signed_in(other_client)


def test_recovery_codes_are_stored_only_as_digests(user):
    codes = recovery_codes_for(user)
    stored = list(db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10 == len(set(codes))
    for row in stored:
        assert all(code.replace("-", "") not in row.digest for code in codes)


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Enter a recovery code"),
        ("abc", "Enter the recovery code as it was given to you, like abcde-fghjk"),
        ("abcde-fghi1", "Enter the recovery code as it was given to you, like abcde-fghjk"),
    ],
)
def test_a_recovery_code_in_the_wrong_form_gets_a_field_error(client, user, code, message):
    password_step(client, user.email)

    response = client.post_form(RECOVERY_PAGE, {"code": code})

    assert error_summary(response) == [message]
    assert not signed_in(client)


def test_wrong_recovery_codes_count_towards_the_lock_out(client, user):
    recovery_codes_for(user)
    password_step(client, user.email)
    answers = [client.post_form(RECOVERY_PAGE, {"code": "abcde-fghjk"}) for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]


# --- setting it up ----------------------------------------------------------------------


@pytest.fixture
def newcomer(organisation):
    user = make_user(organisation, email="new@riverside.example", two_factor=False)
    db.session.commit()
    return user


def test_a_person_sets_up_their_app_at_their_first_sign_in(client, newcomer):
    response = password_step(client, newcomer.email)
    assert response.headers["Location"] == SET_UP_PAGE
    assert client.get(CODE_PAGE).headers["Location"] == SET_UP_PAGE

    page = client.get(SET_UP_PAGE).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    qr_code = soup.select_one("svg[role=img]")
    assert qr_code is not None and qr_code["aria-label"]
    secret = secret_on_set_up_page(page)
    assert secret == secret_on_set_up_page(client.get(SET_UP_PAGE).get_data(as_text=True))
    assert not signed_in(client)

    wrong = client.post_form(
        SET_UP_PAGE, {"code": "000000" if code_at(0, secret) != "000000" else "111111"}
    )
    assert error_summary(wrong) == [WRONG]
    assert not signed_in(client)

    done = client.post_form(SET_UP_PAGE, {"code": code_at(0, secret)})

    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "Two-factor sign-in is set up" in text
    codes = [
        code.get_text()
        for code in BeautifulSoup(text, "html.parser").select("#recovery-codes code")
    ]
    assert len(codes) == 10
    assert signed_in(client)
    account = db.session.get(User, newcomer.id)
    assert account.totp_secret and secret not in account.totp_secret
    assert two_factor.decrypt_secret(account.totp_secret) == secret
    assert audited("auth.two_factor.set_up")

    # Next time: a code from the app, or one of the codes shown
    sign_out(client)
    password_step(client, newcomer.email)
    assert client.get(SET_UP_PAGE).headers["Location"] == CODE_PAGE
    assert client.post_form(RECOVERY_PAGE, {"code": codes[0]}).status_code == 302
    assert signed_in(client)


def test_a_borough_that_does_not_require_it_signs_in_with_the_password_alone(app, client):
    borough = make_borough("northgate", two_factor_required=False)
    organisation = make_organisation(borough)
    person = make_user(organisation, two_factor=False)
    db.session.commit()

    response = password_step(client, person.email)

    assert response.headers["Location"] == "/"
    assert signed_in(client)
    assert "Your borough does not require it" in client.get("/account").get_data(as_text=True)


def test_a_person_who_set_it_up_uses_it_even_where_it_is_not_required(app, client):
    borough = make_borough("northgate", two_factor_required=False)
    person = make_user(make_organisation(borough))
    db.session.commit()

    assert password_step(client, person.email).headers["Location"] == CODE_PAGE


def test_a_system_administrator_always_needs_it(app, client):
    borough = make_borough("northgate", two_factor_required=False)
    administrator = make_user(make_organisation(borough), Role.SYSTEM_ADMIN, two_factor=False)
    db.session.commit()

    assert password_step(client, administrator.email).headers["Location"] == SET_UP_PAGE
    assert not signed_in(client)


def test_a_new_borough_requires_it(app):
    borough = make_borough("eastmoor")
    db.session.commit()
    assert borough.two_factor_required is True


# --- the account page -------------------------------------------------------------------


def test_the_account_page_counts_the_recovery_codes_left(client, user):
    recovery_codes_for(user)
    sign_in(client, user)

    page = client.get("/account").get_data(as_text=True)

    assert "You have 10 unused recovery codes" in page


def test_new_recovery_codes_replace_the_old_ones(client, other_client, user):
    old_codes = recovery_codes_for(user)
    sign_in(client, user)

    wrong = client.post_form("/account/recovery-codes", {"code": wrong_code()})
    assert error_summary(wrong) == [WRONG]
    fresh = two_factor.code_for_step(TOTP_SECRET, two_factor.current_step() + 1)
    response = client.post_form("/account/recovery-codes", {"code": fresh})

    assert response.status_code == 200
    new_codes = [
        code.get_text()
        for code in BeautifulSoup(response.data, "html.parser").select("#recovery-codes code")
    ]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert audited("auth.two_factor.recovery_codes_replaced")

    password_step(other_client, user.email)
    assert other_client.post_form(RECOVERY_PAGE, {"code": old_codes[0]}).status_code == 200
    assert other_client.post_form(RECOVERY_PAGE, {"code": new_codes[0]}).status_code == 302


def test_the_secret_is_not_kept_in_clear(user):
    stored = db.session.get(User, user.id).totp_secret
    assert TOTP_SECRET not in stored
    assert two_factor.decrypt_secret(stored) == TOTP_SECRET


# --- at the same moment -------------------------------------------------------------------


def test_the_same_code_sent_twice_at_once_signs_in_only_once(app, client, other_client, user):
    from tests.concurrency import Post, post_at_once

    password_step(client, user.email)
    password_step(other_client, user.email)
    code = code_at()

    responses = post_at_once(
        app,
        [Post(client, CODE_PAGE, {"code": code}), Post(other_client, CODE_PAGE, {"code": code})],
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    assert len(audited("auth.sign_in.succeeded")) == 1


def test_the_same_recovery_code_sent_twice_at_once_signs_in_only_once(
    app, client, other_client, user
):
    from tests.concurrency import Post, post_at_once

    codes = recovery_codes_for(user)
    password_step(client, user.email)
    password_step(other_client, user.email)

    responses = post_at_once(
        app,
        [
            Post(client, RECOVERY_PAGE, {"code": codes[0]}),
            Post(other_client, RECOVERY_PAGE, {"code": codes[0]}),
        ],
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    assert len(audited("auth.sign_in.succeeded")) == 1


def test_after_the_two_factor_key_changes_people_set_up_their_app_again(app, client, user):
    app.config["TWO_FACTOR_KEY"] = "a new key, after the old one leaked"

    assert password_step(client, user.email).headers["Location"] == SET_UP_PAGE
    old_secret_code = client.post_form(CODE_PAGE, {"code": code_at()}, token_from=SET_UP_PAGE)
    assert old_secret_code.headers["Location"] == SET_UP_PAGE
    assert not signed_in(client)
