"""What a transfer to another borough does to the episode's workflow: the effects of the
`transfer_out` step and of the receiving borough accepting it, and the fact of where the
transfer left the episode (the conditions of the acceptances read it)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from webapp.boroughs.models import Borough
from webapp.crossborough import transfers
from webapp.episodes import workflow
from webapp.episodes.effects import EffectContext, register_effect, register_facts
from webapp.episodes.models import Episode
from webapp.episodes.recipients import caf_contacts, notify, team
from webapp.workflow import EffectPhase
from webapp.workflowchoices import services as choice_services


def mark_transferred(context: EffectContext) -> None:
    borough_id = context.form_data.get("to_borough_id")
    borough = context.db_session.get(Borough, borough_id) if borough_id else None
    if borough is None or borough.id == context.episode.borough_id:
        raise ValueError("a transfer needs a receiving borough other than this one")
    context.episode.transferred_to_borough_id = borough.id
    # Handing the record over is sharing it: the sharing rules and the register decide.
    transfers.record_transfer(
        context.db_session,
        context.episode,
        context.actor,
        borough,
        context.form_data.get("public_interest"),
    )
    context.audit("episode.transferred", to_borough=borough.code)


def complete_transfer(context: EffectContext) -> None:
    """The receiving borough takes the episode over. It is the same record, so its forms,
    consents, register, documents, team and history stay with it; it continues in the
    receiving borough's newest workflow, which has every national state."""
    episode = context.episode
    receiving_id = episode.transferred_to_borough_id
    receiving = context.db_session.get(Borough, receiving_id) if receiving_id else None
    if receiving is None or receiving.id == episode.borough_id:
        raise ValueError("there is no transfer to another borough to accept")
    sending = episode.borough
    before = f"{episode.workflow_id} v{episode.workflow_version}"
    definition = workflow.catalogue().for_borough(receiving.code)
    if context.firing.dest in definition.states:
        episode.workflow_id = definition.id
        episode.workflow_version = definition.version
        episode.workflow_choices_id = choice_services.to_pin(
            context.db_session, receiving.id, definition
        )
    episode.transferred_from_borough_id = sending.id
    episode.transferred_to_borough_id = None
    episode.borough_id = receiving.id
    episode.borough = receiving
    # The child now lives in the receiving borough: its CAF contact manages the index record.
    child = episode.child
    child.borough_id = receiving.id
    child.borough = receiving
    context.audit(
        "episode.transfer_accepted",
        from_borough=sending.code,
        to_borough=receiving.code,
        workflow_before=before,
        workflow_after=f"{episode.workflow_id} v{episode.workflow_version}",
        state=context.firing.dest,
    )


def notify_receiving_borough(context: EffectContext) -> None:
    borough_id = context.episode.transferred_to_borough_id
    if borough_id is not None:
        context.notify(
            caf_contacts(context.db_session, borough_id),
            "transfer_in",
            f"{context.episode.reference} is being transferred to your borough.",
        )


def notify_transfer_accepted(context: EffectContext) -> None:
    episode = context.episode
    message = f"{episode.reference} has been transferred: {episode.borough.name} now holds it."
    context.notify(team(episode), "transfer_accepted", message)
    # The sending borough's CAF contacts can no longer open the episode: no link for them.
    members = {user.id for user in team(episode) if user is not None}
    sending_id = episode.transferred_from_borough_id
    for contact in caf_contacts(context.db_session, sending_id) if sending_id else []:
        if contact.active and contact.id not in members and contact.id != context.actor.id:
            notify(context.db_session, contact.id, None, "transfer_accepted", message)


def transfer_facts(db_session: Session, episode: Episode) -> dict[str, object]:
    return {"state_before_transfer": state_before_transfer(db_session, episode)}


def state_before_transfer(db_session: Session, episode: Episode) -> str | None:
    """Where a transfer waiting to be accepted left the episode (from its history)."""
    if episode.transferred_to_borough_id is None:
        return None
    step = transfers.transfer_step(db_session, episode)
    return step.from_state if step is not None else None


def init_app(app: Flask) -> None:
    register_effect("mark_transferred", EffectPhase.IN_TRANSACTION, mark_transferred)
    register_effect(transfers.ACCEPT_EFFECT, EffectPhase.IN_TRANSACTION, complete_transfer)
    register_effect("notify_receiving_borough", EffectPhase.AFTER_COMMIT, notify_receiving_borough)
    register_effect("notify_transfer_accepted", EffectPhase.AFTER_COMMIT, notify_transfer_accepted)
    register_facts(transfer_facts)
