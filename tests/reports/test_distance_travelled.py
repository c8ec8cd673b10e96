"""The distance travelled: each need rated in the plan, at every review and at closure, on
the scale the form definitions give; reports count how the ratings changed, suppressed as
every other figure, through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.episodes.journey import NEXT_WEEK, TODAY, Person, date_parts
from tests.reports.world import PERIOD, months_ago, started, tables
from webapp import db
from webapp.assessments import ratings
from webapp.assessments.library import form_library
from webapp.assessments.models import FormResponse, ResponseStatus
from webapp.db import utcnow
from webapp.formdefs import FormPin


def _plan_section(*ratings_given: str) -> dict:
    section = {"plan_actions-items": str(len(ratings_given))}
    for number, rating in enumerate(ratings_given):
        section |= {
            f"plan_actions-{number}-plan_need": f"Need {number}",
            f"plan_actions-{number}-plan_need_rating": rating,
            f"plan_actions-{number}-plan_action_what": "Morning club place",
            f"plan_actions-{number}-plan_action_who": "School",
            **date_parts(f"plan_actions-{number}-plan_action_by_when", NEXT_WEEK),
            f"plan_actions-{number}-plan_action_status": "in_progress",
        }
    return section


def _review(*ratings_given: str) -> dict:
    return {
        "review_details": {**date_parts("review_date", TODAY), "review_lead_professional": "Lead"},
        "plan": _plan_section(*ratings_given),
        "needs": {"needs_met": "some"},
        "next_steps": {
            "review_outcome": "continue",
            **date_parts("next_review_date", TODAY + timedelta(days=30)),
        },
    }


def _with_consent(client, world, episode) -> Person:
    lead = Person(client, world.school_practitioner)
    consent = lead.record_consent(episode.id, world.school_practitioner.organisation_id)
    assert consent.status_code == 302
    return lead


def test_the_plan_and_a_review_keep_how_the_needs_they_rate_stand(world, client):
    episode = started(world.borough, world.school_practitioner, months_ago(1))
    db.session.commit()
    lead = _with_consent(client, world, episode)
    plan_id = lead.complete_form(episode.id, "plan", {"plan": _plan_section("serious", "concern")})
    review_id = lead.complete_form(episode.id, "review", _review("some_concern", "no_concern"))
    db.session.expire_all()
    plan, review = (db.session.get(FormResponse, key) for key in (plan_id, review_id))
    assert plan.form_version == 3 and plan.needs_rating == pytest.approx(0.125)
    assert review.needs_rating == pytest.approx(0.75)


def test_a_rating_that_is_not_on_the_scale_is_refused(world, client):
    episode = started(world.borough, world.school_practitioner, months_ago(1))
    db.session.commit()
    lead = _with_consent(client, world, episode)
    assert lead.start_form(episode.id, "plan").status_code == 302
    response_id = db.session.scalars(
        select(FormResponse.id).where(FormResponse.episode_id == episode.id)
    ).one()
    page = f"/episodes/{episode.id}/forms/{response_id}/sections/plan"
    answer = client.post_form(page, {"section_version": "0", **_plan_section("terrible")})
    assert answer.status_code == 200
    assert "govuk-error-summary" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FormResponse, response_id).needs_rating is None


def test_needs_rating_is_the_mean_share_of_each_scale(app):
    form = form_library().resolve(FormPin("closure", 2, None, None))
    answers = {
        "need_outcomes": [
            {"need_description": "a", "need_rating": "serious"},
            {"need_description": "b", "need_rating": "no_concern"},
            {"need_description": "c", "need_rating": "slight_concern"},
            {"need_description": "d"},  # not rated: not counted
        ]
    }
    assert ratings.needs_rating(form, answers) == pytest.approx((0 + 1 + 0.75) / 3)
    assert ratings.needs_rating(form, {"need_outcomes": [{"need_description": "a"}]}) is None


def _rated(episode, user, form_id: str, rating: float, review_number: int = 0) -> None:
    """A completed form of the episode whose needs stand at `rating` (its answers aside)."""
    db.session.add(
        FormResponse(
            episode_id=episode.id,
            form_id=form_id,
            review_number=review_number,
            form_version=3 if form_id == "delivery_plan_review" else 2,
            status=ResponseStatus.COMPLETED,
            created_by_id=user.id,
            completed_by_id=user.id,
            completed_at=utcnow(),
            needs_rating=rating,
        )
    )
    db.session.commit()


def _travelled(world, plan: float, latest: float | None, *, closed: bool = False) -> None:
    user = world.school_practitioner
    fields = {"state": "closed", "closed_at": months_ago(1)} if closed else {}
    episode = started(world.borough, user, months_ago(3), **fields)
    _rated(episode, user, "delivery_plan_review", plan)
    if latest is not None:
        if closed:
            _rated(episode, user, "closure", latest)
        else:
            _rated(episode, user, "delivery_plan_review", latest, review_number=1)


def test_reports_count_how_the_needs_changed_for_open_and_closed_cafs(world, signed_in):
    for _ in range(6):
        _travelled(world, 0.25, 0.75)  # less of a concern
    for _ in range(5):
        _travelled(world, 0.5, 0.5)  # no change
    for _ in range(2):
        _travelled(world, 0.75, 0.25)  # more of a concern: a small number
    _travelled(world, 0.5, None)  # a plan, no review yet
    for _ in range(7):
        _travelled(world, 0.0, 1.0, closed=True)
    found = tables(signed_in(world.school_manager).get("/reports", query_string=PERIOD))
    open_now = found["distance-open"]
    assert open_now["Less of a concern"] == "6"
    assert open_now["More of a concern"] == "fewer than 5"
    # The 2 cannot be worked out from the total: the smallest other count is hidden with it.
    assert open_now["No change"] == "not shown"
    assert open_now["Total"].replace(",", "").isdigit()
    closed = found["distance-closed"]
    assert closed["Less of a concern"] == "7"
    assert closed["More of a concern"] == "0"


def test_the_distance_travelled_is_suppressed_under_every_filter_and_export(world, signed_in):
    for _ in range(3):
        _travelled(world, 0.25, 0.75)
    client = signed_in(world.caf_contact)
    for query in (PERIOD, PERIOD | {"sector": "school"}, PERIOD | {"area": "SE15"}):
        found = tables(client.get("/reports", query_string=query))
        assert found["distance-open"]["Less of a concern"] == "fewer than 5"
    exported = client.get("/reports/export.csv", query_string=PERIOD).get_data(as_text=True)
    assert "Less of a concern,fewer than 5" in exported
    assert "Less of a concern,3" not in exported
