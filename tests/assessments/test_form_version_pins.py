"""An episode keeps the form versions in force in its borough when it started — for its first
assessment and its reassessments alike — whatever is published afterwards; the lead
professional (before there is one, the assessor) may move it to the newest version with an
audited step that shows what changes, and a form in progress keeps its answers by id."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from tests.assessments.helpers import give_consent
from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import EpisodeFormPin, FormResponse, ResponseStatus, SectionAnswers
from webapp.audit.models import AuditEvent
from webapp.episodes.models import Episode
from webapp.formadmin.models import OverlayVersion

REQUIRE_RELIGION = (
    "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
    "operations:\n  - require: religion\n"
)


@pytest.fixture
def eastmoor(app):
    borough = make_borough("eastmoor")
    organisation = make_organisation(borough)
    world = {
        "borough": borough,
        "assessor": make_user(organisation, email="assessor@eastmoor.example"),
        "colleague": make_user(organisation, email="colleague@eastmoor.example"),
        "approver": make_user(organisation),
    }
    db.session.commit()
    return world


def start_caf(client, borough, born: date) -> Episode:
    """Find a new child in the index and start a CAF for them, as a practitioner does."""
    child = make_child(borough, given_names="Robin", family_name="Example", date_of_birth=born)
    db.session.commit()
    client.post_form(
        "/child-index",
        {
            "reason": "existing_caf",
            "family_name": "Example",
            "date_of_birth-day": str(born.day),
            "date_of_birth-month": str(born.month),
            "date_of_birth-year": str(born.year),
        },
    )
    response = client.post_form(
        f"/children/{child.id}/episodes", {"social_care": "not_known"}, token_from="/child-index"
    )
    assert response.status_code == 302
    return db.session.scalars(select(Episode).where(Episode.child_id == child.id)).one()


def publish_require_religion(eastmoor) -> None:
    db.session.add(
        OverlayVersion(
            borough="eastmoor",
            form_id="caf_assessment",
            version=1,
            base_version=1,
            source_yaml=REQUIRE_RELIGION,
            published_by_id=eastmoor["colleague"].id,
            approved_by_id=eastmoor["approver"].id,
        )
    )
    db.session.commit()
    g.pop("caf_form_library", None)


def assessment(episode, user) -> FormResponse:
    response = services.start_response(db.session, episode, "assessment", user)
    db.session.commit()
    return response


def complete(response: FormResponse) -> None:
    response.status = ResponseStatus.COMPLETED
    db.session.commit()


def test_an_episode_keeps_the_versions_in_force_when_it_started(client, eastmoor):
    sign_in(client, eastmoor["assessor"])
    before = start_caf(client, eastmoor["borough"], date(2015, 3, 1))
    give_consent(before, eastmoor["assessor"])

    publish_require_religion(eastmoor)
    after = start_caf(client, eastmoor["borough"], date(2015, 3, 2))
    give_consent(after, eastmoor["assessor"])

    first = assessment(before, eastmoor["assessor"])
    complete(first)
    reassessment = assessment(before, eastmoor["assessor"])
    newer = assessment(after, eastmoor["assessor"])

    assert (first.overlay_version, reassessment.overlay_version) == (None, None)
    assert reassessment.sequence == 2
    assert not services.definition(reassessment).find_field("religion").required
    assert newer.overlay_version == 1
    assert services.definition(newer).find_field("religion").required


def _draft_with_answers(episode, user) -> FormResponse:
    draft = assessment(episode, user)
    draft.sections.append(
        SectionAnswers(
            section_id="identifying_details",
            answers_json=json.dumps({"given_names": "Robin", "religion": "Quaker"}),
            is_complete=True,
            updated_by_id=user.id,
        )
    )
    db.session.commit()
    return draft


def test_the_assessor_sees_what_changes_and_moves_the_episode_to_the_newest_version(
    client, eastmoor
):
    sign_in(client, eastmoor["assessor"])
    episode = start_caf(client, eastmoor["borough"], date(2015, 3, 1))
    give_consent(episode, eastmoor["assessor"])
    draft = _draft_with_answers(episode, eastmoor["assessor"])
    publish_require_religion(eastmoor)

    forms = client.get(f"/episodes/{episode.id}/forms").get_data(as_text=True)
    assert "A newer version of the" in forms
    path = f"/episodes/{episode.id}/forms/versions/caf_assessment"
    page = client.get(path).get_data(as_text=True)
    assert "is now required" in page
    assert "Move this episode to the newer version" in page

    moved = client.post_form(path)

    assert moved.status_code == 302
    db.session.expire_all()
    pin = db.session.get(EpisodeFormPin, (episode.id, "caf_assessment"))
    assert (pin.overlay_version, pin.moved_by_id) == (1, eastmoor["assessor"].id)
    draft = db.session.get(FormResponse, draft.id)
    assert draft.overlay_version == 1
    assert draft.answers()["religion"] == "Quaker"
    assert not any(row.is_complete for row in draft.sections)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "form.version_moved")
    ).one()
    assert event.actor_id == eastmoor["assessor"].id
    assert "A newer version of the" not in client.get(f"/episodes/{episode.id}/forms").get_data(
        as_text=True
    )


def test_only_the_lead_professional_or_before_one_the_assessor_moves_the_version(
    client, other_client, eastmoor
):
    sign_in(client, eastmoor["assessor"])
    episode = start_caf(client, eastmoor["borough"], date(2015, 3, 1))
    give_consent(episode, eastmoor["assessor"])
    episode.state, episode.coordinator_id = "assessing", eastmoor["colleague"].id
    db.session.commit()
    publish_require_religion(eastmoor)
    sign_in(other_client, eastmoor["colleague"])
    path = f"/episodes/{episode.id}/forms/versions/caf_assessment"
    assert "Only the lead professional" in other_client.get(path).get_data(as_text=True)

    refused = other_client.post_form(path)

    assert refused.status_code == 403
    db.session.expire_all()
    pin = db.session.get(EpisodeFormPin, (episode.id, "caf_assessment"))
    assert pin.overlay_version is None
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "form.version_move_refused")
    ).all()


def test_a_completed_form_never_changes_version_when_the_episode_moves(client, eastmoor):
    sign_in(client, eastmoor["assessor"])
    episode = start_caf(client, eastmoor["borough"], date(2015, 3, 1))
    give_consent(episode, eastmoor["assessor"])
    first = assessment(episode, eastmoor["assessor"])
    complete(first)
    publish_require_religion(eastmoor)

    assert (
        client.post_form(f"/episodes/{episode.id}/forms/versions/caf_assessment").status_code == 302
    )

    db.session.expire_all()
    assert db.session.get(FormResponse, first.id).overlay_version is None
    assert assessment(episode, eastmoor["assessor"]).overlay_version == 1
