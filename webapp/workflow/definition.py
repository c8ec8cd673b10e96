"""A loaded workflow definition: immutable values, built only by the loader after the
definition has passed the schema and the semantic checks.

Immutable because a published definition is a version that episodes depend on: nothing
may edit it at run time (STYLE "what we avoid").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from webapp.workflow.expressions import Expression

#: A transition's `dest` meaning "the state the episode was in before it entered the
#: state it is leaving", read from the episode's history when the step is taken.
PREVIOUS = "previous"


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
    """A condition as one transition uses it, with the reason shown when it fails: a
    registry condition by `name`, or a structured `expression` (then `name` is its text)."""

    name: str
    refusal: str
    expression: Expression | None = None


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
    # The error when a required comment is missing, written in the definition ("Enter what
    # has changed") because it cannot be derived from a question-shaped label.
    comment_error: str = "Enter a comment"
    confirmation: str | None = None
    # Shown to a user without any of `roles`, e.g. "A manager must approve closure".
    roles_refusal: str = ""
    # A core transition cannot be removed by a borough override.
    core: bool = False
    # Written with a wildcard source ("*" or all_open_except): a way out that can be taken
    # from (almost) any stage, such as a safeguarding referral, not the usual next step.
    from_any_stage: bool = False
    # Choices this transition depends on: it exists only while each named choice is set to
    # one of the listed options (empty: always).
    when: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # A timed step: nobody takes it by hand; the scheduler takes it this many days after
    # the episode entered its source state, if its conditions hold then.
    after_days: int | None = None

    @property
    def returns(self) -> bool:
        """Goes back to where the episode came from (`dest: previous`)."""
        return self.dest == PREVIOUS

    @property
    def timed(self) -> bool:
        return self.after_days is not None

    def applies_under(self, selections: Mapping[str, str]) -> bool:
        return all(selections.get(choice) in options for choice, options in self.when.items())

    def permits(self, roles: Iterable[str]) -> bool:
        """Deny by default: no roles in common, no transition."""
        return not self.roles.isdisjoint(roles)


def entered_from(moves: Iterable[tuple[Iterable[str], str]]) -> dict[str, frozenset[str]]:
    """For each state, the states an episode can have come into it from, given every
    (sources, dest) of a workflow. A step back to `previous` from S can land in any state
    S was entered from, and so enters that state from S: followed until nothing changes."""
    moves = [(tuple(sources), dest) for sources, dest in moves]
    found: dict[str, set[str]] = {}
    for sources, dest in moves:
        if dest != PREVIOUS:
            found.setdefault(dest, set()).update(s for s in sources if s != dest)
    changed = True
    while changed:
        changed = False
        for sources, dest in moves:
            if dest != PREVIOUS:
                continue
            for source in sources:
                for back in tuple(found.get(source, ())):
                    if source not in found.setdefault(back, set()) and back != source:
                        found[back].add(source)
                        changed = True
    return {state: frozenset(states) for state, states in found.items()}


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    states: frozenset[str]
    roles: frozenset[str]
    filter: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ChoiceOption:
    """One answer to a choice, and what it changes: the roles of transitions (by trigger)
    and of worklists (by key). Transitions that exist only under it say so with `when`."""

    key: str
    title: str
    description: str = ""
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: What users without the new roles are told, per trigger (worded by the loader).
    refusals: Mapping[str, str] = field(default_factory=dict)
    worklist_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """Something a borough administrator chooses about their workflow, among options the
    definition offers (never code: each option is data the engine applies)."""

    key: str
    title: str
    default: str
    options: Mapping[str, ChoiceOption]
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
    choices: Mapping[str, Choice] = field(default_factory=dict)
    #: The options this definition is narrowed to (see `with_choices`): the loader gives
    #: every definition its defaults, so `transitions` and `worklists` are what runs.
    selected: Mapping[str, str] = field(default_factory=dict)
    #: Every transition and worklist as written, before any choice was applied.
    written_transitions: tuple[Transition, ...] = ()
    written_worklists: Mapping[str, Worklist] = field(default_factory=dict)

    def resolve_choices(self, stored: Mapping[str, str] | None) -> dict[str, str]:
        """Every choice's option: the stored one where this definition still offers it,
        else the definition's default."""
        stored = stored or {}
        return {
            key: stored[key] if stored.get(key) in choice.options else choice.default
            for key, choice in self.choices.items()
        }

    def with_choices(self, stored: Mapping[str, str] | None = None) -> WorkflowDefinition:
        """The definition an episode actually runs: transitions that do not apply under the
        selected options dropped, roles changed as the options say."""
        selections = self.resolve_choices(stored)
        options = [self.choices[key].options[option] for key, option in selections.items()]
        written = self.written_transitions or self.transitions
        written_worklists = self.written_worklists or self.worklists
        transitions = []
        for transition in written:
            if not transition.applies_under(selections):
                continue
            for option in options:
                if transition.trigger in option.roles:
                    transition = replace(
                        transition,
                        roles=option.roles[transition.trigger],
                        roles_refusal=option.refusals.get(
                            transition.trigger, transition.roles_refusal
                        ),
                    )
            transitions.append(transition)
        worklists = dict(written_worklists)
        for option in options:
            for key, roles in option.worklist_roles.items():
                if key in worklists:
                    worklists[key] = replace(worklists[key], roles=roles)
        return replace(
            self,
            transitions=tuple(transitions),
            worklists=MappingProxyType(worklists),
            selected=MappingProxyType(selections),
            written_transitions=written,
            written_worklists=written_worklists,
        )

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

    def entered_from(self) -> dict[str, frozenset[str]]:
        """Where an episode in each state can have come from (see `entered_from`)."""
        return entered_from((t.source, t.dest) for t in self.transitions)

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
