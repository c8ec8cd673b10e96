"""The information-sharing register and its decision pages, through HTTP: what is recorded,
and every way of getting round the rules refused, unchanged and audited."""

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.sharing import judgement
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.consent.models import Consent
from webapp.sharing import services
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision


@pytest.fixture
def world(app):
    return build_world()


def decisions() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def post(client, world, page: str, data: dict):
    path = f"/episodes/{world.episode.id}/sharing/{page}"
    return client.post_form(path, data, token_from=f"/episodes/{world.episode.id}")


def public_interest(world, **overrides):
    """The register page's answers; `overrides` by question name (`ground`, `reasons`...)."""
    own = {"organisation_id", "recipient_name", "what"}
    data = {
        **public_interest_answers(
            **{
                "shared": None,
                "reasons": "The child told her teacher she is hit at home; bruising seen twice.",
                **{name: value for name, value in overrides.items() if name not in own},
            }
        ),
        "organisation_id": str(world.police.id),
        "recipient_name": "DC Patel",
        "what": "The assessment and what the child said",
    }
    data.update({name: value for name, value in overrides.items() if name in own})
    return data


def test_the_register_shows_what_with_whom_when_on_what_basis_and_who_decided(client, world):
    services.share(
        db.session,
        world.episode,
        world.assessor,
        what="The delivery plan",
        organisation_id=world.health.id,
    )
    services.share(
        db.session,
        world.episode,
        world.assessor,
        what="What the child said",
        organisation_id=world.police.id,
        public_interest=judgement.public_interest(reasons="Bruising seen"),
    )
    services.record_decision(
        db.session,
        world.episode,
        world.lead_professional,
        basis=SharingBasis.NOT_SHARED,
        what="The whole assessment",
        recipient_name="Housing officer",
        reasons="Not needed for the housing application",
    )
    sign_in(client, world.manager)

    text = page_text(client.get(f"/episodes/{world.episode.id}/sharing"))

    for expected in (
        "The delivery plan",
        "Riverside Health Visiting",
        "Shared with consent",
        "Covered by the consent given by Pat Example",
        "Shared without consent",
        "significant harm",
        "Bruising seen",
        "Housing officer",
        "Not shared",
        "Not needed for the housing application",
        world.lead_professional.full_name,
    ):
        assert expected in text
    assert audit_events("sharing.register_viewed", world.manager)


@pytest.mark.parametrize("person", ["colleague", "northgate_contact", "northgate_practitioner"])
def test_someone_who_may_not_see_the_episode_gets_404_for_its_register_and_is_audited(
    client, world, person
):
    sign_in(client, world.person(person))
    assert client.get(f"/episodes/{world.episode.id}/sharing").status_code == 404
    (event,) = audit_events("sharing.refused", world.person(person))
    assert event.episode_id == world.episode.id


def test_a_guessed_episode_id_answers_404_and_is_audited(client, world):
    sign_in(client, world.assessor)
    assert client.get("/episodes/999999/sharing").status_code == 404
    (event,) = audit_events("sharing.refused", world.assessor)
    assert (event.object_id, event.episode_id) == ("999999", None)


def test_an_administrator_cannot_open_the_register(client, world):
    sign_in(client, world.borough_admin)
    assert client.get(f"/episodes/{world.episode.id}/sharing").status_code == 403


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("with-consent", "Record sharing with consent"),
        ("public-interest", "Record a decision to share without consent"),
        ("not-shared", "Record a decision not to share"),
    ],
)
def test_each_decision_page_offers_the_agencies_to_the_assessor(client, world, page, heading):
    sign_in(client, world.assessor)
    response = client.get(f"/episodes/{world.episode.id}/sharing/{page}")
    assert response.status_code == 200
    assert heading in page_text(response)
    assert "Riverside Police" in page_text(response)


def test_sharing_with_a_consented_agency_is_recorded_with_the_consent_covering_it(client, world):
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "with-consent",
        {"organisation_id": str(world.health.id), "what": "The delivery plan"},
    )
    assert response.status_code == 302
    (decision,) = decisions()
    assert (decision.basis, decision.organisation_id, decision.consent_id) == (
        SharingBasis.CONSENT,
        world.health.id,
        world.consent.id,
    )
    assert decision.decided_by_id == world.assessor.id
    assert audit_events("sharing.decision_recorded", world.assessor)


def test_a_service_the_family_named_is_covered_by_their_consent(client, world):
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "with-consent",
        {"organisation_id": "", "recipient_name": "young carers project", "what": "The plan"},
    )
    assert response.status_code == 302
    assert decisions()[0].basis is SharingBasis.CONSENT


def test_sharing_with_an_agency_the_family_did_not_agree_to_is_refused_and_audited(client, world):
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "with-consent",
        {"organisation_id": str(world.police.id), "what": "The assessment"},
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Riverside Police is not in the agencies the family agreed to share with. Record a "
        "public-interest decision to share without consent, or do not share."
    ]
    assert "record a public-interest decision" in page_text(response)
    assert decisions() == []
    (event,) = audit_events("sharing.refused", world.assessor)
    assert event.episode_id == world.episode.id


def test_after_consent_is_withdrawn_nothing_more_is_shared_with_consent(client, world):
    sign_in(client, world.assessor)
    withdraw = f"/episodes/{world.episode.id}/consent/{world.consent.id}/withdraw"
    response = client.post_form(withdraw, {"withdrawal_reason": "Mother phoned to withdraw"})
    assert response.status_code == 302
    assert db.session.get(Consent, world.consent.id).withdrawn_at is not None

    response = post(
        client,
        world,
        "with-consent",
        {"organisation_id": str(world.health.id), "what": "The delivery plan"},
    )

    assert response.status_code == 200
    assert error_messages(response)[0].startswith(
        "Consent to share has been withdrawn: nothing more may be shared with Riverside Health"
    )
    assert decisions() == []
    assert audit_events("sharing.refused", world.assessor)


def test_once_the_workflow_suspends_sharing_current_consent_rows_no_longer_count(client, world):
    world.episode.sharing_suspended = True  # the workflow's withdrawal path does this
    db.session.commit()
    assert db.session.get(Consent, world.consent.id).is_current
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "with-consent",
        {"organisation_id": str(world.health.id), "what": "The delivery plan"},
    )
    assert response.status_code == 200
    assert "Consent to share has been withdrawn" in error_messages(response)[0]
    assert decisions() == []


def test_a_public_interest_decision_records_grounds_reasons_and_who_decided(client, world):
    sign_in(client, world.lead_professional)
    response = post(client, world, "public-interest", public_interest(world))
    assert response.status_code == 302
    (decision,) = decisions()
    assert decision.basis is SharingBasis.PUBLIC_INTEREST
    assert decision.ground is PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD
    assert decision.reasons.startswith("The child told her teacher")
    assert (decision.organisation_id, decision.recipient_name) == (world.police.id, "DC Patel")
    assert decision.decided_by_id == world.lead_professional.id


def test_a_public_interest_decision_is_still_possible_after_consent_is_withdrawn(client, world):
    world.consent.withdrawn_at = world.consent.recorded_at
    world.episode.sharing_suspended = True
    db.session.commit()
    sign_in(client, world.assessor)
    assert post(client, world, "public-interest", public_interest(world)).status_code == 302
    assert decisions()[0].basis is SharingBasis.PUBLIC_INTEREST


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ground": "because I said so"}, "Select an option from the list"),
        ({"ground": ""}, "Select the grounds for sharing without consent"),
        ({"reasons": ""}, "Enter the facts of the case"),
        ({"necessity": ""}, "Enter why sharing is necessary, and proportionate to the need"),
        ({"family_told": None}, "Select whether the family have been told"),
        ({"family_told": "perhaps"}, "Select an option from the list"),
        ({"family_not_told_reason": ""}, "Enter why the family have not been told"),
        ({"advice_taken": None}, "Select whether you took advice"),
        ({"advice_from": ""}, "Enter who advised you"),
        ({"advice_from": "x" * 201}, "Who advised you must be 200 characters or fewer"),
        ({"organisation_id": "999999"}, "Select an option from the list"),
        ({"organisation_id": "1 OR 1=1"}, "Select an option from the list"),
        (
            {"organisation_id": "", "recipient_name": ""},
            "Select the agency, or enter the name of the person or service",
        ),
        ({"what": ""}, "Enter what was shared"),
        ({"reasons": "x" * 4001}, "The facts of the case must be 4000 characters or fewer"),
    ],
)
def test_forged_or_missing_answers_are_refused_change_nothing_and_are_audited(
    client, world, overrides, message
):
    sign_in(client, world.assessor)
    response = post(client, world, "public-interest", public_interest(world, **overrides))
    assert response.status_code == 200
    assert message in error_messages(response)
    assert decisions() == []
    assert audit_events("sharing.refused", world.assessor)


def test_a_decision_not_to_share_is_recorded_with_its_reasons(client, world):
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "not-shared",
        {
            "organisation_id": str(world.police.id),
            "what": "The police asked for the whole assessment",
            "reasons": "No risk of harm; the family did not agree",
        },
    )
    assert response.status_code == 302
    (decision,) = decisions()
    assert (decision.basis, decision.reasons) == (
        SharingBasis.NOT_SHARED,
        "No risk of harm; the family did not agree",
    )
    assert not decision.shared


def test_a_decision_not_to_share_without_reasons_is_refused(client, world):
    sign_in(client, world.assessor)
    response = post(
        client,
        world,
        "not-shared",
        {"organisation_id": str(world.police.id), "what": "The assessment", "reasons": ""},
    )
    assert "Enter your reasons for not sharing" in error_messages(response)
    assert decisions() == []


@pytest.mark.parametrize("person", ["manager", "caf_contact"])
def test_people_who_may_only_see_the_episode_cannot_record_sharing(client, world, person):
    sign_in(client, world.person(person))
    response = post(client, world, "public-interest", public_interest(world))
    assert response.status_code == 403
    assert decisions() == []
    assert audit_events("sharing.refused", world.person(person))


def test_a_practitioner_from_another_borough_cannot_record_sharing_on_the_episode(client, world):
    sign_in(client, world.northgate_practitioner)
    response = client.post_form(
        f"/episodes/{world.episode.id}/sharing/public-interest",
        public_interest(world),
        token_from="/",
    )
    assert response.status_code == 404
    assert decisions() == []
    assert audit_events("sharing.refused", world.northgate_practitioner)


def test_a_post_without_a_csrf_token_changes_nothing(client, world):
    sign_in(client, world.assessor)
    response = client.post(
        f"/episodes/{world.episode.id}/sharing/public-interest",
        data=public_interest(world),
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert decisions() == []


def test_what_was_shared_is_shown_as_written_never_as_markup(client, world):
    sign_in(client, world.assessor)
    post(
        client,
        world,
        "public-interest",
        public_interest(world, what='<script>alert("x")</script>', recipient_name="<b>DC</b>"),
    )
    page = client.get(f"/episodes/{world.episode.id}/sharing").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "<b>DC</b>" not in page
