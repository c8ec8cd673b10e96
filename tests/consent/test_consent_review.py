"""Reviewing consent (issue "Screens to record, review and withdraw consent"): a review date
that has passed is marked overdue wherever consent is shown at a glance; the lead
professional records a review (who, when, the outcome: still agreed until a new review
date, or withdraw, which goes on to the withdrawal screen), audited; and the reminders
command reminds them of consent reviews that have come due."""

from __future__ import annotations

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
from webapp.consent.models import Consent, ConsentReview, ReviewOutcome
from webapp.episodes.models import Notification

TODAY = date.today()
OVERDUE = "Review overdue"


@pytest.fixture
def setting(app):
    borough = make_borough("riverside")
    school = make_organisation(borough, name="Riverside Primary")
    assessor, lead = make_user(school), make_user(school)
    episode = make_episode(
        make_child(borough), assessor, state="delivering", lead_professional=lead
    )
    consent = make_consent(
        episode, assessor, given_on=TODAY - timedelta(days=200), review_on=TODAY - timedelta(days=3)
    )
    db.session.commit()
    return {"episode": episode, "consent": consent, "assessor": assessor, "lead": lead}


def review_path(setting) -> str:
    return f"/episodes/{setting['episode'].id}/consent/{setting['consent'].id}/review"


def date_parts(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(".govuk-error-summary__list li")]


def reviews() -> list[ConsentReview]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsentReview)))


def test_a_review_date_that_has_passed_is_marked_overdue_on_the_episode_and_consent_pages(
    client, setting
):
    episode = setting["episode"]
    sign_in(client, setting["lead"])
    for path in (f"/episodes/{episode.id}", f"/episodes/{episode.id}/consent"):
        assert OVERDUE in client.get(path).get_data(as_text=True), path
    db.session.get(Consent, setting["consent"].id).review_on = TODAY
    db.session.commit()
    assert OVERDUE not in client.get(f"/episodes/{episode.id}").get_data(as_text=True)


def test_the_lead_professional_records_that_the_family_still_agrees_until_a_new_date(
    client, setting
):
    sign_in(client, setting["lead"])
    overview = client.get(f"/episodes/{setting['episode'].id}/consent").get_data(as_text=True)
    assert "Record a review of this consent" in overview
    next_review = TODAY + timedelta(days=180)
    done = client.post_form(
        review_path(setting),
        {
            **date_parts("reviewed_on", TODAY),
            "outcome": "still_agreed",
            **date_parts("next_review_on", next_review),
        },
    )
    assert done.status_code == 302
    assert done.headers["Location"] == f"/episodes/{setting['episode'].id}/consent"
    (review,) = reviews()
    assert (review.reviewed_by_id, review.reviewed_on, review.outcome) == (
        setting["lead"].id,
        TODAY,
        ReviewOutcome.STILL_AGREED,
    )
    assert db.session.get(Consent, setting["consent"].id).review_on == next_review
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.reviewed")
    ).one()
    assert event.actor_id == setting["lead"].id
    page = client.get(f"/episodes/{setting['episode'].id}/consent").get_data(as_text=True)
    assert OVERDUE not in page
    assert "still agreed" in page


def test_a_review_where_they_withdraw_goes_on_to_the_withdrawal_screen(client, setting):
    sign_in(client, setting["lead"])
    done = client.post_form(
        review_path(setting), {**date_parts("reviewed_on", TODAY), "outcome": "withdraw"}
    )
    assert done.status_code == 302
    consent_id = setting["consent"].id
    assert done.headers["Location"].endswith(f"/consent/{consent_id}/withdraw")
    (review,) = reviews()
    assert (review.outcome, review.next_review_on) == (ReviewOutcome.WITHDRAW, None)
    # Consent stands until the withdrawal itself is recorded, with what they said.
    assert db.session.get(Consent, consent_id).is_current


@pytest.mark.parametrize(
    "data, message",
    [
        ({"outcome": "still_agreed"}, "Enter the date of the review"),
        (
            {**date_parts("reviewed_on", TODAY), "outcome": "still_agreed"},
            "Enter the date of the next review",
        ),
        (
            {
                **date_parts("reviewed_on", TODAY),
                "outcome": "still_agreed",
                **date_parts("next_review_on", TODAY - timedelta(days=1)),
            },
            "The date of the next review must be in the future",
        ),
        (
            {
                **date_parts("reviewed_on", TODAY + timedelta(days=2)),
                "outcome": "still_agreed",
                **date_parts("next_review_on", TODAY + timedelta(days=90)),
            },
            "The date of the review must be today or in the past",
        ),
        ({**date_parts("reviewed_on", TODAY)}, "Select what they decided"),
        ({**date_parts("reviewed_on", TODAY), "outcome": "forged"}, None),
    ],
)
def test_an_incomplete_or_wrong_review_is_refused_with_the_reason(client, setting, data, message):
    sign_in(client, setting["lead"])
    refused = client.post_form(review_path(setting), data)
    assert refused.status_code == 200
    assert errors(refused)
    if message:
        assert message in errors(refused)
    assert reviews() == []
    assert db.session.get(Consent, setting["consent"].id).review_on == TODAY - timedelta(days=3)


def test_only_someone_who_may_change_consent_now_records_a_review(client, other_client, setting):
    sign_in(client, setting["assessor"])  # in delivery, consent is the lead professional's
    assert client.get(review_path(setting)).status_code == 403
    outsider = make_user(make_organisation(make_borough("northgate")))
    db.session.commit()
    sign_in(other_client, outsider)
    refused = other_client.post_form(
        review_path(setting),
        {**date_parts("reviewed_on", TODAY), "outcome": "withdraw"},
        token_from="/",
    )
    assert refused.status_code == 404
    assert reviews() == []


def test_withdrawn_consent_cannot_be_reviewed(client, setting):
    consent = db.session.get(Consent, setting["consent"].id)
    consent.withdrawn_at = consent.recorded_at
    db.session.commit()
    sign_in(client, setting["lead"])
    assert client.get(review_path(setting)).status_code == 404


def test_the_reminders_command_reminds_the_lead_professional_of_a_consent_review_due(
    runner_cli, setting
):
    def run():
        return runner_cli.invoke(args=["caf", "reminders", "run", "--today", TODAY.isoformat()])

    first = run()
    assert first.exit_code == 0
    assert "1 consent review due" in first.output
    db.session.expire_all()
    (reminder,) = db.session.scalars(select(Notification)).all()
    assert reminder.user_id == setting["lead"].id
    assert reminder.kind == f"consent_review_due:{(TODAY - timedelta(days=3)).isoformat()}"
    assert "Consent on" in reminder.message and "due for review" in reminder.message
    second = run()
    assert "consent review due" not in second.output
    assert len(db.session.scalars(select(Notification)).all()) == 1
