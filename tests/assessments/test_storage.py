"""Form responses in the database: pins, per-section locks, immutability, consent."""

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.assessments.helpers import give_consent, make_world
from webapp import db
from webapp.assessments import services
from webapp.assessments.library import form_library
from webapp.assessments.models import FormResponse, ResponseStatus, SectionAnswers
from webapp.audit.models import AuditEvent
from webapp.consent.models import Consent
from webapp.formdefs import FormLibrary


@pytest.fixture
def world(app):
    return make_world()


def start(world, kind="assessment"):
    response = services.start_response(db.session, world["episode"], kind, world["assessor"])
    db.session.commit()
    return response


def save(world, response, section_id, values, version=0, complete=True, actor="assessor"):
    saved = services.save_section(
        db.session,
        response,
        section_id,
        values,
        expected_version=version,
        complete=complete,
        actor=world[actor],
    )
    db.session.commit()
    return saved.row


def test_a_new_response_is_pinned_to_the_boroughs_effective_form(world):
    response = start(world)
    stored = db.session.get(FormResponse, response.id)
    assert (stored.form_id, stored.form_version, stored.borough, stored.overlay_version) == (
        "caf_assessment",
        1,
        "riverside",
        1,
    )
    assert services.definition(stored).find_field("nhs_number") is not None  # Riverside's


def test_publishing_a_new_version_does_not_change_a_stored_response(world, app):
    response = start(world)
    save(world, response, "comments", {"child_comments": "Mine"})
    old = form_library()
    base = old.get_base("caf_assessment", 1)
    newer = replace(base, version=2, title="CAF assessment, second edition")
    library, problems = FormLibrary.build([*old.bases.values(), newer], old.overlays.values())
    assert problems == []
    app.extensions["caf_formdefs"] = library

    reread = db.session.get(FormResponse, response.id)
    assert services.definition(reread).version == 1
    assert services.definition(reread).find_field("nhs_number") is not None
    assert reread.answers() == {"child_comments": "Mine"}
    # Riverside has not adopted v2 (its overlay extends v1), so new episodes still get v1.
    assert library.effective("riverside", "caf_assessment").version == 1
    assert library.effective(None, "caf_assessment").version == 2


def test_each_section_is_stored_in_its_own_row_with_its_own_version(world):
    response = start(world)
    first = save(world, response, "comments", {"child_comments": "One"})
    save(world, response, "family_situation", {"siblings": "None"})
    again = save(world, response, "comments", {"child_comments": "Two"}, version=first.version)
    rows = db.session.query(SectionAnswers).filter_by(response_id=response.id).all()
    assert sorted(row.section_id for row in rows) == ["comments", "family_situation"]
    assert again.version == 2
    assert {row.section_id: row.version for row in rows} == {"comments": 2, "family_situation": 1}


def test_two_people_saving_different_sections_never_clash(world):
    response = start(world)
    save(world, response, "comments", {"child_comments": "Assessor"})
    save(world, response, "family_situation", {"siblings": "Two"}, actor="coordinator")
    assert services.find_response(db.session, world["episode"].id, response.id).answers() == {
        "child_comments": "Assessor",
        "siblings": "Two",
    }


def test_a_save_based_on_an_old_version_is_refused_not_overwritten(world):
    response = start(world)
    save(world, response, "comments", {"child_comments": "First"})
    with pytest.raises(services.StaleSection) as refused:
        save(world, response, "comments", {"child_comments": "Stale"}, version=0)
    db.session.rollback()
    assert refused.value.current.values == {"child_comments": "First"}
    assert response.answers() == {"child_comments": "First"}


def test_a_second_first_save_of_the_same_section_is_refused(world):
    response = start(world)
    save(world, response, "comments", {"child_comments": "Mine"})
    with pytest.raises(services.StaleSection):
        save(world, response, "comments", {"child_comments": "Theirs"}, version=0)


def test_a_completed_response_cannot_be_changed(world):
    response = start(world, "tac")
    response.status = ResponseStatus.COMPLETED
    db.session.commit()
    with pytest.raises(services.ResponseLocked):
        save(world, response, "meeting", {"meeting_place": "School"})


def test_nothing_is_saved_without_current_consent_to_record(world):
    response = start(world)
    consent = db.session.scalars(select(Consent)).one()
    consent.withdrawn_at = datetime(2024, 1, 1)
    db.session.commit()
    with pytest.raises(services.ConsentRequired):
        save(world, response, "comments", {"child_comments": "Anything"})
    db.session.rollback()
    assert db.session.query(SectionAnswers).count() == 0


def test_consent_that_does_not_cover_recording_is_not_enough(world):
    consent = db.session.scalars(select(Consent)).one()
    consent.to_record = False
    db.session.commit()
    with pytest.raises(services.ConsentRequired):
        start(world)


def test_the_closure_form_can_be_written_after_consent_is_withdrawn(world):
    consent = db.session.scalars(select(Consent)).one()
    consent.withdrawn_at = datetime(2024, 1, 1)
    db.session.commit()
    response = start(world, "closure")
    row = save(world, response, "family", {"family_informed": "yes"})
    assert row.values == {"family_informed": "yes"}


def test_an_unknown_section_is_refused(world):
    response = start(world)
    with pytest.raises(services.UnknownSection):
        save(world, response, "no_such_section", {"x": "y"})


def test_only_one_draft_of_a_kind_is_started_at_a_time(world):
    assert start(world, "tac").id == start(world, "tac").id


def test_reviews_are_numbered_and_the_plan_is_review_number_zero(world):
    plan = start(world, "plan")
    review = start(world, "review")
    review.status = ResponseStatus.COMPLETED
    db.session.commit()
    second = start(world, "review")
    assert (plan.review_number, review.review_number, second.review_number) == (0, 1, 2)
    assert [section.id for section in services.sections(plan)] == ["plan"]


def test_completing_needs_every_required_answer(world):
    response = start(world, "closure")
    with pytest.raises(services.Incomplete):
        services.complete_response(db.session, response, world["assessor"])
    db.session.rollback()
    assert not db.session.get(FormResponse, response.id).is_completed


def test_saving_writes_an_audit_event(world):
    response = start(world)
    save(world, response, "comments", {"child_comments": "Audited"})
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.episode_id) == (
        "form.section_saved",
        world["assessor"].id,
        world["episode"].id,
    )
    assert '"section": "comments"' in event.detail


def test_html_in_an_answer_is_stored_as_the_text_it_is(world):
    response = start(world)
    row = save(world, response, "comments", {"child_comments": "<script>alert(1)</script>"})
    assert row.values["child_comments"] == "<script>alert(1)</script>"


def test_consent_given_later_lets_saving_start(world):
    consent = db.session.scalars(select(Consent)).one()
    consent.withdrawn_at = datetime(2024, 1, 1)
    db.session.commit()
    assert not services.has_consent_to_record(db.session, world["episode"].id)
    give_consent(world["episode"], world["assessor"])
    db.session.commit()
    assert services.has_consent_to_record(db.session, world["episode"].id)
