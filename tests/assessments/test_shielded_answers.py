"""A shielded child's family address and contacts on the form pages (DESIGN §3): only the
borough CAF contact of the child's borough sees them. Everyone else on the episode, the
assessor who recorded them included, sees "Withheld: this record is shielded" on the check
page, the read-only view, the comparison of versions and the section pages, and a save by
any of them keeps the stored answers."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.conftest import Pages
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments import services
from webapp.assessments.models import SectionAnswers
from webapp.children.models import Child
from webapp.tac.models import MemberKind, MemberStatus, TacMember

ADDRESS = "4 Refuge Gardens, Safe Town"
POSTCODE = "zz9 9zz"
PHONE = "020 7946 0123"
PARENT_PHONE = "07700 900 555"
WITHHELD = "Withheld: this record is shielded"
DETAILS = "identifying_details"
PARENTS = "parents_and_carers"
SECRETS = ("Refuge Gardens", "ZZ9 9Z", "zz9 9z", "7946 0123", "900 555")


def stored(pages: Pages, section_id: str) -> SectionAnswers:
    db.session.expire_all()
    return db.session.scalars(
        select(SectionAnswers).where(
            SectionAnswers.response_id == pages.response.id,
            SectionAnswers.section_id == section_id,
        )
    ).one()


def html_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def assert_nothing_secret(response, where: str) -> None:
    assert response.status_code == 200, where
    html = html_of(response)
    for secret in SECRETS:
        assert secret not in html, f"{secret} on {where}"


@pytest.fixture
def recorded(national):
    """The assessor records the family's address, phone and the parent's phone; then the
    borough CAF contact shields the child's record."""
    details = dict(
        CAF_ASSESSMENT[DETAILS],
        address=ADDRESS,
        postcode=POSTCODE,
        contact_telephone=PHONE,
        _action="draft",
    )
    assert national.save(DETAILS, details).status_code == 302
    parents = dict(CAF_ASSESSMENT[PARENTS], **{"parents_carers-0-parent_telephone": PARENT_PHONE})
    assert national.save(PARENTS, {**parents, "_action": "draft"}).status_code == 302
    db.session.get(Child, national.world["child"].id).shielded = True
    db.session.commit()
    return national


@pytest.fixture
def team_member(other_client, recorded):
    """A practitioner from another agency on the team around the child."""
    world = recorded.world
    agency = make_organisation(world["borough"], name="Eastmoor Youth Service")
    member = make_user(agency)
    db.session.add(
        TacMember(
            episode_id=world["episode"].id,
            kind=MemberKind.PRACTITIONER,
            status=MemberStatus.ACTIVE,
            user_id=member.id,
            name=member.full_name,
            organisation_id=agency.id,
            invited_by_id=world["assessor"].id,
        )
    )
    db.session.merge(world["episode"]).state = "assessed"
    db.session.commit()
    sign_in(other_client, member)
    return Pages(other_client, world, recorded.response)


@pytest.fixture
def lead_elsewhere(other_client, recorded):
    """A practitioner from another agency who took the episode over (so may edit it)."""
    world = recorded.world
    lead = make_user(make_organisation(world["borough"], name="Eastmoor Health"))
    episode = db.session.merge(world["episode"])
    episode.lead_professional_id = lead.id
    episode.assessor_id = lead.id
    db.session.commit()
    sign_in(other_client, lead)
    return Pages(other_client, world, recorded.response)


def test_a_team_member_from_another_agency_never_sees_a_shielded_address_or_phone(team_member):
    for path in (f"{team_member.base}/check", team_member.base):
        page = team_member.client.get(path)
        assert_nothing_secret(page, path)
        assert WITHHELD in html_of(page), path
    # Answers that are not contacts are still shown.
    assert "Lovelace" in html_of(team_member.client.get(f"{team_member.base}/check"))


def test_the_section_pages_draw_the_shielded_answers_as_withheld_not_as_inputs(lead_elsewhere):
    for section_id in (DETAILS, PARENTS):
        page = lead_elsewhere.client.get(lead_elsewhere.section(section_id))
        assert_nothing_secret(page, section_id)
        assert WITHHELD in html_of(page), section_id


def test_the_assessor_who_recorded_them_sees_them_withheld_too(recorded):
    for path in (f"{recorded.base}/check", recorded.section(DETAILS), recorded.section(PARENTS)):
        page = recorded.client.get(path)
        assert_nothing_secret(page, path)
        assert WITHHELD in html_of(page), path


def test_the_borough_caf_contact_sees_the_address_and_contacts(recorded, other_client):
    world = recorded.world
    caf_contact = make_user(make_organisation(world["borough"]), Role.BOROUGH_CAF_CONTACT)
    db.session.commit()
    sign_in(other_client, caf_contact)
    page = other_client.get(f"{recorded.base}/check")
    assert page.status_code == 200
    html = html_of(page)
    assert "Refuge Gardens" in html and PARENT_PHONE in html
    assert WITHHELD not in html


def test_saving_the_section_keeps_the_stored_address_and_contacts(recorded):
    """The page had no inputs for them: a save, even one that sends something else for
    them, never replaces what the assessor recorded before the record was shielded."""
    forged = dict(
        CAF_ASSESSMENT[DETAILS],
        family_name="Byron",
        address="Forged address",
        contact_telephone="",
        _action="draft",
    )
    assert recorded.save(DETAILS, forged).status_code == 302
    values = stored(recorded, DETAILS).values
    assert (values["address"], values["contact_telephone"]) == (ADDRESS, PHONE)
    assert values["family_name"] == "Byron"
    # Inside a repeating group too.
    parents = {
        key: value for key, value in CAF_ASSESSMENT[PARENTS].items() if "telephone" not in key
    }
    assert recorded.save(PARENTS, {**parents, "_action": "draft"}).status_code == 302
    (parent,) = stored(recorded, PARENTS).values["parents_carers"]
    assert parent["parent_telephone"] == PARENT_PHONE


def test_a_save_that_completes_the_section_validates_the_stored_answers(lead_elsewhere):
    """The required address was not on the page; the section is still complete."""
    data = {key: value for key, value in CAF_ASSESSMENT[DETAILS].items() if key != "address"}
    saved = lead_elsewhere.save(DETAILS, data)
    assert saved.status_code == 302
    row = stored(lead_elsewhere, DETAILS)
    assert row.is_complete
    assert row.values["address"] == ADDRESS


def test_the_comparison_of_versions_withholds_the_shielded_answers(recorded, team_member):
    world = recorded.world
    first = db.session.merge(recorded.response)
    first.status = first.status.COMPLETED
    db.session.commit()
    episode = db.session.merge(world["episode"])
    second = services.start_response(db.session, episode, "assessment", world["assessor"])
    db.session.commit()
    # The borough CAF contact, who may see them, records the family's new address.
    caf_contact = make_user(make_organisation(world["borough"]), Role.BOROUGH_CAF_CONTACT)
    row = stored(Pages(None, world, second), DETAILS)
    services.save_section(
        db.session,
        second,
        DETAILS,
        {**row.values, "address": "9 Other Refuge Gardens", "postcode": "zz9 9zy"},
        expected_version=row.version,
        complete=False,
        actor=caf_contact,
    )
    db.session.commit()
    path = f"/episodes/{episode.id}/forms/{second.id}/compare/{first.id}"
    assert_nothing_secret(team_member.client.get(path), path)


def test_nothing_is_withheld_once_the_record_is_no_longer_shielded(team_member):
    db.session.get(Child, team_member.world["child"].id).shielded = False
    db.session.commit()
    html = html_of(team_member.client.get(f"{team_member.base}/check"))
    assert "Refuge Gardens" in html and WITHHELD not in html
