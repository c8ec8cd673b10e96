"""A family's registration at a children's centre, with its consent, kept outside any CAF,
and usable as the start of a CAF's consent only for what it covers (DCSF 2010, "Sharing
information with children's centre staff": §15-17, the consent box and the annex form)."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.centres.models import CentreRegistration
from webapp.consent.models import Consent
from webapp.episodes.models import Episode

ALL_POINTS = ["why", "what", "who", "purpose", "implications", "right_to_see"]


@pytest.fixture
def setting(app):
    borough = make_borough("riverside")
    elsewhere = make_borough("northgate")
    centre = make_organisation(borough, Sector.EARLY_YEARS, name="Riverside Children's Centre")
    other_centre = make_organisation(borough, Sector.EARLY_YEARS, name="Eastside Children's Centre")
    health = make_organisation(borough, Sector.HEALTH, name="Riverside Health Visiting")
    school = make_organisation(borough, Sector.SCHOOL, name="Riverside Primary")
    far_away = make_organisation(elsewhere, Sector.HEALTH, name="Northgate Health")
    setting = {
        "borough": borough,
        "centre": centre,
        "other_centre": other_centre,
        "health": health,
        "school": school,
        "far_away": far_away,
        "worker": make_user(centre),
        "health_visitor": make_user(health),
        "teacher": make_user(school),
        "admin": make_user(centre, Role.BOROUGH_ADMIN),
        "child": make_child(
            borough, given_names="Ada", family_name="Registered", date_of_birth=date(2024, 3, 1)
        ),
        "sibling": make_child(
            borough, given_names="Bo", family_name="Registered", date_of_birth=date(2025, 6, 1)
        ),
        "stranger": make_child(elsewhere, given_names="Cy", family_name="Elsewhere"),
    }
    db.session.commit()
    return setting


def found(client, child) -> None:
    """Search the child index for the child, as the pages require first."""
    response = client.post_form(
        "/child-index",
        {
            "reason": "concern",
            "given_name": child.given_names,
            "family_name": child.family_name,
            "date_of_birth-day": str(child.date_of_birth.day),
            "date_of_birth-month": str(child.date_of_birth.month),
            "date_of_birth-year": str(child.date_of_birth.year),
        },
    )
    assert response.status_code == 200


def date_parts(name: str, value: date) -> dict[str, str]:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def registration_form(setting, **overrides) -> dict:
    today = date.today()
    data = {
        "centre": str(setting["centre"].id),
        "other_children": setting["sibling"].unique_reference,
        "adult_name": "Pat Registered",
        "relationship_to_child": "Mother",
        "signed_as": "parent",
        "parental_responsibility": "yes",
        "agree_to_record": "yes",
        "agree_to_share": "yes",
        "partners": [str(setting["health"].id)],
        "other_services": "Riverside Speech and Language Service",
        "points_explained": ALL_POINTS,
        **date_parts("signed_on", today),
        **date_parts("review_on", today + timedelta(days=365)),
    }
    data.update(overrides)
    return data


def register(client, setting, child=None, **overrides):
    child = child or setting["child"]
    return client.post_form(
        f"/children/{child.id}/centre-registration",
        registration_form(setting, **overrides),
        token_from="/child-index",
    )


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(".govuk-error-summary__list li")]


def registrations() -> list[CentreRegistration]:
    return list(db.session.scalars(select(CentreRegistration)))


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def make_registration(client, setting, **overrides) -> CentreRegistration:
    found(client, setting["child"])
    response = register(client, setting, **overrides)
    assert response.status_code == 302, errors(response)
    return registrations()[-1]


def test_a_centre_worker_registers_a_family_with_the_annex_consent(client, setting):
    """The annex: the family agree to their details being kept, and name the partner
    agencies the centre may share them with, for delivering its services only; the consent
    box: "A record of the consent should be kept"."""
    sign_in(client, setting["worker"])
    found(client, setting["child"])
    page = client.get(f"/children/{setting['child'].id}/centre-registration")
    assert page.status_code == 200
    assert "Basic personal information only" in page.get_data(as_text=True)

    response = register(client, setting)

    assert response.status_code == 302
    [registration] = registrations()
    assert response.headers["Location"].endswith(f"/centre-registrations/{registration.id}")
    assert registration.centre_id == setting["centre"].id
    assert {c.child_id for c in registration.children} == {
        setting["child"].id,
        setting["sibling"].id,
    }
    assert registration.partner_names == [
        "Riverside Health Visiting",
        "Riverside Speech and Language Service",
    ]
    recorded = audit_events("centre_registration.recorded")
    assert {event.child_id for event in recorded} == {setting["child"].id, setting["sibling"].id}
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pat Registered" in shown and "Riverside Health Visiting" in shown
    listed = client.get("/centre-registrations").get_data(as_text=True)
    assert "Pat Registered" in listed


def test_a_refusal_to_keep_their_details_keeps_nothing_of_the_family(client, setting):
    """The annex's first question: without agreement to the details being kept, nothing can
    be kept (as CWDC 2009 4.16 says of eCAF); only the fact of a refusal is audited."""
    sign_in(client, setting["worker"])
    found(client, setting["child"])

    response = register(
        client, setting, agree_to_record="no", agree_to_share="no", partners=[], other_services=""
    )

    assert response.status_code == 200
    assert "Nothing about the family has been kept" in response.get_data(as_text=True)
    assert registrations() == []
    [refused] = audit_events("centre_registration.refused")
    assert refused.child_id is None
    assert "Pat" not in refused.detail and "Registered" not in refused.detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"adult_name": "  "}, "Enter the full name of the parent or carer"),
        ({"relationship_to_child": ""}, "Enter their relationship to the child"),
        ({"signed_as": ""}, "Select whether they signed as"),
        ({"signed_as": "neighbour"}, "Select an option from the list"),
        ({"parental_responsibility": ""}, "Select whether they have parental responsibility"),
        ({"parental_responsibility": "no"}, "Only a parent or carer with parental responsibility"),
        ({"agree_to_record": ""}, "Select yes if they agree to their details being kept"),
        ({"agree_to_share": ""}, "Select yes if they agree to sharing"),
        ({"partners": [], "other_services": ""}, "Select the partner agencies"),
        ({"agree_to_share": "no"}, "They did not agree to sharing"),
        ({"points_explained": ALL_POINTS[:-1]}, "Confirm you explained every point"),
        ({"signed_on-day": ""}, "The date the form was signed must include a day"),
        (date_parts("signed_on", date.today() + timedelta(days=1)), "today or in the past"),
        (date_parts("review_on", date.today()), "must be in the future"),
        (date_parts("review_on", date.today() + timedelta(days=800)), "within 2 years"),
        ({"other_children": "NOSUCH0001"}, "No child in the child index"),
        ({"adult_name": "x" * 161}, "160 characters or fewer"),
    ],
)
def test_every_bad_answer_is_refused_with_a_message_and_nothing_kept(
    client, setting, overrides, message
):
    """Explicit consent must be informed and recorded (the consent box); only a parent or
    carer with parental responsibility consents for the children (CWDC 2009 4.14)."""
    sign_in(client, setting["worker"])
    found(client, setting["child"])

    response = register(client, setting, **overrides)

    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert registrations() == []


def test_forged_centres_partners_and_children_of_other_boroughs_are_refused(client, setting):
    """The registration names the family's own centre and its partner agencies; a child of
    another borough's index cannot be added by reference."""
    sign_in(client, setting["worker"])
    found(client, setting["child"])
    for overrides, message in [
        ({"centre": str(setting["school"].id)}, "Select the children's centre"),
        ({"centre": str(setting["other_centre"].id)}, "Select the children's centre"),
        ({"centre": "not-a-number"}, "Select the children's centre"),
        ({"partners": [str(setting["far_away"].id)]}, "Select partner agencies from the list"),
        ({"other_children": setting["stranger"].unique_reference}, "No child in the child index"),
    ]:
        response = register(client, setting, **overrides)
        assert response.status_code == 200
        assert any(message in error for error in errors(response)), (overrides, errors(response))
    assert registrations() == []


def test_a_health_visitor_registers_a_family_for_a_centre_and_a_teacher_cannot(client, setting):
    """Health visitors complete the centre's registration and consent form (DCSF 2010, the
    Coquet and Amble example); other agencies do not register families for a centre."""
    sign_in(client, setting["health_visitor"])
    found(client, setting["child"])
    response = register(client, setting, centre=str(setting["other_centre"].id))
    assert response.status_code == 302, errors(response)

    client = client.application.test_client()
    sign_in(client, setting["teacher"])
    found(client, setting["child"])
    page = client.get(f"/children/{setting['child'].id}/centre-registration")
    assert "You cannot register families" in page.get_data(as_text=True)
    response = register(client, setting)
    assert any("Select the children's centre" in error for error in errors(response))
    assert len(registrations()) == 1


def test_registering_goes_through_the_child_index(client, setting):
    sign_in(client, setting["worker"])
    response = register(client, setting)
    assert response.status_code == 404
    assert registrations() == []


def test_who_may_see_and_change_a_registration(client, setting, other_client):
    """Shared only with the partner agencies named, for as long as consent stands (the
    annex; the consent box: "has the right to withdraw consent at any time")."""
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    path = f"/centre-registrations/{registration.id}"

    sign_in(other_client, setting["health_visitor"])  # a named partner
    assert other_client.get(path).status_code == 200
    assert other_client.get(f"{path}/review").status_code == 404
    assert (
        other_client.post_form(
            f"{path}/withdraw", {"withdrawal_reason": "x"}, token_from="/centre-registrations"
        ).status_code
        == 404
    )
    for outsider in (setting["teacher"], make_user(setting["other_centre"])):
        db.session.commit()
        outsider_client = client.application.test_client()
        sign_in(outsider_client, outsider)
        assert outsider_client.get(path).status_code == 404
    admin_client = client.application.test_client()
    sign_in(admin_client, setting["admin"])
    assert admin_client.get(path).status_code == 403
    refused = audit_events("access.refused")
    assert len(refused) >= 4

    response = client.post_form(f"{path}/withdraw", {"withdrawal_reason": "Mother phoned"})
    assert response.status_code == 302
    assert other_client.get(path).status_code == 404  # nothing more is shared


def test_a_review_moves_the_review_date_and_bad_dates_are_refused(client, setting):
    """Consent "should also be re-visited from time to time" (the consent box)."""
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    path = f"/centre-registrations/{registration.id}/review"
    today = date.today()
    for overrides, message in [
        ({}, "Enter the date you reviewed consent"),
        (date_parts("reviewed_on", today + timedelta(days=2)), "today or in the past"),
        (
            {**date_parts("reviewed_on", today), **date_parts("next_review_on", today)},
            "must be in the future",
        ),
    ]:
        response = client.post_form(path, overrides)
        assert response.status_code == 200
        assert any(message in error for error in errors(response)), errors(response)
    next_review = today + timedelta(days=200)
    response = client.post_form(
        path,
        {
            **date_parts("reviewed_on", today),
            **date_parts("next_review_on", next_review),
            "comment": "Still happy",
        },
    )
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.review_on == next_review
    assert len(registration.reviews) == 1
    assert audit_events("centre_registration.reviewed")


def test_withdrawal_needs_what_they_said(client, setting):
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    path = f"/centre-registrations/{registration.id}/withdraw"
    response = client.post_form(path, {"withdrawal_reason": ""})
    assert any("Enter what they said" in error for error in errors(response))
    response = client.post_form(path, {"withdrawal_reason": "Father wrote to the centre"})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.withdrawn_at is not None
    assert client.get(path).status_code == 404  # already withdrawn


@pytest.fixture
def caf(setting):
    """A CAF for the registered child, started by the centre's worker."""
    episode = make_episode(setting["child"], setting["worker"])
    db.session.commit()
    return episode


def start_from(client, episode, registration):
    return client.post_form(
        f"/episodes/{episode.id}/consent/from-centre-registration/{registration.id}",
        {},
        token_from=f"/episodes/{episode.id}/consent",
    )


def consents_of(episode) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.episode_id == episode.id)))


def test_a_caf_consent_starts_from_the_registration_only_for_what_it_covers(client, setting, caf):
    """§15 and §17: the registration covers basic personal information, kept and shared
    with the partners it names; anything more - an assessment of the child's needs - needs
    the family's explicit, informed consent for that purpose."""
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    overview = client.get(f"/episodes/{caf.id}/consent").get_data(as_text=True)
    assert "Start this CAF&#39;s consent from it" in overview or "Start this CAF's consent" in (
        overview
    )

    response = start_from(client, caf, registration)

    assert response.status_code == 302
    [consent] = consents_of(caf)
    assert consent.centre_registration_id == registration.id
    assert (consent.to_assess, consent.to_record, consent.to_share) == (False, True, True)
    assert consent.given_by_name == "Pat Registered"
    assert {a.organisation_id for a in consent.agencies if a.organisation_id} == {
        setting["health"].id
    }
    # It does not cover the assessment: the first step still waits for that consent.
    refused = client.post_form(
        f"/episodes/{caf.id}/steps/start_assessment",
        {"expected_state": "identified"},
        token_from=f"/episodes/{caf.id}/steps/start_assessment",
    )
    assert refused.status_code in (200, 403, 409)
    assert db.session.get(Episode, caf.id).state == "identified"
    # Nor does it mean the family agreed to this CAF: a refusal still keeps nothing of it.
    refusal_page = client.get(f"/episodes/{caf.id}/consent/refusal").get_data(as_text=True)
    assert "note" in refusal_page.lower() and "cannot" not in refusal_page.lower()
    # Started twice, it is refused.
    again = start_from(client, caf, registration)
    assert again.status_code == 302 and len(consents_of(caf)) == 1


def test_a_refusal_of_the_caf_erases_it_and_keeps_the_centre_registration(client, setting, caf):
    """CWDC 2009 4.18: without consent to record the CAF nothing of it is stored - even when
    its consent started from a registration, which lives on for the centre's own service."""
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    start_from(client, caf, registration)
    today = date.today()
    caf_id, registration_id = caf.id, registration.id

    response = client.post_form(
        f"/episodes/{caf_id}/consent/refusal",
        {
            "refused": "assess",
            "given_by": "parent_carer",
            "given_by_name": "Pat Registered",
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
            "method": "verbal",
            **date_parts("given_on", today),
        },
    )

    assert response.status_code == 200, errors(response)
    db.session.expire_all()
    assert db.session.get(Episode, caf_id) is None
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0
    assert db.session.get(CentreRegistration, registration_id).is_current


def test_a_registration_cannot_start_the_consent_of_another_child_or_when_out_of_date(
    client, setting, caf
):
    """A registration covers the children it names, and consent is re-visited (the consent
    box): an overdue one, or a withdrawn one, starts nothing."""
    sign_in(client, setting["worker"])
    other_caf = make_episode(make_child(setting["borough"]), setting["worker"])
    db.session.commit()
    registration = make_registration(client, setting)

    assert start_from(client, other_caf, registration).status_code == 302
    assert consents_of(other_caf) == []

    registration.review_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert start_from(client, caf, registration).status_code == 302
    assert consents_of(caf) == []
    overview = client.get(f"/episodes/{caf.id}/consent").get_data(as_text=True)
    assert "Its review date has passed" in overview


def test_someone_outside_the_centre_and_its_partners_cannot_use_the_registration(
    client, other_client, setting
):
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    teacher_caf = make_episode(setting["child"], setting["teacher"])
    db.session.commit()
    sign_in(other_client, setting["teacher"])
    overview = other_client.get(f"/episodes/{teacher_caf.id}/consent").get_data(as_text=True)
    assert "Pat Registered" not in overview
    response = other_client.post_form(
        f"/episodes/{teacher_caf.id}/consent/from-centre-registration/{registration.id}",
        {},
        token_from=f"/episodes/{teacher_caf.id}/consent",
    )
    assert response.status_code == 404
    assert consents_of(teacher_caf) == []


def test_withdrawing_the_registration_withdraws_the_caf_consent_started_from_it(
    client, setting, caf
):
    """A parent "has the right to withdraw consent at any time" (the consent box)."""
    sign_in(client, setting["worker"])
    registration = make_registration(client, setting)
    start_from(client, caf, registration)

    client.post_form(
        f"/centre-registrations/{registration.id}/withdraw", {"withdrawal_reason": "Changed mind"}
    )

    [consent] = consents_of(caf)
    assert consent.withdrawn_at is not None
    assert "Changed mind" in consent.withdrawal_reason
    assert db.session.get(Episode, caf.id).sharing_suspended
    assert db.session.scalar(select(func.count()).select_from(CentreRegistration)) == 1
