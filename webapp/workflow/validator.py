"""Semantic checks on a (merged) workflow spec: the things a schema cannot see.

Each check answers a question a borough administrator would otherwise discover from a
stuck episode: does every name refer to something, can every state be reached, can every
episode finish, is it clear which transition a trigger means, and may anyone take it?
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import product

from webapp.workflow import expressions, liveness
from webapp.workflow.definition import PREVIOUS, entered_from
from webapp.workflow.expressions import Forms
from webapp.workflow.problems import Problem, join_key, not_checked, unknown
from webapp.workflow.registry import Registry
from webapp.workflow.spec import Located, Spec, source_states, when_options

# Names the `transitions` library gives its model; a trigger must not shadow them.
RESERVED_TRIGGERS = frozenset({"trigger", "state"})
RESERVED_PREFIXES = ("to_", "is_", "may_")


def validate(
    spec: Spec,
    registry: Registry,
    notes: list[Problem] | None = None,
    forms: Forms | None = None,
) -> list[Problem]:
    """Every problem of the spec; `notes` gets one line for each layer of checks that the
    problems found kept from running. Structured conditions are checked against `forms`,
    the effective forms of the spec's borough (or the national forms)."""
    notes = [] if notes is None else notes
    problems: list[Problem] = []
    problems += _check_names(spec, registry, forms)
    problems += _check_timed(spec, registry)
    problems += _check_moved_effects(spec)
    choice_problems = _check_choices(spec, registry)
    problems += choice_problems
    if _has_dangling_state(spec) or choice_problems:
        # Graph checks on a graph with dangling edges would only repeat the same mistake.
        notes.append(not_checked(spec.file, "checks of reachability and ways to finish"))
        return problems
    problems += _check_triggers(spec)
    graph_problems = _check_graph(spec)
    problems += graph_problems
    if not graph_problems:
        problems += _check_returns(spec)
    if not registry.part_facts:
        return problems
    if problems:
        notes.append(not_checked(spec.file, "checks of who can take each step"))
    else:
        # Who can take each step, and whether its conditions can ever hold.
        problems += liveness.check(spec, registry, _combinations(spec), forms)
    return problems


def _has_dangling_state(spec: Spec) -> bool:
    named: set[str] = {spec.initial.value}
    for transition in spec.transitions:
        source = transition.value["source"]
        if isinstance(source, dict):
            named.update(source.get("all_open_except", []))
        elif isinstance(source, list):
            named.update(source)
        elif source != "*":
            named.add(source)
        if transition.value["dest"] != PREVIOUS:
            named.add(transition.value["dest"])
    return not named <= spec.states.keys()


def _names(
    located: Located, key: str, names: Iterable[str], kind: str, known: Mapping[str, object]
) -> list[Problem]:
    return _unknown_names(located.file, join_key(located.key, key), names, kind, known)


def _unknown_names(
    file: str, key: str, names: Iterable[str], kind: str, known: Mapping[str, object]
) -> list[Problem]:
    """A problem for each of `names` (listed under `key`) that is not one of `known`."""
    return [
        Problem(file, join_key(key, position), unknown(kind, name, known))
        for position, name in enumerate(names)
        if name not in known
    ]


def _check_names(spec: Spec, registry: Registry, forms: Forms | None) -> list[Problem]:
    problems: list[Problem] = []
    states = spec.states
    if spec.initial.value not in states:
        problems.append(
            Problem(
                spec.initial.file, spec.initial.key, unknown("state", spec.initial.value, states)
            )
        )
    if PREVIOUS in states:
        problems.append(
            Problem(
                states[PREVIOUS].file,
                states[PREVIOUS].key,
                f"{PREVIOUS!r} is reserved: a transition's `dest: {PREVIOUS}` means the state "
                "the episode came from. Give this state another key",
            )
        )
    for state in states.values():
        problems += _names(state, "view", state.value.get("view", []), "role", registry.roles)
        for part, roles in state.value.get("edit", {}).items():
            if part not in registry.parts:
                problems.append(
                    Problem(
                        state.file,
                        join_key(state.key, "edit", part),
                        unknown("episode part", part, registry.parts),
                    )
                )
            problems += _names(state, f"edit.{part}", roles, "role", registry.roles)

    for transition in spec.transitions:
        value = transition.value
        if value["trigger"] in RESERVED_TRIGGERS or value["trigger"].startswith(RESERVED_PREFIXES):
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "trigger"),
                    f"{value['trigger']!r} is reserved by the workflow engine: choose another name",
                )
            )
        roles = value.get("roles", [])
        if not roles and "after_days" not in value:
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "roles"),
                    f"transition {value['trigger']!r} has no roles, so nobody may take it "
                    "(deny by default): list the roles that may",
                )
            )
        problems += _names(transition, "roles", roles, "role", registry.roles)
        if (
            value.get("requires_comment")
            and "comment_label" in value
            and "comment_error" not in value
        ):
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "comment_error"),
                    f"step {value['trigger']!r} asks {value['comment_label']!r} and requires an "
                    "answer: give comment_error, the message shown when it is missing (for "
                    "example 'Enter what has changed')",
                )
            )
        source = value["source"]
        if isinstance(source, list):
            problems += _names(transition, "source", source, "state", states)
        elif isinstance(source, dict):
            excluded = source.get("all_open_except", [])
            problems += _names(transition, "source.all_open_except", excluded, "state", states)
        elif source != "*" and source not in states:
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "source"),
                    unknown("state", source, states),
                )
            )
        if value["dest"] != PREVIOUS and value["dest"] not in states:
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "dest"),
                    unknown("state", value["dest"], states),
                )
            )
        elif not source_states(source, spec.terminal_flags(), value["dest"]):
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "source"),
                    f"transition {value['trigger']!r} has no source state left",
                )
            )
        for position, use in enumerate(value.get("conditions", [])):
            problems += expressions.problems(
                transition.file,
                join_key(transition.key, "conditions", position),
                use,
                registry=registry,
                states=states,
                borough=spec.borough,
                forms=forms,
            )
        problems += _names(
            transition, "effects", value.get("effects", []), "effect", registry.effects
        )
        if "form" in value and value["form"] not in registry.forms:
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "form"),
                    unknown("form", value["form"], registry.forms),
                )
            )

    for worklist in spec.worklists.values():
        value = worklist.value
        if value["states"] != "*":
            problems += _names(worklist, "states", value["states"], "state", states)
        if not value["roles"]:
            problems.append(
                Problem(
                    worklist.file,
                    join_key(worklist.key, "roles"),
                    "worklist has no roles, so nobody would see it",
                )
            )
        problems += _names(worklist, "roles", value["roles"], "role", registry.roles)
        if "filter" in value and value["filter"] not in registry.worklist_filters:
            problems.append(
                Problem(
                    worklist.file,
                    join_key(worklist.key, "filter"),
                    unknown("worklist filter", value["filter"], registry.worklist_filters),
                )
            )
    return problems


def _check_triggers(spec: Spec) -> list[Problem]:
    """One trigger, one meaning per state: otherwise a button could lead to two places."""
    problems: list[Problem] = []
    terminal = spec.terminal_flags()
    seen: dict[tuple[str, str], Located] = {}
    for transition in spec.transitions:
        trigger = transition.value["trigger"]
        for state in source_states(transition.value["source"], terminal, transition.value["dest"]):
            first = seen.setdefault((state, trigger), transition)
            if first is not transition:
                problems.append(
                    Problem(
                        transition.file,
                        join_key(transition.key, "trigger"),
                        f"duplicate trigger {trigger!r} from state {state!r} "
                        f"(also at {first.file} {first.key}): a trigger may leave a state "
                        "only once",
                    )
                )
    return problems


def _combinations(spec: Spec) -> Iterator[dict[str, str]]:
    """Every way the choices can be set ({} once when there are none)."""
    keys = list(spec.choices)
    options = [list(spec.choices[key].value["options"]) for key in keys]
    for picked in product(*options):
        yield dict(zip(keys, picked, strict=True))


def _applies(transition: Located, selections: Mapping[str, str]) -> bool:
    return all(
        selections.get(choice) in options
        for choice, options in when_options(transition.value).items()
    )


def _check_graph(spec: Spec) -> list[Problem]:
    """Every state must be reachable under some setting of the choices, and under every
    setting where it is reachable an episode there must be able to finish."""
    terminal = spec.terminal_flags()
    reachable_somewhere: set[str] = set()
    stuck: dict[str, dict[str, str]] = {}
    for selections in _combinations(spec):
        edges: dict[str, set[str]] = {key: set() for key in spec.states}
        moves = [
            (source_states(t.value["source"], terminal, t.value["dest"]), t.value["dest"])
            for t in spec.transitions
            if _applies(t, selections)
        ]
        came_from = entered_from(moves)
        for sources, dest in moves:
            for source in sources:
                edges[source] |= came_from.get(source, set()) if dest == PREVIOUS else {dest}
        reachable = _closure({spec.initial.value}, edges)
        reverse: dict[str, set[str]] = {key: set() for key in spec.states}
        for source, destinations in edges.items():
            for dest in destinations:
                reverse[dest].add(source)
        finished = {key for key, is_terminal in terminal.items() if is_terminal}
        can_finish = _closure(finished, reverse)
        reachable_somewhere |= reachable
        for key in reachable - can_finish:
            stuck.setdefault(key, selections)

    problems: list[Problem] = []
    for key, state in spec.states.items():
        file, where = _graph_location(spec, state)
        if key not in reachable_somewhere:
            problems.append(
                Problem(
                    file,
                    where,
                    f"state {key!r} cannot be reached from the initial state "
                    f"{spec.initial.value!r}: add a transition into it or remove it",
                )
            )
        elif key in stuck:
            under = ", ".join(f"{choice} is {option!r}" for choice, option in stuck[key].items())
            problems.append(
                Problem(
                    file,
                    where,
                    f"state {key!r} has no path to a terminal state"
                    + (f" when {under}" if under else "")
                    + ": an episode there could never be closed",
                )
            )
    return problems


def _check_returns(spec: Spec) -> list[Problem]:
    """`dest: previous` needs a state the history can name: not the initial state (an
    episode starts there without a step), and not a state entered from a terminal one (a
    transfer accepted from another borough's workflow, a reopened episode), where going
    back would end or leave the CAF."""
    problems: list[Problem] = []
    terminal = spec.terminal_flags()
    entering: dict[str, list[str]] = {}
    for transition in spec.transitions:
        value = transition.value
        for source in source_states(value["source"], terminal, value["dest"]):
            if terminal[source] and value["dest"] != PREVIOUS:
                entering.setdefault(value["dest"], []).append(value["trigger"])
    for transition in spec.transitions:
        value = transition.value
        if value["dest"] != PREVIOUS:
            continue
        for source in source_states(value["source"], terminal, value["dest"]):
            if source == spec.initial.value:
                reason = f"an episode starts in {source!r} without a step"
            elif source in entering:
                steps = ", ".join(repr(trigger) for trigger in sorted(set(entering[source])))
                reason = f"{source!r} is entered from a finished state (by {steps})"
            else:
                continue
            problems.append(
                Problem(
                    transition.file,
                    join_key(transition.key, "dest"),
                    f"step {value['trigger']!r} cannot go back to where the episode came from "
                    f"in state {source!r}: {reason}, so there may be nowhere to go back to. "
                    "Name its destination, or leave that state out of its source",
                )
            )
    return problems


def _check_timed(spec: Spec, registry: Registry) -> list[Problem]:
    """A timed step is taken by the system: nobody may take it by hand, there is nobody to
    ask for a comment or a form, and only effects that need no person can run."""
    problems: list[Problem] = []
    for transition in spec.transitions:
        value = transition.value
        if "after_days" not in value:
            continue
        for key in ("roles", "requires_comment", "form", "confirmation", "refusal"):
            if key in value:
                problems.append(
                    Problem(
                        transition.file,
                        join_key(transition.key, key),
                        f"step {value['trigger']!r} is timed (after_days): the system takes "
                        f"it, so it cannot have {key}",
                    )
                )
        after = value["after_days"]
        if isinstance(after, dict):
            option = spec.options.get(after["option"])
            if not isinstance(option, int) or isinstance(option, bool) or option < 1:
                problems.append(
                    Problem(
                        transition.file,
                        join_key(transition.key, "after_days", "option"),
                        f"the workflow has no option {after['option']!r} giving a number of "
                        f"days (its options: {', '.join(sorted(spec.options)) or 'none'})",
                    )
                )
        for position, name in enumerate(value.get("effects", [])):
            effect = registry.effects.get(name)
            if effect is not None and not effect.unattended:
                problems.append(
                    Problem(
                        transition.file,
                        join_key(transition.key, "effects", position),
                        f"the effect {name!r} needs a person to take the step, and a timed "
                        "step has none",
                    )
                )
    return problems


def _check_moved_effects(spec: Spec) -> list[Problem]:
    """An effect moved to a later step must be run there, from where this step leads, and
    not here as well: otherwise it would be lost (or run twice) without anyone noticing."""
    problems: list[Problem] = []
    terminal = spec.terminal_flags()
    for transition in spec.transitions:
        value = transition.value
        for effect, trigger in value.get("move_effects", {}).items():
            key = join_key(transition.key, "move_effects", effect)
            later = [t.value for t in spec.transitions if t.value["trigger"] == trigger]
            leaving = [
                t for t in later if value["dest"] in source_states(t["source"], terminal, t["dest"])
            ]
            if effect in value.get("effects", []):
                message = f"{effect!r} is both run here and moved to {trigger!r}: choose one"
            elif not later:
                message = unknown(
                    "transition", trigger, {t.value["trigger"]: t for t in spec.transitions}
                )
            elif not leaving:
                message = (
                    f"moves {effect!r} to {trigger!r}, which is not a step out of "
                    f"{value['dest']!r}, where this step leads"
                )
            elif missing := [t["trigger"] for t in later if effect not in t.get("effects", [])]:
                message = (
                    f"moves {effect!r} to {missing[0]!r}, which does not run it: add it to "
                    "that step's effects"
                )
            else:
                continue
            problems.append(Problem(transition.file, key, message))
    return problems


def _check_choices(spec: Spec, registry: Registry) -> list[Problem]:
    """Choices refer to real transitions, worklists and roles; a transition's `when` names
    a real choice and real options of it."""
    problems: list[Problem] = []
    triggers = {transition.value["trigger"]: transition for transition in spec.transitions}
    for located in spec.choices.values():
        value = located.value
        options = value["options"]
        if value["default"] not in options:
            problems.append(
                Problem(
                    located.file,
                    join_key(located.key, "default"),
                    unknown("option", value["default"], options),
                )
            )
        for option_key, option in options.items():
            where = join_key(located.key, "options", option_key)
            for trigger, roles in option.get("roles", {}).items():
                key = join_key(where, "roles", trigger)
                if trigger not in triggers:
                    problems.append(
                        Problem(located.file, key, unknown("transition", trigger, triggers))
                    )
                    continue
                if "after_days" in triggers[trigger].value:
                    problems.append(
                        Problem(
                            located.file,
                            key,
                            f"{trigger!r} is timed (after_days): the system takes it, so no "
                            "option can give it roles",
                        )
                    )
                    continue
                if not roles:
                    problems.append(
                        Problem(
                            located.file,
                            key,
                            f"gives transition {trigger!r} no roles, so nobody may take it "
                            "(deny by default): list the roles that may",
                        )
                    )
                problems += _unknown_names(located.file, key, roles, "role", registry.roles)
            for trigger in option.get("refusal", {}):
                if trigger not in option.get("roles", {}):
                    problems.append(
                        Problem(
                            located.file,
                            join_key(where, "refusal", trigger),
                            f"a refusal for {trigger!r} needs roles for it in the same option",
                        )
                    )
            for worklist, roles in option.get("worklist_roles", {}).items():
                key = join_key(where, "worklist_roles", worklist)
                if worklist not in spec.worklists:
                    problems.append(
                        Problem(located.file, key, unknown("worklist", worklist, spec.worklists))
                    )
                    continue
                problems += _unknown_names(located.file, key, roles, "role", registry.roles)
    for transition in spec.transitions:
        for choice, wanted in when_options(transition.value).items():
            key = join_key(transition.key, "when", choice)
            if choice not in spec.choices:
                problems.append(
                    Problem(transition.file, key, unknown("choice", choice, spec.choices))
                )
                continue
            offered = spec.choices[choice].value["options"]
            problems += [
                Problem(transition.file, key, unknown("option", option, offered))
                for option in wanted
                if option not in offered
            ]
    return problems


def _graph_location(spec: Spec, state: Located) -> tuple[str, str]:
    """A national state broken by an override is reported in the override's file."""
    if spec.extends is not None and state.file != spec.file:
        return spec.file, state.key
    return state.file, state.key


def _closure(start: set[str], edges: Mapping[str, set[str]]) -> set[str]:
    found = set(start)
    pending = list(start)
    while pending:
        for following in edges.get(pending.pop(), set()):
            if following not in found:
                found.add(following)
                pending.append(following)
    return found
