"""A loaded workflow definition: immutable values, built only by the loader after the
definition has passed the schema and the semantic checks.

Immutable because a published definition is a version that episodes depend on: nothing
may edit it at run time (STYLE "what we avoid").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class WorkflowRef:
    """What an episode records: which workflow, which version."""

    id: str
    version: int

    def __str__(self) -> str:
        return f"{self.id} version {self.version}"


@dataclass(frozen=True)
class State:
    key: str
    title: str
    description: str = ""
    terminal: bool = False
    # Who may see the episode, and who may change which part of it, while in this state.
    view: frozenset[str] = frozenset()
    edit: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def may_view(self, roles: Iterable[str]) -> bool:
        return not self.view.isdisjoint(roles)

    def may_edit(self, part: str, roles: Iterable[str]) -> bool:
        return not self.edit.get(part, frozenset()).isdisjoint(roles)

    def editable_parts(self, roles: Iterable[str]) -> frozenset[str]:
        held = frozenset(roles)
        return frozenset(part for part, allowed in self.edit.items() if allowed & held)


@dataclass(frozen=True)
class ConditionUse:
    """A named condition as one transition uses it, with the reason shown when it fails."""

    name: str
    refusal: str


@dataclass(frozen=True)
class Transition:
    trigger: str
    title: str
    source: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    conditions: tuple[ConditionUse, ...] = ()
    effects: tuple[str, ...] = ()
    form: str | None = None
    requires_comment: bool = False
    comment_label: str = "Comment"
    confirmation: str | None = None
    # Shown to a user without any of `roles`, e.g. "A manager must approve closure".
    roles_refusal: str = ""
    # A core transition cannot be removed by a borough override.
    core: bool = False

    def permits(self, roles: Iterable[str]) -> bool:
        """Deny by default: no roles in common, no transition."""
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    states: frozenset[str]
    roles: frozenset[str]
    filter: str | None = None
    description: str = ""


@dataclass(frozen=True)
class WorkflowDefinition:
    id: str
    version: int
    title: str
    initial: str
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    worklists: Mapping[str, Worklist] = field(default_factory=dict)
    options: Mapping[str, int | bool | str] = field(default_factory=dict)
    description: str = ""
    borough: str | None = None
    extends: WorkflowRef | None = None
    source: str = ""

    @property
    def ref(self) -> WorkflowRef:
        return WorkflowRef(self.id, self.version)

    @property
    def terminal_states(self) -> tuple[str, ...]:
        return tuple(key for key, state in self.states.items() if state.terminal)

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(key for key, state in self.states.items() if not state.terminal)

    def transitions_from(self, state: str) -> tuple[Transition, ...]:
        return tuple(transition for transition in self.transitions if state in transition.source)

    def find_transition(self, trigger: str, state: str) -> Transition | None:
        """The transition `trigger` names from `state`; the validator makes it unique."""
        for transition in self.transitions:
            if transition.trigger == trigger and state in transition.source:
                return transition
        return None

    def triggers(self) -> frozenset[str]:
        return frozenset(transition.trigger for transition in self.transitions)

    def worklists_for(self, roles: Iterable[str]) -> tuple[Worklist, ...]:
        held = frozenset(roles)
        return tuple(worklist for worklist in self.worklists.values() if worklist.roles & held)
