"""Running a workflow definition for one episode.

The engine answers two questions for the app: "what may this user do now, and if not,
why not?" (`available`) and "do it" (`fire`). It never touches the database: the app
passes the episode's facts and state in, records the history entry, runs the returned
effects in (or after) its own transaction, and stores the new state.

Firing goes through a `transitions` Machine built for the episode's current state, with
`auto_transitions=False` (no `to_<state>` shortcuts that would bypass the guards) and
`initial` set to the current state (so the library never resets it). Guards are checked
twice: once here with reasons, and again by the machine as its own conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transitions import Machine

from webapp.workflow.definition import (
    ConditionUse,
    State,
    Transition,
    WorkflowDefinition,
    WorkflowRef,
)
from webapp.workflow.expressions import Needs, needs_of
from webapp.workflow.registry import (
    DEFAULT_REGISTRY,
    Actor,
    Effect,
    EffectPhase,
    EpisodeFacts,
    Registry,
)


class WorkflowError(Exception):
    """Base class: something the user asked for cannot be done; `str()` says why."""


class UnknownState(WorkflowError):
    def __init__(self, workflow: WorkflowRef, state: str) -> None:
        self.state = state
        super().__init__(f"{workflow} has no state {state!r}")


class UnknownTransition(WorkflowError):
    def __init__(self, trigger: str, state: State) -> None:
        self.trigger = trigger
        self.state = state.key
        super().__init__(f"{trigger!r} is not a step that can be taken from {state.title!r}")


class StaleState(WorkflowError):
    """The episode moved on since the user's page was drawn (someone else acted first)."""

    def __init__(self, expected: str, actual: State) -> None:
        self.expected = expected
        self.actual = actual.key
        super().__init__(
            f"This episode has changed: it is now {actual.title!r}. "
            "Check what has happened before you try again."
        )


class TransitionNotAllowed(WorkflowError):
    def __init__(self, transition: Transition, reasons: tuple[str, ...]) -> None:
        self.trigger = transition.trigger
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class NowhereToReturn(TransitionNotAllowed):
    """A step back to where the episode came from, when its history does not say."""

    def __init__(self, transition: Transition) -> None:
        super().__init__(
            transition,
            ("The episode's history does not show which stage it came from, so it cannot go back",),
        )


class CommentRequired(TransitionNotAllowed):
    def __init__(self, transition: Transition) -> None:
        super().__init__(transition, (transition.comment_error,))


@dataclass(frozen=True)
class Availability:
    """One step shown on the episode page: a button, or a refusal with its reasons."""

    transition: Transition
    allowed: bool
    reasons: tuple[str, ...] = ()
    # True when the user holds none of the transition's roles; a page may hide these.
    refused_for_role: bool = False

    @property
    def trigger(self) -> str:
        return self.transition.trigger

    @property
    def title(self) -> str:
        return self.transition.title


@dataclass(frozen=True)
class Firing:
    """The outcome of a transition, for the app to record and carry out."""

    workflow: WorkflowRef
    transition: Transition
    source: str
    dest: str
    comment: str | None
    effects: tuple[Effect, ...]

    @property
    def trigger(self) -> str:
        return self.transition.trigger

    @property
    def in_transaction(self) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.phase is EffectPhase.IN_TRANSACTION)

    @property
    def after_commit(self) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.phase is EffectPhase.AFTER_COMMIT)


class _Episode:
    """The model the Machine moves: only a state, so nothing else can be changed by it."""

    state: str


class Engine:
    def __init__(self, definition: WorkflowDefinition, registry: Registry = DEFAULT_REGISTRY):
        missing = {
            use.name
            for transition in definition.transitions
            for use in transition.conditions
            if use.expression is None and use.name not in registry.conditions
        } | {
            name
            for transition in definition.transitions
            for name in transition.effects
            if name not in registry.effects
        }
        if missing:
            raise ValueError(f"{definition.ref} names {sorted(missing)}, unknown to the registry")
        self.definition = definition
        self.registry = registry
        #: The records this definition's structured conditions read (nothing else is).
        self.needs: Needs = needs_of(
            use.expression
            for transition in definition.transitions
            for use in transition.conditions
            if use.expression is not None
        )

    def state(self, key: str) -> State:
        try:
            return self.definition.states[key]
        except KeyError:
            raise UnknownState(self.definition.ref, key) from None

    def may_view(self, state: str, actor: Actor) -> bool:
        return self.state(state).may_view(actor.roles)

    def may_edit(self, state: str, part: str, actor: Actor) -> bool:
        return self.state(state).may_edit(part, actor.roles)

    def editable_parts(self, state: str, actor: Actor) -> frozenset[str]:
        return self.state(state).editable_parts(actor.roles)

    def check(self, transition: Transition, facts: EpisodeFacts, actor: Actor) -> Availability:
        """May `actor` take `transition` now? Roles first: conditions are not the business
        of someone who may not take the step at all."""
        if not transition.permits(actor.roles):
            return Availability(transition, False, (transition.roles_refusal,), True)
        reasons = self._failing(transition, facts, actor)
        return Availability(transition, not reasons, reasons)

    def _failing(
        self, transition: Transition, facts: EpisodeFacts, actor: Actor
    ) -> tuple[str, ...]:
        """The refusals of the transition's conditions that do not hold."""
        return tuple(
            use.refusal for use in transition.conditions if not self._holds(use, facts, actor)
        )

    def _holds(self, use: ConditionUse, facts: EpisodeFacts, actor: Actor) -> bool:
        if use.expression is not None:
            return use.expression.holds(facts, actor, self.registry)
        return self.registry.conditions[use.name].check(facts, actor)

    def available(self, state: str, facts: EpisodeFacts, actor: Actor) -> tuple[Availability, ...]:
        """Every step out of `state` a person may take, in definition order, allowed or
        refused with reasons (timed steps are the system's, never offered)."""
        self.state(state)
        return tuple(
            self.check(transition, facts, actor)
            for transition in self.definition.transitions_from(state)
            if not transition.timed
        )

    def fire(
        self,
        trigger: str,
        *,
        state: str,
        expected_state: str,
        facts: EpisodeFacts,
        actor: Actor,
        comment: str | None = None,
        came_from: str | None = None,
    ) -> Firing:
        """Take the step `trigger` from `state` (the episode's state as stored now, read
        inside the app's transaction). `expected_state` is the state the user saw; if it
        differs, someone acted first and the request is refused as stale. `came_from` is
        the state the episode entered `state` from (its history), for `dest: previous`."""
        current = self.state(state)
        if expected_state != state:
            raise StaleState(expected_state, current)
        transition = self.definition.find_transition(trigger, state)
        if transition is None:
            raise UnknownTransition(trigger, current)
        availability = self.check(transition, facts, actor)
        if not availability.allowed:
            raise TransitionNotAllowed(transition, availability.reasons)
        comment = (comment or "").strip() or None
        if transition.requires_comment and comment is None:
            raise CommentRequired(transition)
        return self._move(transition, current, facts, actor, comment, came_from)

    def fire_timed(
        self,
        transition: Transition,
        *,
        state: str,
        facts: EpisodeFacts,
        reason: str,
        came_from: str | None = None,
    ) -> Firing:
        """Take a timed step for the system, whose time has come (the scheduler decides
        that): no roles, the conditions still apply, `reason` says why it was taken."""
        current = self.state(state)
        if not transition.timed or transition not in self.definition.transitions_from(state):
            raise UnknownTransition(transition.trigger, current)
        system = Actor(0, transition.roles)
        if reasons := self._failing(transition, facts, system):
            raise TransitionNotAllowed(transition, reasons)
        return self._move(transition, current, facts, system, reason, came_from)

    def _move(
        self,
        transition: Transition,
        current: State,
        facts: EpisodeFacts,
        actor: Actor,
        comment: str | None,
        came_from: str | None,
    ) -> Firing:
        dest = self._destination(transition, came_from)
        episode = _Episode()
        self._machine(episode, current, facts, actor, dest if transition.returns else None)
        if not episode.trigger(transition.trigger) or episode.state != dest:  # type: ignore[attr-defined]
            raise TransitionNotAllowed(transition, ("This step is not allowed now",))
        return Firing(
            workflow=self.definition.ref,
            transition=transition,
            source=current.key,
            dest=dest,
            comment=comment,
            effects=tuple(self.registry.effects[name] for name in transition.effects),
        )

    def _destination(self, transition: Transition, came_from: str | None) -> str:
        """Where the step leads: its `dest`, or for `dest: previous` the state the episode
        came from, which must be an open state of this workflow (the check makes it so)."""
        if not transition.returns:
            return transition.dest
        known = self.definition.states.get(came_from or "")
        if known is None or known.terminal:
            raise NowhereToReturn(transition)
        return known.key

    def _machine(
        self,
        episode: _Episode,
        state: State,
        facts: EpisodeFacts,
        actor: Actor,
        came_from: str | None = None,
    ) -> Machine:
        """A Machine holding only the steps out of `state`, guarded by the same checks (a
        timed step by its conditions: the system holds no role); a step back to where the
        episode came from leads to `came_from`."""

        def guard_for(transition: Transition) -> Callable[[], bool]:
            if transition.timed:
                return lambda: not self._failing(transition, facts, actor)
            return lambda: self.check(transition, facts, actor).allowed

        return Machine(
            model=episode,
            states=list(self.definition.states),
            initial=state.key,
            auto_transitions=False,
            transitions=[
                {
                    "trigger": transition.trigger,
                    "source": state.key,
                    "dest": came_from if transition.returns else transition.dest,
                    "conditions": [guard_for(transition)],
                }
                for transition in self.definition.transitions_from(state.key)
                if came_from or not transition.returns
            ],
        )
