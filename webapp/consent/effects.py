"""What consent adds to the episode's workflow: the facts its conditions read from the
family's consents (DESIGN §3: only current consent counts), and the effects of a refusal
and of a withdrawal."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from webapp.consent import services as consent_services
from webapp.consent.models import ConsentDecision
from webapp.episodes.effects import EffectContext, register_effect, register_facts
from webapp.episodes.models import Episode
from webapp.workflow import EffectPhase


def consent_facts(db_session: Session, episode: Episode) -> dict[str, object]:
    consents = consent_services.episode_consents(db_session, episode)
    current = [consent for consent in consents if consent.is_current]
    return {
        # The condition is consent "to assess and record": a consent that only keeps the
        # family's details (one started from a children's centre registration) is not one.
        "has_consent_to_record": any(
            consent.to_assess and consent.to_record for consent in current
        ),
        "has_consent_to_share": any(consent.to_share for consent in current)
        and not episode.sharing_suspended,
        "consent_withdrawn": any(
            consent.withdrawn_at is not None and consent.decision is ConsentDecision.GIVEN
            for consent in consents
        )
        and not current,
        "consent_refused": any(consent.decision is ConsentDecision.REFUSED for consent in consents),
    }


def record_consent_refusal(context: EffectContext) -> None:
    context.audit("consent.refusal_closed_episode")


def suspend_sharing(context: EffectContext) -> None:
    context.episode.sharing_suspended = True
    context.audit("episode.sharing_suspended")


def notify_tac_of_withdrawal(context: EffectContext) -> None:
    # Recording the withdrawal has told the team already; this tells only who was not.
    consent_services.notify_team_of_withdrawal(context.db_session, context.episode, context.actor)


def init_app(app: Flask) -> None:
    register_facts(consent_facts)
    register_effect("record_consent_refusal", EffectPhase.IN_TRANSACTION, record_consent_refusal)
    register_effect("suspend_sharing", EffectPhase.IN_TRANSACTION, suspend_sharing)
    register_effect("notify_tac_of_withdrawal", EffectPhase.AFTER_COMMIT, notify_tac_of_withdrawal)
