"""A reassessment moves to the borough's newest form version, while the first assessment
keeps the version it was started with (here, a version published through the web)."""

from __future__ import annotations

from flask import g

from tests.assessments.helpers import make_world
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import ResponseStatus
from webapp.formadmin.models import OverlayVersion

REQUIRE_RELIGION = (
    "borough: eastmoor\nversion: 1\nextends: {form: caf_assessment, version: 1}\n"
    "operations:\n  - require: religion\n"
)


def test_a_reassessment_uses_the_newest_version_and_the_first_keeps_its_own(app):
    world = make_world("eastmoor")
    first = services.start_response(db.session, world["episode"], "assessment", world["assessor"])
    first.status = ResponseStatus.COMPLETED
    db.session.add(
        OverlayVersion(
            borough="eastmoor",
            form_id="caf_assessment",
            version=1,
            base_version=1,
            source_yaml=REQUIRE_RELIGION,
            published_by_id=world["assessor"].id,
            approved_by_id=world["manager"].id,
        )
    )
    db.session.commit()
    g.pop("caf_form_library", None)

    second = services.start_response(db.session, world["episode"], "assessment", world["assessor"])
    db.session.commit()

    assert (second.sequence, second.overlay_version) == (2, 1)
    assert first.overlay_version is None
    assert services.definition(second).find_field("religion").required
    assert not services.definition(first).find_field("religion").required
