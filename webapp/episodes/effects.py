"""Where the domains plug into the episode's workflow: the registry of what each named
effect does and of who provides the facts the conditions judge.

A definition only names its effects (webapp/workflow/registry.py says what each name
means and when it runs). The domain that owns the change registers the function that
makes it, in its own `init_app`, as DCWorkflow's subscribers do: cross-borough transfers
move the episode, consent tells the team of a withdrawal, the forms lock an assessment.
This module therefore knows no domain, and the workflow bridge (webapp/episodes/
workflow.py), which runs the effects, knows only this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.episodes.models import Episode, Notification
from webapp.workflow import (
    DEFAULT_REGISTRY,
    Catalogue,
    EffectPhase,
    Firing,
    Needs,
    WorkflowDefinition,
)

if TYPE_CHECKING:
    from webapp.accounts.models import User


def on_behalf_detail(member_id: int | None) -> dict:
    """What an audit event says of a step taken for a lead professional without an account."""
    if member_id is None:
        return {}
    return {"on_behalf_of": "lead_professional", "on_behalf_of_member": member_id}


@dataclass
class EffectContext:
    """What an effect is given: the step being taken and the episode it changes."""

    db_session: Session
    episode: Episode
    firing: Firing
    # None when the system took the step (a timed step): only `unattended` effects run then.
    actor: User | None
    form_data: dict = field(default_factory=dict)
    # The lead professional (a team member without an account) the actor acted for.
    on_behalf_of_member_id: int | None = None

    def audit(self, action: str, **detail: object) -> None:
        audit.record_about(
            self.db_session,
            action,
            self.episode,
            self.actor,
            episode=self.episode,
            trigger=self.firing.trigger,
            **on_behalf_detail(self.on_behalf_of_member_id),
            **detail,
        )

    def notify(self, recipients: Iterable[User | None], kind: str, message: str) -> None:
        seen: set[int] = set()
        for user in recipients:
            if (
                user is None
                or user.id in seen
                or (self.actor and user.id == self.actor.id)
                or not user.active
            ):
                continue
            seen.add(user.id)
            self.db_session.add(
                Notification(
                    user_id=user.id, episode_id=self.episode.id, kind=kind, message=message
                )
            )


EffectFunction = Callable[[EffectContext], None]
#: Facts about an episode read from one domain's records, by EpisodeSnapshot's field names.
FactProvider = Callable[[Session, Episode], Mapping[str, object]]

#: Facts a definition's structured conditions read (answers, counts of records), read only
#: when its conditions need them: {"answers": {...}, "record_counts": {...}}.
NeededFactProvider = Callable[[Session, Episode, Needs], Mapping[str, Mapping[str, object]]]

_EFFECTS: dict[str, EffectFunction] = {}
_FACT_PROVIDERS: list[FactProvider] = []
_NEEDED_FACT_PROVIDERS: list[NeededFactProvider] = []


def register_effect(name: str, phase: EffectPhase, effect: EffectFunction) -> None:
    """Make `effect` what the workflow effect `name` does. `phase` restates when the
    engine's registry runs it, so that a domain cannot write to the database after the
    commit, or send e-mail inside the transaction, without it being refused here. Every
    app a process creates registers again: the same function is accepted, another is not."""
    described = DEFAULT_REGISTRY.effects.get(name)
    if described is None:
        raise ValueError(f"{name!r} is not an effect the workflow registry describes")
    if described.phase is not phase:
        raise ValueError(f"the effect {name!r} runs {described.phase.value}, not {phase.value}")
    if _EFFECTS.setdefault(name, effect) is not effect:
        raise ValueError(f"the effect {name!r} already has an implementation")


def register_facts(provider: FactProvider) -> None:
    """Add a domain's facts to those the workflow's conditions judge."""
    if provider not in _FACT_PROVIDERS:
        _FACT_PROVIDERS.append(provider)


def register_needed_facts(provider: NeededFactProvider) -> None:
    """Add a domain's reader of the records structured conditions name (answers, counts)."""
    if provider not in _NEEDED_FACT_PROVIDERS:
        _NEEDED_FACT_PROVIDERS.append(provider)


def needed_facts(db_session: Session, episode: Episode, needs: Needs) -> dict[str, dict]:
    """What every registered domain reads of the records `needs` names, merged by fact."""
    collected: dict[str, dict] = {"answers": {}, "record_counts": {}}
    for provider in _NEEDED_FACT_PROVIDERS:
        for fact, values in provider(db_session, episode, needs).items():
            collected[fact].update(values)
    return collected


def run(name: str, context: EffectContext) -> None:
    _EFFECTS[name](context)


def facts(db_session: Session, episode: Episode) -> dict[str, object]:
    """Every registered domain's facts about the episode. Two domains providing the same
    fact would leave it to registration order which one counts, so that is refused."""
    collected: dict[str, object] = {}
    for provider in _FACT_PROVIDERS:
        provided = provider(db_session, episode)
        if twice := collected.keys() & provided.keys():
            raise RuntimeError(f"more than one provider of the workflow facts {sorted(twice)}")
        collected.update(provided)
    return collected


def unimplemented(definitions: Iterable[WorkflowDefinition]) -> list[str]:
    """The effects the definitions name that no domain has registered an implementation of."""
    named = {name for item in definitions for step in item.transitions for name in step.effects}
    return sorted(named - _EFFECTS.keys())


def check_every_effect_is_implemented(catalogue: Catalogue) -> None:
    missing = unimplemented(catalogue)
    if missing:
        raise RuntimeError(f"eCAF cannot start: no implementation for workflow effects {missing}")
