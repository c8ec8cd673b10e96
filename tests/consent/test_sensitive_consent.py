"""The consent record tells basic from sensitive information, through HTTP.

DCSF 2010, "How to share information appropriately with children's centre staff":
paragraph 15 (basic personal information is name, address, postcode and date of birth),
paragraph 17 (explicit, informed consent is required where anything more is shared: such
information is likely to be sensitive personal data) and the box "There are two different
types of consent" (explicit consent is clearly expressed, often in writing; implied consent
is inferred from behaviour and is generally not sufficient for sensitive personal data).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import sign_in
from tests.consent import test_recording_consent as recording
from tests.consent.test_recording_consent import consents, errors, parent_consent, post_consent
from tests.factories import make_consent
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.consent.models import ConsentMethod

setting = recording.setting  # the same borough, agencies, assessor and episode

IMPLIED_IS_BASIC = (
    "Implied consent covers basic information only: sensitive information needs their "
    "explicit agreement, in writing or verbally. Clear ‘To include sensitive information’, "
    "or record how they agreed explicitly"
)


def test_explicit_written_consent_can_include_sensitive_information(client, setting):
    """DCSF 2010, paragraph 17 and "Explicit (or express) informed consent": the family
    clearly agree, in writing, that sensitive information is recorded and shared."""
    sign_in(client, setting["assessor"])
    data = parent_consent(
        scope=["to_assess", "to_record", "to_share", "includes_sensitive"],
        agencies=[str(setting["health"].id)],
    )
    assert post_consent(client, setting["episode"], data).status_code == 302
    (consent,) = consents()
    assert (consent.method, consent.includes_sensitive) == (ConsentMethod.WRITTEN, True)
    page = client.get(f"/episodes/{setting['episode'].id}/consent").get_data(as_text=True)
    assert "Agreed explicitly" in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consent.given"))
    assert "includes_sensitive" in json.loads(event.one().detail)["scope"]


def test_consent_without_sensitive_information_covers_basic_information_only(client, setting):
    """DCSF 2010, paragraph 15: consent that does not include sensitive information covers
    the basic details only, and the record says so."""
    sign_in(client, setting["assessor"])
    data = parent_consent(
        scope=["to_assess", "to_record", "to_share"], agencies=[str(setting["health"].id)]
    )
    assert post_consent(client, setting["episode"], data).status_code == 302
    (consent,) = consents()
    assert consent.includes_sensitive is False
    page = client.get(f"/episodes/{setting['episode'].id}/consent").get_data(as_text=True)
    assert "No: basic information only" in page


def test_implied_consent_cannot_include_sensitive_information(client, setting):
    """DCSF 2010, "Implied consent": it "is generally not sufficient as a basis for sharing
    sensitive personal data"; the server refuses it with a GOV.UK error, and keeps nothing."""
    sign_in(client, setting["assessor"])
    data = parent_consent(
        scope=["to_assess", "to_record", "to_share", "includes_sensitive"],
        agencies=[str(setting["health"].id)],
        method="implied",
    )
    response = post_consent(client, setting["episode"], data)
    assert response.status_code == 200
    assert errors(response) == [IMPLIED_IS_BASIC]
    assert 'href="#scope' in response.get_data(as_text=True)
    assert consents() == []


def test_implied_consent_is_recorded_for_basic_information(client, setting):
    """DCSF 2010, "Implied consent": consent inferred from behaviour, such as accepting a
    service, where sharing is intrinsic to it; it covers the basic information only."""
    sign_in(client, setting["assessor"])
    data = parent_consent(
        scope=["to_assess", "to_record", "to_share"],
        agencies=[str(setting["health"].id)],
        method="implied",
    )
    assert post_consent(client, setting["episode"], data).status_code == 302
    (consent,) = consents()
    assert (consent.method, consent.includes_sensitive) == (ConsentMethod.IMPLIED, False)


def test_sensitive_information_alone_agrees_to_nothing(client, setting):
    """DCSF 2010, paragraph 17: sensitive information is agreed for recording or sharing,
    so it is refused on its own."""
    make_consent(setting["episode"], setting["assessor"], to_share=False, includes_sensitive=False)
    db.session.commit()
    sign_in(client, setting["assessor"])
    data = parent_consent(scope=["to_assess", "includes_sensitive"])
    response = post_consent(client, setting["episode"], data)
    assert response.status_code == 200
    assert len(consents()) == 1
    assert any("select ‘To record and store the information’" in e for e in errors(response))
