"""Refused attempts on the consent screens (record, withdraw, signed statement) are in the
audit trail as `access.refused`, committed although the request fails: an episode that may
not be seen, a consent that is not the episode's, a step not open to the user at this
stage, and fields that were refused (a forged agency included)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.consent.test_recording_consent import parent_consent
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
from webapp.consent.models import Consent


@pytest.fixture
def setting(app):
    borough = make_borough("riverside")
    school = make_organisation(borough, name="Riverside Primary")
    assessor, lead = make_user(school), make_user(school)
    episode = make_episode(
        make_child(borough), assessor, state="delivering", lead_professional=lead
    )
    consent = make_consent(episode, assessor)
    other = make_episode(make_child(borough), lead)
    other_consent = make_consent(other, lead)
    db.session.commit()
    return {
        "episode": episode,
        "consent": consent,
        "other_consent": other_consent,
        "assessor": assessor,
        "lead": lead,
        "outsider": make_user(make_organisation(make_borough("northgate"))),
    }


def refusals() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")))


def test_an_outsider_withdrawing_consent_is_refused_and_audited(client, setting):
    episode, consent = setting["episode"], setting["consent"]
    sign_in(client, setting["outsider"])
    path = f"/episodes/{episode.id}/consent/{consent.id}/withdraw"
    refused = client.post_form(path, {"withdrawal_reason": "I say so"}, token_from="/")
    assert refused.status_code == 404
    assert db.session.get(Consent, consent.id).withdrawn_at is None
    (event,) = refusals()
    assert (event.actor_id, event.object_id) == (setting["outsider"].id, str(episode.id))
    assert f'"path": "{path}"' in event.detail


@pytest.mark.parametrize("page", ["withdraw", "statement"])
def test_another_episodes_consent_is_refused_and_audited(client, setting, page):
    episode = setting["episode"]
    sign_in(client, setting["lead"])
    path = f"/episodes/{episode.id}/consent/{setting['other_consent'].id}/{page}"
    assert client.get(path).status_code == 404
    (event,) = refusals()
    assert event.episode_id == episode.id
    assert '"reason": "no such consent on this episode"' in event.detail


def test_someone_who_may_not_change_consent_at_this_stage_is_refused_and_audited(client, setting):
    # In delivery only the lead professional changes consent, not the assessor.
    episode = setting["episode"]
    sign_in(client, setting["assessor"])
    for path in (
        f"/episodes/{episode.id}/consent/new",
        f"/episodes/{episode.id}/consent/{setting['consent'].id}/withdraw",
        f"/episodes/{episode.id}/consent/{setting['consent'].id}/statement",
    ):
        assert client.get(path).status_code == 403, path
    assert len(refusals()) == 3
    assert all('"status": 403' in event.detail for event in refusals())


def test_a_forged_agency_is_refused_and_audited(client, setting):
    episode = setting["episode"]
    sign_in(client, setting["lead"])
    forged = parent_consent(scope=["to_assess", "to_record", "to_share"], agencies=["999999"])
    refused = client.post_form(f"/episodes/{episode.id}/consent/new", forged)
    assert refused.status_code == 200
    assert db.session.scalars(select(Consent).where(Consent.episode_id == episode.id)).all() == [
        setting["consent"]
    ]
    (event,) = refusals()
    assert '"fields": ["agencies"]' in event.detail


def test_a_withdrawal_without_a_reason_is_refused_and_audited(client, setting):
    episode, consent = setting["episode"], setting["consent"]
    sign_in(client, setting["lead"])
    path = f"/episodes/{episode.id}/consent/{consent.id}/withdraw"
    assert client.post_form(path, {"withdrawal_reason": ""}).status_code == 200
    (event,) = refusals()
    assert '"fields": ["withdrawal_reason"]' in event.detail
