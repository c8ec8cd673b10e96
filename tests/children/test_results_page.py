"""The child index results page through HTTP: the results come first, their heading takes
the focus, and each result says how it matches what was typed, without telling anyone the
postcode of a shielded child they may not see."""

from datetime import date

from bs4 import BeautifulSoup

from tests.children import test_child_index
from tests.children.test_child_index import search
from tests.conftest import sign_in
from tests.factories import make_user
from webapp import db
from webapp.access.permissions import Role

index = test_child_index.index  # the same children and practitioner


def _main(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")


def _how_each_matches(main) -> dict[str, str]:
    said = {}
    for card in main.select(".govuk-summary-card"):
        row = next(
            row
            for row in card.select(".govuk-summary-list__row")
            if row.dt.get_text(strip=True) == "How it matches"
        )
        said[card.h3.get_text(strip=True)] = " ".join(row.dd.get_text().split())
    return said


def test_the_results_come_before_the_search_form_and_their_heading_takes_the_focus(client, index):
    sign_in(client, index["practitioner"])
    main = _main(search(client, given_name="William", family_name="Smith"))
    heading = main.select_one("#results")
    assert heading.get_text(strip=True) == "1 child found"
    assert heading.name == "h2"
    assert heading["tabindex"] == "-1" and heading.has_attr("data-ecaf-focus")
    everything = main.find_all(True)
    form = main.select_one("form")
    assert everything.index(heading) < everything.index(main.select_one(".govuk-summary-card"))
    assert everything.index(main.select_one(".govuk-summary-card")) < everything.index(form)
    # The search again keeps what was typed, and the page says what that was.
    assert form.select_one("#family_name")["value"] == "Smith"
    assert "You searched for: given name William, family name Smith." in main.get_text(" ")


def test_the_empty_search_page_shows_only_the_form_with_its_heading_first(client, index):
    sign_in(client, index["practitioner"])
    main = _main(client.get("/child-index"))
    assert main.select_one("h1").get_text(strip=True) == "Search the child index"
    assert main.select_one("#results") is None
    assert main.select_one("[data-ecaf-focus]") is None


def test_a_misspelt_search_says_it_also_looked_for_similar_names(client, index):
    sign_in(client, index["practitioner"])
    main = _main(search(client, given_name="Zoe", family_name="OBrian"))
    assert "We also looked for similar names" in main.select_one("#how-matched").get_text()
    assert _how_each_matches(main) == {
        "Zoë O'Brien": "Close match, with a family name that is spelt differently or sounds alike"
    }


def test_an_exact_search_says_the_child_matches_every_detail(client, index):
    sign_in(client, index["practitioner"])
    main = _main(
        search(client, given_name="zoe", family_name="O'BRIEN", date_of_birth=date(2014, 3, 7))
    )
    assert "This child matches every detail you typed." in main.select_one("#how-matched").text
    assert _how_each_matches(main) == {"Zoë O'Brien": "Matches every detail you typed"}


def test_a_nickname_and_a_transposed_date_are_named(client, index):
    sign_in(client, index["practitioner"])
    main = _main(
        search(client, given_name="Bill", family_name="Smith", date_of_birth=date(2012, 2, 11))
    )
    assert _how_each_matches(main) == {
        "William Smith": "Close match, with another form of the given name (such as Bill for "
        "William); a date of birth with the day and month the other way round"
    }


def test_a_search_that_finds_nobody_says_what_was_looked_for(client, index):
    sign_in(client, index["practitioner"])
    main = _main(search(client, given_name="Nobody", family_name="Atall"))
    assert main.select_one("#results").get_text(strip=True) == "0 children found"
    assert "and found no child" in main.select_one("#how-matched").get_text()


def test_a_wrong_postcode_of_a_shielded_child_is_not_named_to_whoever_may_not_see_it(client, index):
    sign_in(client, index["practitioner"])
    main = _main(search(client, given_name="Amara", family_name="Okafor", postcode="SE5 7RS"))
    assert _how_each_matches(main) == {"Amara Okafor": "Matches every detail you typed"}
    assert "postcode" not in main.select_one(".govuk-summary-card").get_text().lower()


def test_the_borough_caf_contact_is_told_a_shielded_childs_postcode_differs(client, index):
    contact = make_user(index["school"], Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    sign_in(client, contact)
    main = _main(search(client, given_name="Amara", family_name="Okafor", postcode="SE5 7RS"))
    assert _how_each_matches(main) == {
        "Amara Okafor": "Close match, with a postcode in the same area"
    }


def test_the_reason_radios_reveal_their_question_without_aria_expanded(client, index):
    sign_in(client, index["practitioner"])
    page = client.get("/child-index").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    other = soup.select_one("input[name='reason'][value='other']")
    assert other["data-aria-controls"] == "conditional-reason-4"
    assert soup.select_one("#conditional-reason-4 textarea[name='reason_details']")
    assert "aria-expanded" not in page
    # forms.mjs does the revealing on forms of this class, instead of GOV.UK Frontend's
    # radios, which would put aria-expanded on the radio.
    assert "ecaf-section-form" in soup.select_one("main form")["class"]
    assert soup.select_one("script[src$='/js/forms.mjs']")
