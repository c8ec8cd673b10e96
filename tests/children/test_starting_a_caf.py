"""Starting a CAF from the child index: the existing-CAF check asks about children's social
care, the index shows the answer, and the borough's CAF contact is told (the London CAF
protocol, Annex 1)."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.episodes.models import Episode, Notification, SocialCareInvolvement

QUESTION = "Is children's social care involved, or has it been?"


@pytest.fixture
def world(app):
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    people = {
        "assessor": make_user(school),
        "colleague": make_user(school),
        "caf_contact": make_user(make_organisation(riverside), Role.BOROUGH_CAF_CONTACT),
        "second_contact": make_user(make_organisation(riverside), Role.BOROUGH_CAF_CONTACT),
        "northgate_contact": make_user(make_organisation(northgate), Role.BOROUGH_CAF_CONTACT),
        "outsider": make_user(make_organisation(northgate)),
    }
    child = make_child(
        riverside, given_names="Ayla", family_name="Checked", date_of_birth=date(2014, 6, 1)
    )
    db.session.commit()
    return {**people, "child": child}


def search(client):
    return client.post_form(
        "/child-index",
        {"reason": "existing_caf", "given_name": "Ayla", "family_name": "Checked"},
    )


def start(client, child, **data):
    return client.post_form(f"/children/{child.id}/episodes", data, token_from="/child-index")


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(".govuk-error-summary__list li")]


def index_row(client, label: str) -> str:
    soup = BeautifulSoup(search(client).get_data(as_text=True), "html.parser")
    for row in soup.select(".govuk-summary-card .govuk-summary-list__row"):
        if row.select_one("dt").get_text(strip=True) == label:
            return row.select_one("dd").get_text(" ", strip=True)
    raise AssertionError(f"no row {label!r}")


def test_the_start_page_asks_whether_social_care_is_or_has_been_involved(client, world):
    """London CAF protocol, Annex 1, 2: "Checks should also include social care services to
    see whether they are involved or have had prior involvement." The index's "Start a CAF"
    leads to a page that asks, before anything is started."""
    sign_in(client, world["assessor"])
    results = BeautifulSoup(search(client).get_data(as_text=True), "html.parser")
    link = results.select_one(f"a[href='/children/{world['child'].id}/episodes/new']")
    assert link is not None and "Start a CAF" in link.get_text()
    page = client.get(f"/children/{world['child'].id}/episodes/new").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("legend").get_text(strip=True) == QUESTION
    values = [radio["value"] for radio in soup.select("input[name='social_care']")]
    assert values == ["yes", "no", "not_known"]
    assert db.session.scalars(select(Episode)).all() == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "Select whether children's social care is involved, or has been"),
        ("maybe", "Select an option from the list"),
    ],
)
def test_a_caf_does_not_start_without_an_answer_about_social_care(client, world, answer, message):
    """London CAF protocol, Annex 1, 2: the check includes social care services. A missing
    or forged answer gets a GOV.UK message and starts nothing."""
    sign_in(client, world["assessor"])
    search(client)
    data = {} if answer is None else {"social_care": answer}
    response = start(client, world["child"], **data)
    assert response.status_code == 200
    assert errors(response) == [message]
    assert db.session.scalars(select(Episode)).all() == []


@pytest.mark.parametrize(
    ("answer", "shown"),
    [("yes", "Yes, now or in the past"), ("no", "No"), ("not_known", "Not known")],
)
def test_the_answer_is_kept_on_the_caf_and_shown_in_the_index_summary(
    client, other_client, world, answer, shown
):
    """London CAF protocol, Annex 1, 2: a practitioner checking for an existing CAF learns
    whether social care is or has been involved. The index shows the answer to a practitioner
    of another borough as basic data: the CAF's start date, never its content."""
    sign_in(client, world["assessor"])
    search(client)
    assert start(client, world["child"], social_care=answer).status_code == 302
    episode = db.session.scalars(select(Episode)).one()
    assert episode.social_care_involvement is SocialCareInvolvement(answer)
    opened = episode.opened_at.strftime("%-d %B %Y")
    sign_in(other_client, world["outsider"])
    row = index_row(other_client, "Children's social care involved")
    assert row == f"{shown} (as recorded on the CAF started on {opened})"
    opened_event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "episode.opened")
    ).one()
    assert f'"social_care": "{answer}"' in opened_event.detail


def test_a_yes_on_an_earlier_caf_still_shows_after_a_later_no(client, world):
    """London CAF protocol, Annex 1, 2: "involved or have had prior involvement": social
    care's involvement on an earlier CAF is still shown when a later one found none."""
    child = world["child"]
    for number, (answer, closed) in enumerate([("yes", True), ("no", False)]):
        db.session.add(
            Episode(
                reference=f"RIV-SC-{number}",
                child_id=child.id,
                borough_id=child.borough_id,
                state="closed" if closed else "identified",
                workflow_id="caf",
                workflow_version=1,
                assessor=world["assessor"],
                opened_at=date(2024 + number, 1, 1),
                closed_at=date(2024, 6, 1) if closed else None,
                social_care_involvement=SocialCareInvolvement(answer),
            )
        )
    db.session.commit()
    sign_in(client, world["colleague"])
    assert index_row(client, "Children's social care involved") == (
        "Yes, now or in the past (as recorded on the CAF started on 1 January 2024)"
    )


def test_the_borough_caf_contacts_are_told_when_a_caf_starts(client, other_client, world):
    """London CAF protocol, Annex 1: the "CAF Contact - the main contact in a given borough
    for co-ordinating integrated working or the delivery of the CAF". Each CAF contact of
    the child's borough is told in eCAF, with the reference and who started it, never the
    child's name; the CAF contacts of other boroughs are not."""
    sign_in(client, world["assessor"])
    search(client)
    assert start(client, world["child"], social_care="no").status_code == 302
    episode = db.session.scalars(select(Episode)).one()
    told = db.session.scalars(select(Notification).where(Notification.kind == "caf_started"))
    by_user = {notification.user_id: notification for notification in told}
    assert set(by_user) == {world["caf_contact"].id, world["second_contact"].id}
    message = by_user[world["caf_contact"].id].message
    assert episode.reference in message and world["assessor"].full_name in message
    assert "Ayla" not in message and "Checked" not in message

    sign_in(other_client, world["caf_contact"])
    home = BeautifulSoup(other_client.get("/").get_data(as_text=True), "html.parser")
    item = home.select_one(".ecaf-notifications__item")
    assert episode.reference in item.get_text()
    link = item.select_one("a.govuk-link")["href"]
    assert link == f"/episodes/{episode.id}"
    assert other_client.get(link).status_code == 200


def test_a_caf_contact_who_starts_a_caf_is_not_told_of_their_own_start(client, world):
    """London CAF protocol, Annex 1: the CAF contact co-ordinates; one who starts a CAF
    themselves needs no message, the other contacts of the borough still get one."""
    starter = make_user(
        world["caf_contact"].organisation, Role.PRACTITIONER, Role.BOROUGH_CAF_CONTACT
    )
    db.session.commit()
    sign_in(client, starter)
    search(client)
    assert start(client, world["child"], social_care="not_known").status_code == 302
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "caf_started")
    ).all()
    assert sorted(told) == sorted([world["caf_contact"].id, world["second_contact"].id])


def test_the_start_page_is_only_for_a_child_the_user_found_in_the_index(client, world):
    """London CAF protocol, Annex 1, 2: "prior to making a common assessment, a check must
    be made to find out if a common assessment already exists": without that search, the
    start page answers 404 as for any other child."""
    sign_in(client, world["assessor"])
    assert client.get(f"/children/{world['child'].id}/episodes/new").status_code == 404
    assert client.get("/children/999999/episodes/new").status_code == 404
