"""Decisions to share without consent as the guidance describes them (CWDC 2009, 4.21-4.25):
non-confidential information for a legitimate purpose, a case-by-case public-interest
judgement, the named cases of 4.23, asked the same everywhere such a decision is made, and
every one reviewed afterwards by the decider's manager. Through HTTP."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.sharing.judgement import public_interest_answers
from tests.sharing.world import audit_events, build_world, error_messages, page_text
from webapp import db
from webapp.access.permissions import Role
from webapp.crossborough.models import JoinRequest, JoinRequestStatus
from webapp.episodes.models import Notification
from webapp.sharing.models import (
    PublicInterestGround,
    SharingBasis,
    SharingDecision,
    SharingReview,
)

QUESTIONS = (
    "ground",
    "reasons",
    "necessity",
    "shared",
    "family_told",
    "family_not_told_reason",
    "advice_taken",
    "advice_from",
)
JUDGEMENT = dict(
    ground="public_interest_judgement",
    reasons="Mum told me her new partner has a conviction for violence; no harm seen yet.",
    necessity="The health visitor must know before the home visit next week; only that fact.",
    family_told="no",
    family_not_told_reason="Mum asked me not to tell her partner; telling him may put her at risk.",
    advice_taken="yes",
    advice_from="Sam Adviser, the school's designated safeguarding lead",
)


@pytest.fixture
def world(app):
    return build_world(state="delivering")


def decide_without_consent(client, world, **answers):
    data = {
        **public_interest_answers(**{"shared": None, **answers}),
        "organisation_id": str(world.police.id),
        "recipient_name": "",
        "what": "That the partner has a conviction for violence",
    }
    path = f"/episodes/{world.episode.id}/sharing/public-interest"
    return client.post_form(path, data)


def decisions() -> list[SharingDecision]:
    return list(db.session.scalars(select(SharingDecision).order_by(SharingDecision.id)))


def test_non_confidential_information_may_be_shared_for_a_legitimate_purpose(client, world):
    """CWDC 2009, 4.21: "If the information is not confidential, and the practitioner judges
    the sharing to be necessary for them to fulfil a legitimate purpose, they may share the
    information." It is offered, recorded as such, and shown in the register."""
    sign_in(client, world.lead_professional)
    response = decide_without_consent(
        client,
        world,
        ground="legitimate_purpose",
        reasons="The child's school and year group are already known to the police; not "
        "confidential.",
        necessity="The police liaison officer needs them to arrange a school visit.",
    )
    assert response.status_code == 302, error_messages(response)
    (decision,) = decisions()
    assert decision.basis is SharingBasis.PUBLIC_INTEREST
    assert decision.ground is PublicInterestGround.LEGITIMATE_PURPOSE
    register = page_text(client.get(f"/episodes/{world.episode.id}/sharing"))
    assert "The information is not confidential, and sharing it is necessary for a legitimate " in (
        register
    )
    assert "in the public interest" not in register


def test_a_case_by_case_judgement_records_facts_necessity_what_family_and_advice(client, world):
    """CWDC 2009, 4.22: "Practitioners must make a judgement on the facts of the individual
    case ... The information shared should be proportionate"; 4.24 "record the reasons";
    4.25 "seek advice from your line manager or a nominated individual". Each answer is kept
    and shown in the register."""
    sign_in(client, world.lead_professional)
    response = decide_without_consent(client, world, **JUDGEMENT)
    assert response.status_code == 302, error_messages(response)
    (decision,) = decisions()
    assert decision.ground is PublicInterestGround.PUBLIC_INTEREST_JUDGEMENT
    assert decision.reasons == JUDGEMENT["reasons"]
    assert decision.necessity == JUDGEMENT["necessity"]
    assert decision.what == "That the partner has a conviction for violence"
    assert (decision.family_told, decision.family_not_told_reason) == (
        False,
        JUDGEMENT["family_not_told_reason"],
    )
    assert (decision.advice_taken, decision.advice_from) == (True, JUDGEMENT["advice_from"])
    assert decision.decided_by_id == world.lead_professional.id
    register = page_text(client.get(f"/episodes/{world.episode.id}/sharing"))
    for shown in (
        "my judgement on the facts of this case",
        JUDGEMENT["necessity"],
        "No, because " + JUDGEMENT["family_not_told_reason"],
        "Yes, from " + JUDGEMENT["advice_from"],
        "Waiting for the manager's review",
    ):
        assert shown in register


def test_the_cases_named_in_4_23_stay_named_options(client, world):
    """CWDC 2009, 4.23: "There are some circumstances where sharing confidential information
    without consent will normally be justified in the public interest": significant harm to a
    child, serious harm to an adult, serious crime. They are offered by name beside the
    judgement on the facts of the case (4.22) and a legitimate purpose (4.21)."""
    sign_in(client, world.lead_professional)
    page = client.get(f"/episodes/{world.episode.id}/sharing/public-interest")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    offered = [radio["value"] for radio in soup.select("input[name='public_interest_ground']")]
    assert offered == [ground.value for ground in PublicInterestGround]
    assert offered[:3] == ["significant_harm_to_child", "serious_harm_to_adult", "serious_crime"]


def join_request(world) -> JoinRequest:
    request = JoinRequest(
        episode_id=world.episode.id,
        requester_id=world.northgate_practitioner.id,
        role="Mentor",
        reason="I mentor her at the youth club",
        status=JoinRequestStatus.PENDING,
    )
    db.session.add(request)
    db.session.commit()
    return request


@pytest.mark.parametrize(
    ("page", "who", "prefix", "asks_shared"),
    [
        ("/episodes/{episode}/tac/invite", "lead_professional", "invite-public_interest_", True),
        ("/episodes/{episode}/steps/transfer_out", "lead_professional", "public_interest_", True),
        ("/episodes/{episode}/documents/share", "lead_professional", "public_interest_", True),
        ("/join-requests/{request}", "caf_contact", "public_interest_", True),
        (
            "/episodes/{episode}/sharing/public-interest",
            "lead_professional",
            "public_interest_",
            False,
        ),
    ],
)
def test_every_place_that_shares_without_consent_asks_the_same_questions(
    client, world, page, who, prefix, asks_shared
):
    """CWDC 2009, 4.21-4.25: inviting to the team, transferring to another borough, a copy for
    another agency, approving a request to join, and the register's own page all ask why it
    is justified, the facts, why it is necessary and proportionate, exactly what is shared,
    whether the family were told or why not, and whose advice was taken."""
    request = join_request(world)
    sign_in(client, world.person(who))
    response = client.get(page.format(episode=world.episode.id, request=request.id))
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    names = {element["name"] for element in soup.select("[name]")}
    for question in QUESTIONS:
        expected = asks_shared or question != "shared"
        assert (f"{prefix}{question}" in names) is expected, question
    grounds = [radio["value"] for radio in soup.select(f"input[name='{prefix}ground']")]
    assert grounds == [ground.value for ground in PublicInterestGround]


def test_a_tac_invitation_without_consent_needs_the_whole_judgement(client, world):
    """CWDC 2009, 4.24: "In cases where the practitioner decides to share information without
    consent, they should record the reasons for doing so." An invitation of a practitioner
    whose agency the family did not agree to is refused until every question is answered,
    each with a GOV.UK message, and then goes in the register with what exactly is shared."""
    from tests.factories import make_user

    officer = make_user(world.police, email="officer@riverside.example")
    db.session.commit()
    sign_in(client, world.lead_professional)
    path = f"/episodes/{world.episode.id}/tac/invite"
    partial = client.post_form(
        path,
        {
            "invite-email": officer.email,
            "invite-public_interest_ground": "serious_crime",
            "invite-public_interest_family_told": "no",
            "invite-public_interest_advice_taken": "yes",
        },
        token_from=f"/episodes/{world.episode.id}/tac",
    )
    assert error_messages(partial) == [
        "Enter the facts of the case",
        "Enter why sharing is necessary, and proportionate to the need",
        "Enter exactly what you are sharing",
        "Enter why the family have not been told",
        "Enter who advised you",
    ]
    assert decisions() == []
    done = client.post_form(
        path,
        {"invite-email": officer.email, **public_interest_answers("invite-public_interest_")},
        token_from=f"/episodes/{world.episode.id}/tac",
    )
    assert done.status_code == 302, error_messages(done)
    (decision,) = decisions()
    assert decision.basis is SharingBasis.PUBLIC_INTEREST
    assert decision.what.endswith(
        "Exactly what is shared: What was seen and what she said, by phone."
    )
    assert decision.advice_from == "Jo Example, designated safeguarding lead"


def test_every_decision_without_consent_waits_on_the_deciders_managers_home_page(
    app, client, other_client, world
):
    """CWDC 2009, 4.25: "If you are unsure, you should seek advice from your line manager";
    4.14 "Managers should ensure that practitioners consider consent on a case-by-case
    basis". Every decision to share without consent is on the home page of the manager of
    the practitioner's team, and of no other manager; a decision with consent is not."""
    from tests.factories import make_organisation, make_user

    other_manager = make_user(make_organisation(world.police.borough), Role.MANAGER)
    db.session.commit()
    sign_in(client, world.lead_professional)
    assert decide_without_consent(client, world, **JUDGEMENT).status_code == 302
    client.post_form(
        f"/episodes/{world.episode.id}/sharing/with-consent",
        {"organisation_id": str(world.health.id), "what": "The plan"},
    )
    (decision, with_consent) = decisions()
    assert with_consent.basis is SharingBasis.CONSENT

    sign_in(other_client, world.manager)
    home = BeautifulSoup(other_client.get("/").get_data(as_text=True), "html.parser")
    section = home.select_one("[data-sharing-reviews]")
    links = [a["href"] for a in section.select("a")]
    assert links == [f"/sharing/decisions/{decision.id}/review"]
    assert world.episode.reference in section.get_text()

    third_client = app.test_client()
    sign_in(third_client, other_manager)
    home = BeautifulSoup(third_client.get("/").get_data(as_text=True), "html.parser")
    assert home.select_one("[data-sharing-reviews] a") is None
    assert third_client.get(f"/sharing/decisions/{decision.id}/review").status_code == 404


def test_the_manager_records_agreed_or_not_agreed_with_a_comment(client, other_client, world):
    """CWDC 2009, 4.25 (advice from the line manager) and 4.24 (record the decision): the
    manager's review is kept beside the decision in the register, audited, and the
    practitioner is told; it cannot be made twice or without a comment."""
    sign_in(client, world.lead_professional)
    assert decide_without_consent(client, world, **JUDGEMENT).status_code == 302
    (decision,) = decisions()
    sign_in(other_client, world.manager)
    path = f"/sharing/decisions/{decision.id}/review"
    page = page_text(other_client.get(path))
    assert JUDGEMENT["reasons"] in page and JUDGEMENT["advice_from"] in page

    empty = other_client.post_form(path, {})
    assert error_messages(empty) == [
        "Select whether you agree with the decision",
        "Enter your comments",
    ]
    forged = other_client.post_form(path, {"agreed": "maybe", "comment": "Hm"})
    assert error_messages(forged) == ["Select an option from the list"]
    assert db.session.scalars(select(SharingReview)).all() == []

    done = other_client.post_form(
        path, {"agreed": "not_agreed", "comment": "Ask the family first next time."}
    )
    assert done.status_code == 302
    review = db.session.scalars(select(SharingReview)).one()
    assert (review.agreed, review.reviewed_by_id) == (False, world.manager.id)
    (event,) = audit_events("sharing.decision_reviewed", world.manager)
    assert (event.episode_id, event.object_id) == (world.episode.id, str(decision.id))
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "sharing_reviewed")
    ).one()
    assert told.user_id == world.lead_professional.id
    register = page_text(client.get(f"/episodes/{world.episode.id}/sharing"))
    assert "Manager did not agree" in register
    assert "Ask the family first next time." in register

    again = other_client.post_form(path, {"agreed": "agreed", "comment": "Changed my mind"})
    assert again.status_code == 200
    assert db.session.scalars(select(SharingReview)).one().agreed is False
    home = BeautifulSoup(other_client.get("/").get_data(as_text=True), "html.parser")
    assert home.select_one("[data-sharing-reviews] a") is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead_professional", 403),
        ("caf_contact", 403),
        ("colleague", 403),
        ("manager_of_another_team", 404),
    ],
)
def test_nobody_but_the_deciders_manager_can_review(client, other_client, world, who, status):
    """CWDC 2009, 4.25: the review is the line manager's. The decider cannot review their own
    decision, nor can anyone without a manager's role; a manager of another team is answered
    404, as for a decision that does not exist, and the attempt is audited."""
    from tests.factories import make_user

    outsider = make_user(world.police, Role.MANAGER)
    db.session.commit()
    sign_in(client, world.lead_professional)
    assert decide_without_consent(client, world, **JUDGEMENT).status_code == 302
    (decision,) = decisions()
    person = outsider if who == "manager_of_another_team" else world.person(who)
    sign_in(other_client, person)
    path = f"/sharing/decisions/{decision.id}/review"
    assert other_client.get(path).status_code == status
    response = other_client.post_form(path, {"agreed": "agreed", "comment": "Fine"}, token_from="/")
    assert response.status_code == status
    assert db.session.scalars(select(SharingReview)).all() == []
    if status == 404:
        refused = audit_events("access.refused", outsider)
        assert refused and refused[-1].object_id == str(decision.id)


def test_a_manager_who_decides_is_reviewed_by_another_manager_of_the_team(
    client, other_client, world
):
    """CWDC 2009, 4.25: nobody reviews their own decision."""
    from tests.factories import make_user

    second = make_user(world.school, Role.MANAGER)
    world.episode.lead_professional = world.manager
    db.session.commit()
    sign_in(client, world.manager)
    assert decide_without_consent(client, world, **JUDGEMENT).status_code == 302
    (decision,) = decisions()
    assert client.get(f"/sharing/decisions/{decision.id}/review").status_code == 404
    sign_in(other_client, second)
    assert other_client.get(f"/sharing/decisions/{decision.id}/review").status_code == 200
