"""Searching and filtering the directory, and reading a service, through HTTP."""

import pytest

from tests.conftest import sign_in
from tests.directory.helpers import (
    error_messages,
    make_directory_world,
    make_service,
    result_names,
    soup_of,
)
from tests.factories import make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.directory.models import ServiceLevel


@pytest.fixture
def world(app):
    world = make_directory_world()
    east, west = world["eastmoor"], world["westfold"]
    author = east["admin"]
    make_service(
        east["borough"],
        author,
        name="Little Talkers",
        description="Speech and language groups for toddlers.",
        provider="Eastmoor Community Health",
        level=ServiceLevel.UNIVERSAL,
        min_age=1,
        max_age=4,
        coverage="Whole borough",
        drop_in=True,
        self_referral=False,
    )
    make_service(
        east["borough"],
        author,
        name="Teen Talk Counselling",
        description="One-to-one counselling for young people.",
        provider="Eastmoor Youth Trust",
        level=ServiceLevel.TARGETED,
        min_age=11,
        max_age=19,
        coverage="Riverbank and Kingsmead wards",
        residents_only=True,
        professional_referral=True,
        self_referral=True,
    )
    make_service(
        east["borough"],
        author,
        name="Child and Adolescent Mental Health",
        description="Specialist assessment and treatment; 100% confidential.",
        provider="Eastmoor NHS Trust",
        level=ServiceLevel.SPECIALIST,
        min_age=0,
        max_age=18,
        residents_only=True,
        professional_referral=True,
        self_referral=False,
    )
    make_service(
        east["borough"], author, name="Closed Playgroup", active=False, level=ServiceLevel.UNIVERSAL
    )
    make_service(
        west["borough"],
        west["admin"],
        name="Westfold Parenting Programme",
        description="Eight weekly sessions on managing behaviour.",
        provider="Westfold Family Action",
        level=ServiceLevel.TARGETED,
        min_age=3,
        max_age=11,
    )
    db.session.commit()
    return world


def search(client, **query):
    response = client.get("/directory", query_string=query)
    assert response.status_code == 200
    return response


def test_a_practitioner_sees_their_own_boroughs_active_services_by_default(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    response = search(client)
    assert result_names(response) == [
        "Child and Adolescent Mental Health",
        "Little Talkers",
        "Teen Talk Counselling",
    ]
    assert "3 services in London Borough of Eastmoor" in soup_of(response).select_one(
        "#results"
    ).get_text(" ", strip=True)


def test_a_practitioner_can_look_at_another_boroughs_directory_or_all_of_them(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, borough="westfold")) == ["Westfold Parenting Programme"]
    assert len(result_names(search(client, borough="all"))) == 4


@pytest.mark.parametrize("role", ["manager", "caf_contact", "admin"])
def test_managers_caf_contacts_and_administrators_can_search_too(client, world, role):
    sign_in(client, world["westfold"][role])
    assert result_names(search(client, borough="eastmoor", q="talk")) == [
        "Little Talkers",
        "Teen Talk Counselling",
    ]


def test_text_search_looks_at_name_description_provider_and_area_ignoring_case(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, q="TODDLERS")) == ["Little Talkers"]
    assert result_names(search(client, q="youth trust")) == ["Teen Talk Counselling"]
    assert result_names(search(client, q="kingsmead")) == ["Teen Talk Counselling"]
    assert result_names(search(client, q="talk counselling")) == ["Teen Talk Counselling"]
    assert result_names(search(client, q="talk nowhere")) == []


def test_search_wildcards_are_taken_literally(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, q="100%")) == ["Child and Adolescent Mental Health"]
    assert result_names(search(client, q="%")) == ["Child and Adolescent Mental Health"]
    assert result_names(search(client, q="_")) == []


def test_filter_by_level(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, level="universal")) == ["Little Talkers"]
    assert result_names(search(client, level=["targeted", "specialist"])) == [
        "Child and Adolescent Mental Health",
        "Teen Talk Counselling",
    ]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("0", ["Child and Adolescent Mental Health"]),
        ("1", ["Child and Adolescent Mental Health", "Little Talkers"]),
        ("4", ["Child and Adolescent Mental Health", "Little Talkers"]),
        ("5", ["Child and Adolescent Mental Health"]),
        ("11", ["Child and Adolescent Mental Health", "Teen Talk Counselling"]),
        ("19", ["Teen Talk Counselling"]),
        ("20", []),
    ],
)
def test_filter_by_the_age_of_the_child_includes_both_ends_of_the_range(
    client, world, age, expected
):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, age=age)) == expected


def test_filter_by_whether_the_service_is_only_for_residents(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, residency="open")) == ["Little Talkers"]
    assert result_names(search(client, residency="residents")) == [
        "Child and Adolescent Mental Health",
        "Teen Talk Counselling",
    ]
    assert len(result_names(search(client, residency="any"))) == 3


def test_filter_by_how_families_get_the_service(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(search(client, access="drop_in")) == ["Little Talkers"]
    assert result_names(search(client, access="self_referral")) == ["Teen Talk Counselling"]
    assert result_names(search(client, access=["drop_in", "self_referral"])) == [
        "Little Talkers",
        "Teen Talk Counselling",
    ]


def test_filters_combine(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert result_names(
        search(client, q="talk", level="targeted", age="12", access="professional_referral")
    ) == ["Teen Talk Counselling"]
    assert result_names(search(client, q="talk", level="universal", age="12")) == []


def test_services_no_longer_listed_are_hidden_unless_their_administrator_asks(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert "Closed Playgroup" not in result_names(search(client, inactive="yes"))
    client.post_form("/sign-out", token_from="/")
    sign_in(client, world["eastmoor"]["admin"])
    assert "Closed Playgroup" not in result_names(search(client))
    assert "Closed Playgroup" in result_names(search(client, inactive="yes"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"age": "seven"}, "Age must be a whole number of years, like 7"),
        ({"age": "-1"}, "Age must be a whole number of years, like 7"),
        ({"age": "26"}, "Age must be between 0 and 25"),
        ({"borough": "atlantis"}, "Select an option from the list"),
        ({"level": "extreme"}, "Select an option from the list"),
        ({"access": "by-pigeon"}, "Select an option from the list"),
        ({"residency": "martians"}, "Select an option from the list"),
        ({"q": "x" * 201}, "Search must be 200 characters or fewer"),
    ],
)
def test_a_bad_filter_is_shown_as_a_gov_uk_error_and_lists_nothing(client, world, query, message):
    sign_in(client, world["eastmoor"]["practitioner"])
    response = search(client, **query)
    assert message in error_messages(response)
    assert soup_of(response).title.get_text().startswith("Error: ")
    assert result_names(response) == []


def test_results_come_in_pages_of_twenty(client, world):
    east = world["eastmoor"]
    for number in range(25):
        make_service(east["borough"], east["admin"], name=f"Holiday club {number:02d}")
    db.session.commit()
    sign_in(client, east["practitioner"])
    first = search(client, q="holiday")
    assert len(result_names(first)) == 20
    assert soup_of(first).select_one(".govuk-pagination__next a")["href"].endswith("page=2")
    second = search(client, q="holiday", page="2")
    assert result_names(second) == [f"Holiday club {number}" for number in range(20, 25)]
    assert len(result_names(search(client, q="holiday", page="99"))) == 5
    assert len(result_names(search(client, q="holiday", page="x"))) == 20


def test_the_service_page_shows_everything_a_practitioner_needs(client, world):
    west = world["westfold"]
    service = make_service(
        west["borough"],
        west["admin"],
        name="Young Carers Project",
        client_group="Young carers aged 8 to 18",
        min_age=8,
        max_age=18,
        coverage="North and Central wards",
        residents_only=True,
        address="The Old Library\nMarket Square",
        professional_referral=True,
        drop_in=True,
        referral_details="Use the referral form; call first if urgent.",
        phone="01632 960 111",
        email="carers@westfold.example",
        website="https://carers.westfold.example",
    )
    db.session.commit()
    sign_in(client, world["eastmoor"]["practitioner"])
    response = client.get(f"/directory/services/{service.id}")
    assert response.status_code == 200
    page = soup_of(response)
    assert page.h1.get_text(strip=True) == "Young Carers Project"
    text = page.select_one("main").get_text(" ", strip=True)
    for expected in [
        "London Borough of Westfold",
        "Young carers aged 8 to 18",
        "8 to 18 years",
        "North and Central wards",
        "Residents only",
        "The Old Library",
        "Market Square",
        "Referral by a professional",
        "Drop-in, no referral needed",
        "Use the referral form; call first if urgent.",
        "01632 960 111",
    ]:
        assert expected in text, expected
    assert page.select_one("a[href='mailto:carers@westfold.example']")
    assert page.select_one("a[href='https://carers.westfold.example']")
    assert not page.select_one(f"a[href$='/directory/services/{service.id}/edit']")


def test_text_entered_for_a_service_is_shown_as_text_never_as_markup(client, world):
    east = world["eastmoor"]
    service = make_service(
        east["borough"], east["admin"], name="<script>alert(1)</script>", description="<b>x</b>"
    )
    db.session.commit()
    sign_in(client, east["practitioner"])
    html = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in search(client, q="script").get_data(as_text=True)


@pytest.mark.parametrize(
    ("ages", "text"),
    [((0, 1), "0 to 1 year"), ((0, 5), "0 to 5 years"), ((11, 11), "11 years"), ((1, 1), "1 year")],
)
def test_the_ages_a_service_is_for_read_naturally(world, ages, text):
    east = world["eastmoor"]
    service = make_service(east["borough"], east["admin"], min_age=ages[0], max_age=ages[1])
    assert service.ages == text


def test_an_unknown_service_is_not_found(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    assert client.get("/directory/services/999999").status_code == 404
    assert client.get("/directory/services/99999999999").status_code == 404


def test_a_service_no_longer_listed_still_opens_with_a_warning(client, world):
    east = world["eastmoor"]
    service = make_service(east["borough"], east["admin"], name="Old Club", active=False)
    db.session.commit()
    sign_in(client, east["practitioner"])
    text = soup_of(client.get(f"/directory/services/{service.id}")).get_text(" ", strip=True)
    assert "no longer listed in the directory" in text


def test_the_directory_is_in_the_navigation_and_on_the_home_page(client, world):
    sign_in(client, world["eastmoor"]["practitioner"])
    page = soup_of(client.get("/"))
    assert page.select_one(".govuk-service-navigation a[href='/directory']")
    assert page.select_one("main a[href='/directory']")


def test_an_account_without_a_directory_role_has_no_link_and_is_refused(client, world):
    organisation = make_organisation(world["eastmoor"]["borough"])
    system_admin = make_user(organisation, Role.SYSTEM_ADMIN)
    db.session.commit()
    sign_in(client, system_admin)
    assert not soup_of(client.get("/")).select_one("a[href='/directory']")
    assert client.get("/directory").status_code == 403
