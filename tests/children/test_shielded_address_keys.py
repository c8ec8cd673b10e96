"""A shielded child's address cannot be confirmed through the child index: for anyone who may
not see it, no address-derived key (the postcode, in any spelling, or its outward part)
selects, ranks or orders a shielded child. The results with the true value and with a wrong
one are the same, child for child and in the same order."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector

TRUE_POSTCODE = "SE5 7RR"
# The true postcode as people type it, and the district it is in: each confirms the address.
TRUE_SPELLINGS = [TRUE_POSTCODE, "se57rr", "se5 7rr", "SE5 7RS"]
WRONG_POSTCODE = "N19 3ZZ"

# Queries with an address key, written with the postcode left as {postcode}.
QUERIES = {
    "family name and postcode": {"family_name": "Okafor"},
    "given and family name and postcode": {"given_name": "Amara", "family_name": "Okafor"},
    "family name, date of birth and postcode": {
        "family_name": "Okafor",
        "date_of_birth-day": "9",
        "date_of_birth-month": "1",
        "date_of_birth-year": "2016",
    },
    "another family name and postcode": {"family_name": "Smith"},
    "misspelt family name and postcode": {"family_name": "Okafur"},
}


@pytest.fixture
def index(app):
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    elsewhere = make_organisation(northgate, Sector.HEALTH, name="Northgate Health")
    shielded = make_child(
        riverside,
        given_names="Amara",
        family_name="Okafor",
        date_of_birth=date(2016, 1, 9),
        postcode=TRUE_POSTCODE,
        address_line_1="12 Safe Street",
        shielded=True,
    )
    # Other children the same searches find, so that rank and order have something to show.
    make_child(riverside, given_names="Amari", family_name="Okafor", postcode="SE22 8QT")
    make_child(
        riverside,
        given_names="Amara",
        family_name="Okafore",
        date_of_birth=date(2016, 1, 9),
        postcode="SE15 4AB",
    )
    searchers = {
        "practitioner of another borough": make_user(elsewhere),
        "borough CAF contact of another borough": make_user(elsewhere, Role.BOROUGH_CAF_CONTACT),
        "practitioner of the child's borough": make_user(school),
        "manager of the child's borough": make_user(school, Role.MANAGER),
    }
    contact = make_user(school, Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    return {"shielded": shielded, "searchers": searchers, "contact": contact}


def results(client, criteria: dict, postcode: str) -> list[str]:
    """Each result card as shown: its title and what it says, in order."""
    data = {"reason": "concern", "postcode": postcode, **criteria}
    response = client.post_form("/child-index", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [card.get_text(" ", strip=True) for card in soup.select(".govuk-summary-card")]


SEARCHERS = [
    "practitioner of another borough",
    "borough CAF contact of another borough",
    "practitioner of the child's borough",
    "manager of the child's borough",
]


@pytest.mark.parametrize("searcher", SEARCHERS)
def test_no_spelling_of_the_postcode_confirms_a_shielded_childs_address(app, index, searcher):
    client = app.test_client()
    sign_in(client, index["searchers"][searcher])
    for query, criteria in QUERIES.items():
        wrong = results(client, criteria, WRONG_POSTCODE)
        for spelling in TRUE_SPELLINGS:
            assert results(client, criteria, spelling) == wrong, (query, spelling)


def test_the_search_that_was_reported_no_longer_finds_the_child_by_postcode(app, index):
    client = app.test_client()
    sign_in(client, index["searchers"]["practitioner of another borough"])
    with_true = results(client, QUERIES["family name and postcode"], TRUE_POSTCODE)
    assert not any("Amara Okafor" in card for card in with_true)


def test_the_borough_caf_contact_still_finds_a_shielded_child_by_its_postcode(app, index):
    client = app.test_client()
    sign_in(client, index["contact"])
    criteria = QUERIES["family name and postcode"]
    found = results(client, criteria, TRUE_POSTCODE)
    assert any("Amara Okafor" in card and "12 Safe Street" in card for card in found)
    assert not any("Amara Okafor" in card for card in results(client, criteria, WRONG_POSTCODE))
