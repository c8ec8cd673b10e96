"""Recording, refusing and withdrawing consent, through HTTP, with the rules enforced."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.boroughs.models import Sector
from webapp.consent.models import Consent, ConsentDecision
from webapp.episodes.models import Episode

ALL_POINTS = ["why", "what", "who", "purpose", "implications", "right_to_see"]


@pytest.fixture
def setting(app):
    borough = make_borough("riverside")
    school = make_organisation(borough, Sector.SCHOOL, name="Riverside Primary")
    health = make_organisation(borough, Sector.HEALTH, name="Riverside Health Visiting")
    assessor = make_user(school)
    episode = make_episode(make_child(borough, date_of_birth=date(2016, 4, 1)), assessor)
    db.session.commit()
    return {"assessor": assessor, "episode": episode, "school": school, "health": health}


def parent_consent(**overrides):
    today = date.today()
    data = {
        "given_by": "parent_carer",
        "given_by_name": "Pat Example",
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "decision": "given",
        "scope": ["to_assess", "to_record"],
        "agencies": [],
        "points_explained": ALL_POINTS,
        "method": "written",
        "given_on-day": str(today.day),
        "given_on-month": str(today.month),
        "given_on-year": str(today.year),
    }
    for name in ("given_on", "review_on"):
        if name in overrides:  # a [day, month, year] list, sent as the three GOV.UK inputs
            data.pop(f"{name}-day", None), data.pop(f"{name}-month", None)
            data.pop(f"{name}-year", None)
            day, month, year = overrides.pop(name)
            data.update({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})
    data.update(overrides)
    return data


def post_consent(client, episode, data):
    return client.post_form(f"/episodes/{episode.id}/consent/new", data)


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(".govuk-error-summary__list li")]


def consents() -> list[Consent]:
    return list(db.session.scalars(select(Consent)))


def test_a_parent_with_parental_responsibility_gives_informed_consent(client, setting):
    sign_in(client, setting["assessor"])
    data = parent_consent(
        scope=["to_assess", "to_record", "to_share"],
        agencies=[str(setting["health"].id)],
        other_services="Young carers project",
    )

    response = post_consent(client, setting["episode"], data)

    assert response.status_code == 302
    consent = consents()[0]
    assert (consent.to_assess, consent.to_record, consent.to_share) == (True, True, True)
    assert consent.has_parental_responsibility is True
    assert consent.recorded_by_id == setting["assessor"].id
    names = {a.organisation.name if a.organisation else a.service_name for a in consent.agencies}
    assert names == {"Riverside Health Visiting", "Young carers project"}
    page = client.get(f"/episodes/{setting['episode'].id}").get_data(as_text=True)
    assert "Riverside Health Visiting" in page
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "consent.given" in actions


def test_the_start_assessment_step_becomes_possible_once_consent_to_record_exists(client, setting):
    sign_in(client, setting["assessor"])
    reason = "Record the family's consent to assess and record first"

    def page_text():
        page = client.get(f"/episodes/{setting['episode'].id}").get_data(as_text=True)
        return BeautifulSoup(page, "html.parser").get_text(" ")

    assert reason in page_text()
    post_consent(client, setting["episode"], parent_consent())
    assert reason not in page_text()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"parental_responsibility": "no"},
            "Only a parent or carer with parental responsibility can make this decision",
        ),
        ({"given_by_name": ""}, "Enter the full name of the parent or carer"),
        (
            {"points_explained": ALL_POINTS[:-1]},
            "Confirm you explained every point: consent must be informed",
        ),
        ({"scope": []}, "Select what they have agreed to"),
        (
            {"scope": ["to_share"], "agencies": []},
            "Select the agencies they agreed the information can be shared with",
        ),
        ({"scope": ["to_share"], "agencies": ["999999"]}, "Select agencies from the list"),
        ({"given_on": ["31", "2", "2026"]}, "The date of the decision must be a real date"),
        ({"given_on": ["", "2", "2026"]}, "The date of the decision must include a day"),
        (
            {"given_on": ["1", "1", str(date.today().year + 1)]},
            "The date of the decision must be today or in the past",
        ),
        (
            {"review_on": ["1", "1", "2020"]},
            "The date to review consent must be after the date of the decision",
        ),
        ({"decision": "maybe"}, "Select an option from the list"),
        ({"scope": ["to_sell"]}, "Select an option from the list"),
        (
            {"given_by_name": "x" * 161},
            "Full name of the parent or carer must be 160 characters or fewer",
        ),
    ],
)
def test_bad_or_uninformed_consent_is_refused_with_a_clear_message(
    client, setting, overrides, message
):
    sign_in(client, setting["assessor"])
    response = post_consent(client, setting["episode"], parent_consent(**overrides))
    assert response.status_code == 200
    assert message in errors(response)
    assert consents() == []


def test_a_child_without_sufficient_understanding_cannot_consent(client, setting):
    sign_in(client, setting["assessor"])
    data = parent_consent(
        given_by="child",
        sufficient_understanding="no",
        understanding_judgement="Aged 9 and could not explain what sharing means",
    )
    response = post_consent(client, setting["episode"], data)
    assert any("cannot make this decision" in message for message in errors(response))
    assert consents() == []


def test_a_young_person_with_sufficient_understanding_can_consent_for_themselves(client, setting):
    sign_in(client, setting["assessor"])
    data = parent_consent(
        given_by="child",
        sufficient_understanding="yes",
        understanding_judgement="Understood and explained it back to me",
    )
    assert post_consent(client, setting["episode"], data).status_code == 302
    consent = consents()[0]
    assert consent.child_has_sufficient_understanding is True
    assert consent.relationship_to_child == "Self"


def test_a_later_refusal_records_who_and_when_and_agrees_nothing(client, setting):
    """Once the family agreed to the CAF being recorded, a later refusal (say, to share) is
    kept with the record. A refusal before that keeps nothing: tests/consent/
    test_refusal_keeps_nothing.py."""
    make_consent(setting["episode"], setting["assessor"], to_share=False)
    db.session.commit()
    sign_in(client, setting["assessor"])
    data = parent_consent(decision="refused", scope=[], agencies=[], points_explained=[])
    assert post_consent(client, setting["episode"], data).status_code == 302
    refusal = consents()[1]
    assert refusal.decision is ConsentDecision.REFUSED
    assert (refusal.to_assess, refusal.to_record, refusal.to_share) == (False, False, False)
    assert refusal.agencies == []


def test_a_refusal_cannot_smuggle_in_agreement(client, setting):
    sign_in(client, setting["assessor"])
    data = parent_consent(decision="refused", scope=["to_record"])
    response = post_consent(client, setting["episode"], data)
    assert "A refusal cannot agree to anything: clear what they agreed to" in errors(response)


def test_only_someone_who_may_edit_consent_at_this_stage_can_record_it(client, setting):
    colleague = make_user(setting["school"])
    db.session.commit()
    sign_in(client, colleague)
    response = client.post_form(
        f"/episodes/{setting['episode'].id}/consent/new", parent_consent(), token_from="/"
    )
    assert response.status_code == 404
    assert consents() == []


def test_withdrawal_stops_sharing_and_the_workflow_offers_the_withdrawal_path(client, setting):
    episode = setting["episode"]
    episode.state = "delivering"
    episode.lead_professional = setting["assessor"]
    consent = make_consent(episode, setting["assessor"])
    db.session.commit()
    sign_in(client, setting["assessor"])

    empty = client.post_form(
        f"/episodes/{episode.id}/consent/{consent.id}/withdraw", {"withdrawal_reason": ""}
    )
    assert "Enter what they said when they withdrew consent" in errors(empty)

    done = client.post_form(
        f"/episodes/{episode.id}/consent/{consent.id}/withdraw",
        {"withdrawal_reason": "Father phoned to withdraw on 2 May"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawn_at is not None
    assert db.session.get(Episode, episode.id).sharing_suspended is True
    page = client.get(f"/episodes/{episode.id}").get_data(as_text=True)
    assert "nothing more may be shared" in page
    assert "Stop the CAF because consent was withdrawn" in page

    again = client.post_form(
        f"/episodes/{episode.id}/consent/{consent.id}/withdraw",
        {"withdrawal_reason": "again"},
        token_from=f"/episodes/{episode.id}",
    )
    assert again.status_code == 404


def test_new_consent_after_a_review_date_in_the_past_is_still_recorded(client, setting):
    sign_in(client, setting["assessor"])
    old = date.today() - timedelta(days=30)
    data = parent_consent(given_on=[str(old.day), str(old.month), str(old.year)])
    assert post_consent(client, setting["episode"], data).status_code == 302


# What the family do not want shared, or not with whom, is recorded with their consent (the
# one place consent is recorded) and shown wherever consent is shown.

WISH = "Nothing about the father's health is to be shared with the school."


def rows(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        row.select_one(".govuk-summary-list__key").get_text(" ", strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in soup.select("main .govuk-summary-list__row")
        if row.select_one(".govuk-summary-list__key")
    }


def test_what_they_do_not_want_shared_is_kept_with_their_consent_and_shown(client, setting):
    sign_in(client, setting["assessor"])
    episode = setting["episode"]
    response = post_consent(
        client,
        episode,
        parent_consent(
            scope=["to_assess", "to_record", "to_share"],
            agencies=[str(setting["health"].id)],
            not_to_share=f"  {WISH}  ",
        ),
    )
    assert response.status_code == 302
    assert consents()[0].not_to_share == WISH
    for page in (f"/episodes/{episode.id}", f"/episodes/{episode.id}/consent"):
        assert rows(client.get(page).get_data(as_text=True)).get("Not to be shared") == WISH
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consent.given")).one()
    assert '"not_to_share_recorded": true' in event.detail


def test_nothing_is_shown_when_they_named_nothing(client, setting):
    sign_in(client, setting["assessor"])
    episode = setting["episode"]
    assert post_consent(client, episode, parent_consent()).status_code == 302
    assert consents()[0].not_to_share == ""
    page = client.get(f"/episodes/{episode.id}/consent").get_data(as_text=True)
    assert "Not to be shared" not in rows(page)


def test_too_long_a_note_is_refused_with_a_message_and_nothing_kept(client, setting):
    sign_in(client, setting["assessor"])
    response = post_consent(client, setting["episode"], parent_consent(not_to_share="x" * 2001))
    assert response.status_code == 200
    assert any("What they do not want shared" in message for message in errors(response))
    assert consents() == []


def test_a_refusal_keeps_no_such_note(client, setting):
    """A refusal keeps nothing of the CAF: a note sent with one is not stored with it."""
    sign_in(client, setting["assessor"])
    episode = setting["episode"]
    post_consent(client, episode, parent_consent())  # agreed to record earlier
    post_consent(
        client,
        episode,
        parent_consent(decision="refused", scope=[], not_to_share=WISH),
    )
    assert all(consent.not_to_share == "" for consent in consents()[1:])
