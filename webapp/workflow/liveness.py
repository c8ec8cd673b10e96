"""Can every episode reach closure? A model of what people can do, explored exhaustively.

The graph checks in validator.py read arrows between states. An episode also needs, at
each step, somebody who may take it and conditions that can hold. This module explores
every situation an episode can be in under each setting of a workflow's choices: a state
together with the facts that hold (consent recorded, assessment completed, a lead
professional nominated, closure requested...). From a situation people can

- edit a part the state lets them edit, which establishes facts (the registry's
  `part_facts`: recording consent on the consent page, nominating a lead professional on
  the team page, completing the closure form...), or
- take a transition, if someone who can be on the episode then holds one of its roles
  (`role_facts`: there is no lead professional before one is nominated) and its conditions
  hold — judged by the registry's own condition functions on the facts — after which its
  effects set and clear facts (`Effect.sets` / `clears`).

Then, for each setting of the choices: every state must be reachable, every situation must
have a way to a terminal state, every transition must be possible somewhere its source is
reached, and the reason it is not (its conditions, or roles nobody can hold there) is what
the problem says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from webapp.workflow import expressions
from webapp.workflow.definition import PREVIOUS
from webapp.workflow.expressions import Answer, Count, DaysSince, Expression, Forms, Named
from webapp.workflow.problems import Problem
from webapp.workflow.registry import (
    FORM_PARTS,
    FORMS_WITHOUT_CONSENT,
    Actor,
    EpisodeSnapshot,
    PartFact,
    Registry,
)
from webapp.workflow.spec import Located, Spec, source_states, when_options

#: Facts that are not fields of EpisodeSnapshot: an assessment version is being written,
#: the episode has a coordinator, a member of the team around the child.
EXTRA_FACTS = frozenset({"assessment_draft", "coordinator", "tac_member"})
_TRANSFERRED_FROM = "state_before_transfer="
# Where an episode came from, kept only in states a step can go back from (`dest: previous`).
_CAME_FROM = "came_from="
# The person who requested closure; whoever acts in the model is someone else.
_REQUESTER, _ACTOR = 1, 2
# Structured conditions: an answer given ("answer:form.question=value", "*" for any answer
# to a question without choices), a state entered at least once (time then passes).
_ANSWER, _ENTERED = "answer:", "entered:"
ANY_ANSWER = "*"
# A count the model holds is as large as any condition asks for.
MANY = 1_000_000
# What an answer without choices is in the model: answered, with a date long past.
_LONG_AGO = datetime(1900, 1, 1)

Facts = frozenset[str]


def snapshot(facts: Facts) -> EpisodeSnapshot:
    """What the conditions see in a situation of the model."""
    before_transfer = next(
        (
            fact.removeprefix(_TRANSFERRED_FROM)
            for fact in facts
            if fact.startswith(_TRANSFERRED_FROM)
        ),
        None,
    )
    answers = {}
    for fact in facts:
        if fact.startswith(_ANSWER):
            question, value = fact.removeprefix(_ANSWER).rsplit("=", 1)
            answers[question] = _LONG_AGO.date().isoformat() if value == ANY_ANSWER else value
    return EpisodeSnapshot(
        has_consent_to_record="has_consent_to_record" in facts,
        has_consent_to_share="has_consent_to_share" in facts,
        consent_withdrawn="consent_withdrawn" in facts,
        consent_refused="consent_refused" in facts,
        assessment_draft_complete="assessment_draft_complete" in facts,
        assessment_completed="assessment_completed" in facts,
        lead_professional_id=_ACTOR if "lead_professional_id" in facts else None,
        action_count=MANY if "action_count" in facts else 0,
        review_count=MANY if "review_count" in facts else 0,
        closure_form_complete="closure_form_complete" in facts,
        closure_requested_by_id=_REQUESTER if "closure_requested_by_id" in facts else None,
        state_before_transfer=before_transfer,
        answers=MappingProxyType(answers),
        record_counts=MappingProxyType(
            {
                kind: MANY
                for kind, fact in expressions.COUNT_FACTS.items()
                if kind in expressions.COUNT_PARTS and fact in facts
            }
        ),
        entered_states=MappingProxyType(
            {fact.removeprefix(_ENTERED): _LONG_AGO for fact in facts if fact.startswith(_ENTERED)}
        ),
    )


@dataclass(frozen=True)
class Step:
    """A transition as it applies under one setting of the choices."""

    located: Located
    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    #: Each condition with what a user is told when it fails.
    conditions: tuple[tuple[Expression, str], ...]
    effects: tuple[str, ...]
    # Taken by the system when its time comes: no person needs to be able to take it.
    timed: bool = False


def _conditions(value: Mapping, registry: Registry) -> tuple[tuple[Expression, str], ...]:
    """A transition's conditions; a named one fails with the registry's own refusal."""
    found = []
    for use in value.get("conditions", []):
        expression = expressions.parse_use(use)
        if isinstance(expression, Named):
            condition = registry.conditions.get(expression.name)
            if condition is not None:
                found.append((expression, condition.refusal))
        else:
            found.append((expression, use["refusal"]))
    return tuple(found)


def _steps(spec: Spec, selections: Mapping[str, str], registry: Registry) -> list[Step]:
    terminal = spec.terminal_flags()
    overrides: dict[str, list[str]] = {}
    for choice, option in selections.items():
        overrides.update(spec.choices[choice].value["options"][option].get("roles", {}))
    steps = []
    for located in spec.transitions:
        value = located.value
        if not all(
            selections.get(choice) in options for choice, options in when_options(value).items()
        ):
            continue
        trigger = value["trigger"]
        steps.append(
            Step(
                located,
                trigger,
                source_states(value["source"], terminal, value["dest"]),
                value["dest"],
                frozenset(overrides.get(trigger, value.get("roles", []))),
                _conditions(value, registry),
                tuple(value.get("effects", [])),
                "after_days" in value,
            )
        )
    return steps


@dataclass(frozen=True)
class Model:
    """What a spec's structured conditions add to the model: the questions whose answers
    they read (each with the answers that matter, and the parts whose pages edit them),
    the states whose entry they time, and the counts people record on a part's page."""

    questions: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], bool]]
    timed_states: frozenset[str]
    part_facts: Mapping[str, tuple[PartFact, ...]]

    @classmethod
    def of(cls, spec: Spec, registry: Registry, forms: Forms | None) -> Model:
        questions: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
        timed: set[str] = set()
        part_facts: dict[str, list[PartFact]] = {}
        for located in spec.transitions:
            for expression, _refusal in _conditions(located.value, registry):
                for part in expressions.walk(expression):
                    if isinstance(part, Answer) or (
                        isinstance(part, DaysSince) and part.state is None
                    ):
                        form, name = part.form or "", part.field or ""
                        found = forms.questions(spec.borough, form) if forms else None
                        question = (found or {}).get(name)
                        values = (
                            question.choices
                            if question is not None and question.single_choice
                            else (ANY_ANSWER,)
                        )
                        questions[f"{form}.{name}"] = (
                            values,
                            FORM_PARTS.get(form, ()),
                            form not in FORMS_WITHOUT_CONSENT,
                        )
                    elif isinstance(part, DaysSince) and part.state is not None:
                        timed.add(part.state)
                    elif isinstance(part, Count) and part.of in expressions.COUNT_PARTS:
                        fact = PartFact(
                            expressions.COUNT_FACTS[part.of], frozenset({"has_consent_to_record"})
                        )
                        for edited in expressions.COUNT_PARTS[part.of]:
                            if fact not in part_facts.setdefault(edited, []):
                                part_facts[edited].append(fact)
        return cls(
            MappingProxyType(questions),
            frozenset(timed),
            MappingProxyType({part: tuple(found) for part, found in part_facts.items()}),
        )

    def entering(self, state: str, facts: Facts) -> Facts:
        return facts | {_ENTERED + state} if state in self.timed_states else facts

    def answering(self, state: Mapping, held: frozenset[str], facts: Facts) -> list[Facts]:
        """Every way people who may edit a form here can change the answers read."""
        editable = {part for part, roles in state.get("edit", {}).items() if held & set(roles)}
        changed = []
        for question, (values, parts, needs_consent) in self.questions.items():
            if not editable & set(parts):
                continue
            if needs_consent and "has_consent_to_record" not in facts:
                continue
            prefix = f"{_ANSWER}{question}="
            unanswered = frozenset(fact for fact in facts if not fact.startswith(prefix))
            changed.append(unanswered)
            changed += [unanswered | {prefix + value} for value in values]
        return [found for found in changed if found != facts]


@dataclass
class Exploration:
    """Every situation reachable under one setting of the choices, and what blocked what."""

    situations: set[tuple[str, Facts]] = field(default_factory=set)
    edges: dict[tuple[str, Facts], set[tuple[str, Facts]]] = field(default_factory=dict)
    fired: set[int] = field(default_factory=set)  # ids of steps taken somewhere
    # step id -> why it could not be taken where its source was reached
    blocked: dict[int, set[str]] = field(default_factory=dict)


def _holdable(registry: Registry, facts: Facts) -> frozenset[str]:
    return frozenset(
        role
        for role in registry.roles
        if role not in registry.role_facts or registry.role_facts[role] in facts
    )


def _part_facts(
    state: Mapping, registry: Registry, facts: Facts, model: Model | None = None
) -> list[PartFact]:
    """What people who can be on the episode may establish in this situation."""
    held = _holdable(registry, facts)
    extra = model.part_facts if model is not None else {}
    return [
        part_fact
        for part, roles in state.get("edit", {}).items()
        if held & set(roles)
        for part_fact in (*registry.part_facts.get(part, ()), *extra.get(part, ()))
        if part_fact.fact not in facts and part_fact.needs <= facts
    ]


def _branching(registry: Registry) -> frozenset[str]:
    """Facts whose recording can disable something: those that clear other facts, and
    those some condition needs to be absent (tried on an empty episode and on a full one).
    Every other fact only ever helps, so the model records them all at once."""
    facts = {part_fact.fact for found in registry.part_facts.values() for part_fact in found}
    branching = {
        part_fact.fact
        for found in registry.part_facts.values()
        for part_fact in found
        if part_fact.clears
    }
    actor = Actor(_ACTOR, frozenset(registry.roles))
    for fact in facts:
        for base in (frozenset(), frozenset(facts - {fact})):
            for condition in registry.conditions.values():
                try:
                    if condition.check(snapshot(base), actor) and not condition.check(
                        snapshot(base | {fact}), actor
                    ):
                        branching.add(fact)
                except AttributeError:  # a condition of another kind of workflow
                    continue
    return frozenset(branching)


def _saturated(
    state: Mapping, registry: Registry, facts: Facts, branching: frozenset[str], model: Model
) -> Facts:
    """The facts with everything helpful that people can record here recorded."""
    while True:
        helpful = {
            part_fact.fact
            for part_fact in _part_facts(state, registry, facts, model)
            if part_fact.fact not in branching
        }
        if not helpful:
            return facts
        facts = facts | helpful


def _after(step: Step, source: str, facts: Facts, registry: Registry) -> Facts:
    changed = set(facts)
    for name in step.effects:
        effect = registry.effects.get(name)
        if effect is None:
            continue
        changed -= effect.clears
        if "state_before_transfer" in effect.clears:
            changed = {fact for fact in changed if not fact.startswith(_TRANSFERRED_FROM)}
        changed |= effect.sets
        if "state_before_transfer" in effect.sets:
            changed.add(_TRANSFERRED_FROM + source)
    return frozenset(changed)


def _came_from(facts: Facts) -> str | None:
    return next(
        (fact.removeprefix(_CAME_FROM) for fact in facts if fact.startswith(_CAME_FROM)), None
    )


def _entered(facts: Facts, source: str, dest: str, returning: set[str]) -> Facts:
    """The facts on entering `dest` from `source`: where it came from, if a step can go
    back from `dest` (a step that stays in its state leaves that unchanged)."""
    if dest == source:
        return facts
    kept = frozenset(fact for fact in facts if not fact.startswith(_CAME_FROM))
    return kept | {_CAME_FROM + source} if dest in returning else kept


def explore(
    spec: Spec,
    registry: Registry,
    selections: Mapping[str, str],
    model: Model | None = None,
) -> Exploration:
    steps = _steps(spec, selections, registry)
    branching = _branching(registry)
    model = model or Model.of(spec, registry, None)

    def situation_at(state_key: str, facts: Facts) -> tuple[str, Facts]:
        state = spec.states[state_key].value
        return state_key, _saturated(state, registry, facts, branching, model)

    # States a step goes back from: there the model remembers where the episode came from.
    returning = {source for step in steps if step.dest == PREVIOUS for source in step.sources}
    found = Exploration()
    start = situation_at(spec.initial.value, model.entering(spec.initial.value, frozenset()))
    found.situations.add(start)
    pending = [start]
    while pending:
        situation = pending.pop()
        state_key, facts = situation
        state = spec.states[state_key].value
        held = _holdable(registry, facts)
        following: set[tuple[str, Facts]] = set()
        for part_fact in _part_facts(state, registry, facts, model):
            edited = (facts - part_fact.clears) | {part_fact.fact}
            following.add(situation_at(state_key, edited))
        for answered in model.answering(state, held, facts):
            following.add(situation_at(state_key, answered))
        judged = snapshot(facts)
        for number, step in enumerate(steps):
            if state_key not in step.sources:
                continue
            takers = step.roles & held
            if not takers and not step.timed:
                found.blocked.setdefault(number, set()).add(
                    "nobody who may take it ("
                    + ", ".join(sorted(step.roles))
                    + ") can be on the episode there"
                )
                continue
            actor = Actor(_ACTOR, takers)
            failing = [
                refusal
                for expression, refusal in step.conditions
                if not expression.holds(judged, actor, registry)
            ]
            dest = _came_from(facts) if step.dest == PREVIOUS else step.dest
            if dest is None:
                failing.append("it is not known where the episode came from")
            if failing:
                found.blocked.setdefault(number, set()).update(failing)
                continue
            found.fired.add(number)
            after = _entered(_after(step, state_key, facts, registry), state_key, dest, returning)
            following.add(situation_at(dest, model.entering(dest, after)))
        found.edges[situation] = following
        for successor in following:
            if successor not in found.situations:
                found.situations.add(successor)
                pending.append(successor)
    found.steps = steps  # type: ignore[attr-defined]
    return found


def _describe(selections: Mapping[str, str]) -> str:
    if not selections:
        return ""
    return " when " + ", ".join(f"{choice} is {option!r}" for choice, option in selections.items())


#: How a problem describes the facts of a situation.
FACT_PHRASES = {
    "has_consent_to_record": "consent to record",
    "has_consent_to_share": "consent to share",
    "consent_refused": "a refusal of consent",
    "consent_withdrawn": "consent withdrawn",
    "assessment_draft": "an assessment being written",
    "assessment_draft_complete": "a complete assessment draft",
    "assessment_completed": "a completed assessment",
    "lead_professional_id": "a lead professional",
    "coordinator": "a coordinator",
    "tac_member": "a team around the child",
    "action_count": "agreed actions",
    "review_count": "a review",
    "closure_form_complete": "a closure form",
    "closure_requested_by_id": "closure requested",
    "state_before_transfer": "a transfer waiting",
    "tac_meeting_count": "a TAC meeting recorded",
}


def _facts_phrase(facts: Facts) -> str:
    shown = sorted(
        _answer_phrase(fact)
        if fact.startswith(_ANSWER)
        else FACT_PHRASES.get(fact, fact.replace("_", " "))
        for fact in facts
        if not fact.startswith((_TRANSFERRED_FROM, _CAME_FROM, _ENTERED))
    )
    return ", ".join(shown) if shown else "nothing recorded yet"


def _answer_phrase(fact: str) -> str:
    question, value = fact.removeprefix(_ANSWER).rsplit("=", 1)
    return f"{question} answered" + ("" if value == ANY_ANSWER else f" {value!r}")


def check(
    spec: Spec,
    registry: Registry,
    combinations: Iterable[Mapping[str, str]],
    forms: Forms | None = None,
) -> list[Problem]:
    """The liveness problems of a spec whose names and graph are already sound."""
    problems: dict[tuple[str, str, str], Problem] = {}
    terminal = spec.terminal_flags()
    model = Model.of(spec, registry, forms)

    def report(located: Located, message: str) -> None:
        file, key = located.file, located.key
        if spec.extends is not None and located.file != spec.file:
            file = spec.file  # a national part broken by an override: say so in the override
        problems.setdefault((file, key, message), Problem(file, key, message))

    for selections in combinations:
        found = explore(spec, registry, selections, model)
        steps: list[Step] = found.steps  # type: ignore[attr-defined]
        under = _describe(selections)
        reached = {state for state, _facts in found.situations}
        for key, state in spec.states.items():
            if key in reached:
                continue
            reasons = sorted(
                {
                    f"{step.trigger!r}: {reason}"
                    for number, step in enumerate(steps)
                    if step.dest == key
                    for reason in found.blocked.get(number, ())
                }
            )
            if not any(step.dest == key for step in steps):
                continue  # the graph check reports a state nothing leads to
            report(
                state,
                f"state {key!r} can never be reached{under}"
                + (": " + "; ".join(reasons) if reasons else ""),
            )
        can_finish = _can_finish(found, terminal)
        stuck: dict[str, Facts] = {}
        for situation in found.situations - can_finish:
            state_key, facts = situation
            # The fewest facts, and of those the first in order: the same words every run.
            if state_key not in stuck or (len(facts), sorted(facts)) < (
                len(stuck[state_key]),
                sorted(stuck[state_key]),
            ):
                stuck[state_key] = facts
        for state_key, facts in stuck.items():
            report(
                spec.states[state_key],
                f"an episode in state {state_key!r} with {_facts_phrase(facts)}{under} can "
                "never be closed: no step anyone can take leads to a terminal state",
            )
        for number, step in enumerate(steps):
            if number in found.fired or not (set(step.sources) & reached):
                continue
            reasons = "; ".join(sorted(found.blocked.get(number, {"it is never offered"})))
            report(step.located, f"step {step.trigger!r} can never be taken{under}: {reasons}")
    return list(problems.values())


def _can_finish(found: Exploration, terminal: Mapping[str, bool]) -> set[tuple[str, Facts]]:
    reverse: dict[tuple[str, Facts], set[tuple[str, Facts]]] = {}
    for situation, following in found.edges.items():
        for successor in following:
            reverse.setdefault(successor, set()).add(situation)
    done = {situation for situation in found.situations if terminal.get(situation[0], False)}
    pending = list(done)
    while pending:
        for earlier in reverse.get(pending.pop(), ()):
            if earlier not in done:
                done.add(earlier)
                pending.append(earlier)
    return done
