"""What a safeguarding referral does to the episode's workflow: the referral is recorded
in the sharing register, and the borough's CAF contacts and the lead professional told."""

from __future__ import annotations

from flask import Flask

from webapp.episodes.effects import EffectContext, register_effect
from webapp.episodes.models import SocialCareInvolvement
from webapp.episodes.recipients import caf_contacts, lead_professional_user
from webapp.sharing import services as sharing
from webapp.workflow import EffectPhase


def record_safeguarding_referral(context: EffectContext) -> None:
    """A referral shares the child's information with children's social care: it goes in
    the register with what, with whom and on what basis (CWDC 2009, 4.24), and the index
    then shows that social care is involved."""
    referral = context.form_data.get("referral")
    if referral is None:
        raise ValueError("a referral needs what was shared, with whom and on what basis")
    decision = sharing.record_referral(context.db_session, context.episode, context.actor, referral)
    context.episode.social_care_involvement = SocialCareInvolvement.YES
    context.audit(
        "episode.safeguarding_referral",
        reasons=context.firing.comment or "",
        sharing_decision_id=decision.id,
    )


def notify_safeguarding_contacts(context: EffectContext) -> None:
    recipients = [
        *caf_contacts(context.db_session, context.episode.borough_id),
        lead_professional_user(context.episode),
    ]
    context.notify(
        recipients,
        "safeguarding_referral",
        f"{context.episode.reference} was referred to children's social care.",
    )


def init_app(app: Flask) -> None:
    register_effect(
        "record_safeguarding_referral", EffectPhase.IN_TRANSACTION, record_safeguarding_referral
    )
    register_effect(
        "notify_safeguarding_contacts", EffectPhase.AFTER_COMMIT, notify_safeguarding_contacts
    )
