"""Passwords follow the NCSC's guidance and NIST SP 800-63B: 12 to 200 characters of any
kind, no composition rules, and nothing easy to guess (common or breached passwords from
zxcvbn's shipped list, repeats, sequences, keyboard patterns, the person's own name or email
address, the service's name). Tried through the set-password link, the one page that sets a
password, with real rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from tests.accounts.conftest import attempt, audited
from tests.factories import make_borough, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts import password_rules, setup_links
from webapp.accounts.models import User
from webapp.accounts.passwords import is_usable, passwords, unusable_password_hash
from webapp.demo.seed import DEMO_PASSWORD

HARDER = "Choose a password that is harder to guess: "
COMMON = HARDER + "this one is a common password, or too like one"
REPEATED = HARDER + "this one repeats characters or words, like aaaa or abcabc"
SEQUENCE = HARDER + "this one has a sequence in it, like abcd or 1234"
KEYBOARD = HARDER + "this one follows keys on a keyboard, like qwerty"
ABOUT_THE_ACCOUNT = (
    HARDER + "this one uses your name, your email address or the name of this service"
)
GUESSABLE = HARDER + "this one is made of common words, names or dates"

# Twelve characters or more, from the list of common passwords that zxcvbn ships.
COMMON_LIST_SAMPLES = [word for word in FREQUENCY_LISTS["passwords"] if len(word) >= 12][:6]

BAD_PASSWORDS = [
    *[(word, COMMON) for word in COMMON_LIST_SAMPLES],
    ("password1234", COMMON),
    ("Password1234!", COMMON),
    ("iloveyou2024!", COMMON),
    ("aaaaaaaaaaaa", REPEATED),
    ("111111111111", REPEATED),
    ("abcabcabcabc", REPEATED),
    ("monkeymonkeymonkey", REPEATED),
    ("abcdefghijkl", SEQUENCE),
    ("123456789012", COMMON),  # "123456789" leads the common list
    ("qwertyuiopas", COMMON),  # so does "qwertyuiop"
    ("asdfghjkl;'#", KEYBOARD),
    ("zxcvbnm,./12", KEYBOARD),
    ("January2026!", GUESSABLE),
    ("priya.shah@eastmoor.example", ABOUT_THE_ACCOUNT),
    ("Priya.Shah@Eastmoor.example!", ABOUT_THE_ACCOUNT),
    ("priyashah1234", ABOUT_THE_ACCOUNT),
    ("Priya Shah 2026", ABOUT_THE_ACCOUNT),
    ("EastmoorPriya1", ABOUT_THE_ACCOUNT),
    ("ecaf-password", COMMON),
    ("ecaf2026ecaf", ABOUT_THE_ACCOUNT),
    ("eCAF eCAF 2026", ABOUT_THE_ACCOUNT),
    ("welcome to ecaf", ABOUT_THE_ACCOUNT),
    ("ecafecafecafecaf", REPEATED),
    ("x" * 200, REPEATED),
]

GOOD_PASSPHRASES = [
    "coffee train fish",
    "coffeetrainfish!",
    "Purple monkey dishwasher",
    "walnut tiger river",
    "tea and biscuits",
    "priya loves tea and biscuits",  # her own name among enough else
    "Ünïcödé pässwörd wins",
    "日本語のパスワードですよね",
    "     spaces   are   fine     ",
    "a sentence of exactly sixty-four characters, spaces included, ok",
    # Two hundred characters, the most allowed.
    "When the kettle boils I make two cups of strong tea, one for me and one for the cat, "
    "who never drinks it but likes to sit beside the mug and watch the steam rise over the "
    "garden wall on cold wet days.",
]


@pytest.fixture
def person(app):
    borough = make_borough("eastmoor")
    school = make_organisation(borough)
    admin = make_user(school, Role.BOROUGH_ADMIN)
    person = make_user(school, email="priya.shah@eastmoor.example")
    person.full_name = "Priya Shah"
    person.password_hash = unusable_password_hash()
    db.session.commit()
    person.admin = admin
    return person


def new_link(person: User) -> str:
    token = setup_links.issue(db.session, person, person.admin)
    db.session.commit()
    return f"/account/set-password/{token}"


def choose(client, path: str, password: str):
    return client.post_form(path, {"password": password, "confirm": password})


def error_messages(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [link.get_text(strip=True) for link in soup.select(".govuk-error-summary__list a")]


def field_error(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one("#password-error").get_text(" ", strip=True)


def assert_nothing_changed(client, person: User, path: str) -> None:
    db.session.refresh(person)
    assert not is_usable(person.password_hash)
    assert audited("auth.password_set") == []
    assert client.get(path).status_code == 200  # the link still works


@pytest.mark.parametrize(("password", "message"), BAD_PASSWORDS)
def test_a_password_that_is_easy_to_guess_is_refused_and_nothing_changes(
    client, person, password, message
):
    path = new_link(person)

    response = choose(client, path, password)

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert field_error(response) == f"Error: {message}"
    assert_nothing_changed(client, person, path)


def test_the_refused_password_is_not_shown_back(client, person):
    path = new_link(person)

    page = choose(client, path, "password1234").get_data(as_text=True)

    assert "password1234" not in page


def test_no_common_password_of_twelve_characters_or_more_is_accepted(person):
    words = password_rules.words_for(person)
    accepted = [
        word
        for word in FREQUENCY_LISTS["passwords"]
        if len(word) >= 12 and password_rules.weakness(word, words) is None
    ]
    assert accepted == []


def test_the_good_passphrases_reach_the_longest_allowed():
    assert max(len(passphrase) for passphrase in GOOD_PASSPHRASES) == 200


@pytest.mark.parametrize("passphrase", GOOD_PASSPHRASES)
def test_a_passphrase_of_any_characters_is_accepted_and_signs_in(
    client, other_client, person, passphrase
):
    path = new_link(person)

    response = choose(client, path, passphrase)

    assert response.status_code == 302, error_messages(response)
    assert attempt(other_client, person.email, passphrase).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a" * 5, "Password must be 12 characters or more"),
        ("river otter", "Password must be 12 characters or more"),
        (
            "walnut tiger river " * 10 + "and then a few more",
            "Password must be 200 characters or fewer",
        ),
    ],
)
def test_a_password_too_short_or_too_long_is_refused(client, person, password, message):
    path = new_link(person)

    response = choose(client, path, password)

    assert error_messages(response) == [message]
    assert_nothing_changed(client, person, path)


def test_the_page_says_how_long_and_suggests_unrelated_words(client, person):
    page = client.get(new_link(person)).get_data(as_text=True)

    assert "Use 12 characters or more. A few unrelated words" in page


def test_setting_a_password_through_the_service_applies_the_same_rules(person):
    link = setup_links.find_valid(db.session, new_link(person).rsplit("/", 1)[1])

    with pytest.raises(password_rules.WeakPassword) as refused:
        setup_links.redeem(db.session, link, passwords(), "aaaaaaaaaaaa")

    assert str(refused.value) == REPEATED
    db.session.rollback()
    db.session.refresh(person)
    assert not is_usable(person.password_hash)


def test_the_demo_password_meets_the_rules_for_every_demo_account(app):
    result = app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "0"])
    assert result.exit_code == 0, result.output

    accounts = list(db.session.scalars(select(User)))

    assert len(accounts) > 20
    for account in accounts:
        assert password_rules.weakness(DEMO_PASSWORD, password_rules.words_for(account)) is None


def test_every_password_hash_written_in_the_app_goes_through_the_rules():
    """A password is hashed only where the rules were applied first (set-password links),
    where it was just verified (a rehash on sign-in), or to make an account unusable; the
    demo seed hashes the demo password, which the test above holds to the rules."""
    webapp = Path(__file__).resolve().parents[2] / "webapp"
    writers = {
        str(path.relative_to(webapp))
        for path in webapp.rglob("*.py")
        if re.search(r"password_hash\s*=\s*[^=]", path.read_text())
    }
    assert writers <= {
        "accounts/setup_links.py",
        "accounts/services.py",
        "useradmin/services.py",
        "demo/seed.py",
        "boroughs/onboarding.py",  # a new borough's first administrator: unusable until set
    }
    assert "password_rules.check(" in (webapp / "accounts" / "setup_links.py").read_text()
