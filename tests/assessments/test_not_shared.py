"""Answers the family asked not to be shared (DESIGN §3, issue 5 item 5): only the agency of
the practitioner who recorded the restriction sees them; everyone else, and every document
or export made for another agency, sees "Not shared at the family’s request"."""

import re
from html import unescape as html_unescape

import pytest
from sqlalchemy import select

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.conftest import Pages
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import SectionAnswers
from webapp.audit.models import AuditEvent
from webapp.tac.models import MemberKind, MemberStatus, TacMember

SECRET = "7 Hidden Lane, Refuge Road"
PLACEHOLDER = "Not shared at the family’s request"
DETAILS = "identifying_details"


def details(**changes):
    data = dict(CAF_ASSESSMENT[DETAILS], address=SECRET, _action="draft")
    data.update(changes)
    return data


def stored_row(pages, section_id=DETAILS) -> SectionAnswers:
    db.session.expire_all()
    return db.session.scalars(
        select(SectionAnswers).where(
            SectionAnswers.response_id == pages.response.id,
            SectionAnswers.section_id == section_id,
        )
    ).one()


@pytest.fixture
def restricted(national):
    """The assessor has saved the address, which the family asked not to be shared."""
    saved = national.save(DETAILS, details(_not_shared=["address"]))
    assert saved.status_code == 302
    return national


def taken_over(other_client, pages: Pages) -> Pages:
    """A practitioner from another agency in the same borough who has taken the episode
    over as its assessor and lead professional (so they may edit the form), signed in on
    a second browser."""
    world = pages.world
    agency = make_organisation(world["borough"], name="Eastmoor Health")
    lead = make_user(agency)
    episode = db.session.merge(world["episode"])
    episode.lead_professional_id = lead.id
    episode.assessor_id = lead.id
    db.session.commit()
    sign_in(other_client, lead)
    return Pages(other_client, world, pages.response)


@pytest.fixture
def outsider(other_client, restricted):
    return taken_over(other_client, restricted)


@pytest.fixture
def tac_member(other_client, restricted):
    """A practitioner from another agency who has joined the team around the child."""
    world = restricted.world
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
    db.session.merge(world["episode"]).state = "assessed"  # the team sees it from here on
    db.session.commit()
    sign_in(other_client, member)
    return Pages(other_client, world, restricted.response)


def test_the_family_can_ask_for_an_answer_not_to_be_shared_and_it_is_stored_with_the_agency(
    restricted,
):
    row = stored_row(restricted)
    assert row.not_shared == {"address"}
    assert row.not_shared_organisation_id == restricted.world["assessor"].organisation_id
    assert row.values["address"] == SECRET
    page = restricted.client.get(restricted.section(DETAILS)).get_data(as_text=True)
    assert "The family asked for this not to be shared" in page
    assert 'name="_not_shared" type="checkbox" value="address" checked' in page


def test_the_checkbox_is_offered_only_for_questions_the_family_may_ask_to_keep_back(national):
    page = national.client.get(national.section(DETAILS)).get_data(as_text=True)
    assert 'value="address"' in page
    assert 'name="_not_shared" type="checkbox" value="given_names"' not in page


def test_the_recording_agency_still_sees_the_answer_everywhere(restricted, client):
    bystander = restricted.world["bystander"]  # same organisation, not on the episode
    assert bystander.organisation_id == restricted.world["assessor"].organisation_id
    for page in (
        restricted.client.get(f"{restricted.base}/check"),
        restricted.client.get(restricted.section(DETAILS)),
    ):
        html = page.get_data(as_text=True)
        assert "7 Hidden Lane" in html
        assert PLACEHOLDER not in html


def test_a_lead_professional_from_another_agency_sees_the_placeholder_and_never_the_answer(
    outsider,
):
    pages = {
        "check": outsider.client.get(f"{outsider.base}/check"),
        "task list or read-only": outsider.client.get(outsider.base),
        "section page": outsider.client.get(outsider.section(DETAILS)),
    }
    for name, page in pages.items():
        html = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert "Hidden Lane" not in html, name
    assert PLACEHOLDER in pages["check"].get_data(as_text=True)
    assert PLACEHOLDER in pages["section page"].get_data(as_text=True)
    # Answers that are shared are still shown.
    assert "Lovelace" in pages["check"].get_data(as_text=True)


def test_a_team_member_from_another_agency_sees_the_placeholder_and_never_the_answer(
    tac_member,
):
    for path in (f"{tac_member.base}/check", tac_member.base):
        page = tac_member.client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert "Hidden Lane" not in html, path
        assert PLACEHOLDER in html, path


def test_the_comparison_of_versions_hides_the_answer_from_another_agency(restricted, outsider):
    world = restricted.world
    first = restricted.response
    episode = db.session.merge(world["episode"])
    first = db.session.merge(first)
    first.status = first.status.COMPLETED
    db.session.commit()
    second = services.start_response(db.session, episode, "assessment", world["assessor"])
    db.session.commit()
    assert stored_row(Pages(None, world, second)).not_shared == {"address"}  # copied over
    # The assessor changes the secret in the new version; the outsider compares the two.
    row = stored_row(Pages(None, world, second))
    services.save_section(
        db.session,
        second,
        DETAILS,
        {**row.values, "address": "8 Other Lane"},
        expected_version=row.version,
        complete=False,
        actor=db.session.merge(world["assessor"]),
        not_shared=["address"],
    )
    db.session.commit()
    path = f"/episodes/{episode.id}/forms/{second.id}/compare/{first.id}"
    theirs = outsider.client.get(path)
    assert theirs.status_code == 200
    html = theirs.get_data(as_text=True)
    assert "Hidden Lane" not in html and "Other Lane" not in html


def test_a_forged_restriction_on_a_question_that_does_not_allow_it_is_refused(national):
    before = national.client.get(national.section(DETAILS))
    refused = national.save(DETAILS, details(_not_shared=["address", "given_names"]))
    assert refused.status_code == 403
    assert before.status_code == 200
    assert (
        db.session.scalars(
            select(SectionAnswers).where(SectionAnswers.response_id == national.response.id)
        ).all()
        == []
    )
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "form.refused")).first()


def test_the_service_refuses_a_restriction_the_definition_does_not_allow(national):
    with pytest.raises(services.NotShareable):
        services.save_section(
            db.session,
            national.response,
            DETAILS,
            {"given_names": "Ada"},
            expected_version=0,
            complete=False,
            actor=national.world["assessor"],
            not_shared=["given_names"],
        )
    db.session.rollback()


def test_saving_another_section_keeps_the_restriction(restricted):
    saved = restricted.save("assessment_information", {"people_present": "Ada", "_action": "draft"})
    assert saved.status_code == 302
    assert stored_row(restricted).not_shared == {"address"}


def test_another_agency_saving_the_section_keeps_the_answer_and_the_restriction(outsider):
    saved = outsider.save(DETAILS, dict(CAF_ASSESSMENT[DETAILS], address="", _action="draft"))
    assert saved.status_code in (200, 302, 403)
    row = stored_row(outsider)
    assert row.values["address"] == SECRET
    assert row.not_shared == {"address"}


def test_another_agency_saving_the_section_answers_questions_that_hang_on_one_it_cannot_see(
    national, other_client
):
    """The disability was not on their page, but the details that depend on it were: the
    section is checked with the stored answer, so their details are kept with it."""
    saved = national.save(
        DETAILS,
        details(disability="yes", disability_details="Hearing loss", _not_shared=["disability"]),
    )
    assert saved.status_code == 302
    outsider = taken_over(other_client, national)
    data = {key: value for key, value in details().items() if key != "disability"}
    saved = outsider.save(DETAILS, dict(data, disability_details="Hearing loss, hearing aids"))
    assert saved.status_code == 302
    row = stored_row(outsider)
    assert row.values["disability"] == "yes"
    assert row.values["disability_details"] == "Hearing loss, hearing aids"
    assert row.not_shared == {"disability"}


def test_another_agency_cannot_lift_or_change_the_restriction(outsider):
    refused = outsider.save(DETAILS, details(address="", _not_shared=["postcode"]))
    assert refused.status_code == 403
    row = stored_row(outsider)
    assert (row.values["address"], row.not_shared) == (SECRET, {"address"})


def test_the_restriction_survives_a_conflict_and_keep_my_answers(restricted):
    version = restricted.version_of(DETAILS)
    # The same section is saved meanwhile (another tab), keeping the restriction.
    row = stored_row(restricted)
    services.save_section(
        db.session,
        db.session.merge(restricted.response),
        DETAILS,
        {**row.values, "family_name": "Byron"},
        expected_version=row.version,
        complete=False,
        actor=db.session.merge(restricted.world["assessor"]),
    )
    db.session.commit()
    conflict = restricted.save(
        DETAILS, details(_not_shared=["address", "postcode"]), version=version
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert 'name="_not_shared" value="postcode"' in html
    assert stored_row(restricted).not_shared == {"address"}
    answers = html_unescape(
        re.search(r'name="answers_json" type="hidden" value="([^"]*)"', html).group(1)
    )
    kept = restricted.client.post_form(
        restricted.section(DETAILS),
        {
            "section_version": restricted.version_of(DETAILS),
            "answers_json": answers,
            "_not_shared": ["address", "postcode"],
            "_action": "draft",
        },
    )
    assert kept.status_code == 302
    row = stored_row(restricted)
    assert row.not_shared == {"address", "postcode"}
    assert row.values["address"] == SECRET


def test_a_conflict_seen_by_another_agency_does_not_carry_the_answer(outsider, restricted):
    stale = outsider.version_of(DETAILS)
    row = stored_row(restricted)
    services.save_section(
        db.session,
        db.session.merge(restricted.response),
        DETAILS,
        {**row.values, "family_name": "Byron"},
        expected_version=row.version,
        complete=False,
        actor=db.session.merge(restricted.world["assessor"]),
    )
    db.session.commit()
    conflict = outsider.save(DETAILS, details(address=""), version=stale)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Hidden Lane" not in html
    assert PLACEHOLDER in html


def test_documents_and_exports_for_another_agency_get_the_placeholder(restricted, outsider):
    response = db.session.merge(restricted.response)
    own = restricted.world["assessor"].organisation_id
    other = db.session.merge(outsider.world["episode"]).lead_professional.organisation_id
    assert services.visible_answers(response, own)["address"] == SECRET
    assert services.visible_answers(response, other)["address"] == PLACEHOLDER
    assert services.visible_answers(response, None)["address"] == PLACEHOLDER
    assert response.answers()["address"] == SECRET  # the family's own subject access
