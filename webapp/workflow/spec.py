"""A workflow definition between parsing and building: raw YAML values that remember which
file and key each came from, so that problems found after a borough override has been
merged onto the national definition still point at the line to fix.

Override rules (see workflows/README.md):

- `states`: a state with a new key is added. A state with an existing key changes only the
  keys it names (`title`, `description`, `terminal`, `view`); its `edit` changes only the
  parts it names (`[]`: nobody may edit that part there). A national step written with a
  wildcard source (`"*"`, `all_open_except`) that now also leaves a state the borough
  added must be acknowledged in that state's `wildcard_steps`, or restated in the override.
- `transitions`: transitions are matched by trigger. If the override lists a trigger, every
  national transition with that trigger is replaced by the override's transitions with it;
  other triggers are added. A replacement keeps every condition and effect the national
  rule had for the same source states (a borough may add guards, never drop them).
- `remove_transitions`: triggers to drop; a `core` transition cannot be removed.
- `worklists`: added or replaced by key. `options`: merged by key.
- `choices`: added or replaced by key; `choice_defaults` gives a national choice another of
  its options as the default, and leaves the rest of it as it is.
- `initial` is always the national one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.workflow.definition import WorkflowRef
from webapp.workflow.expressions import canonical
from webapp.workflow.problems import Problem, join_key, unknown


@dataclass(frozen=True)
class Located:
    """A raw value and where it was written."""

    value: Any
    file: str
    key: str


@dataclass
class Spec:
    file: str
    id: str
    version: int
    title: str
    description: str
    initial: Located
    states: dict[str, Located]
    transitions: list[Located]
    worklists: dict[str, Located]
    options: dict[str, Any] = field(default_factory=dict)
    choices: dict[str, Located] = field(default_factory=dict)
    borough: str | None = None
    extends: WorkflowRef | None = None

    @property
    def ref(self) -> WorkflowRef:
        return WorkflowRef(self.id, self.version)

    def terminal_flags(self) -> dict[str, bool]:
        return {key: bool(state.value.get("terminal", False)) for key, state in self.states.items()}


def national_spec(file: str, data: Mapping[str, Any]) -> Spec:
    """Wrap a schema-valid national definition."""
    return Spec(
        file=file,
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        initial=Located(data["initial"], file, "initial"),
        states={
            key: Located(value, file, join_key("states", key))
            for key, value in data["states"].items()
        },
        transitions=[
            Located(value, file, join_key("transitions", position))
            for position, value in enumerate(data["transitions"])
        ],
        worklists={
            key: Located(value, file, join_key("worklists", key))
            for key, value in data.get("worklists", {}).items()
        },
        options=dict(data.get("options", {})),
        choices={
            key: Located(value, file, join_key("choices", key))
            for key, value in data.get("choices", {}).items()
        },
    )


def source_states(raw: Any, terminal: Mapping[str, bool], dest: str) -> tuple[str, ...]:
    """Expand a transition's `source`: a name, a list, `*` (every open state) or
    `{all_open_except: [...]}`. The wildcards never include the destination itself, and are
    expanded after overrides are merged, so a borough's extra state is covered too."""
    if isinstance(raw, str) and raw != "*":
        return (raw,)
    if isinstance(raw, list):
        return tuple(raw)
    excluded = set(raw.get("all_open_except", [])) if isinstance(raw, dict) else set()
    return tuple(
        key
        for key, is_terminal in terminal.items()
        if not is_terminal and key != dest and key not in excluded
    )


def when_options(transition: Mapping[str, Any]) -> dict[str, list[str]]:
    """A transition's `when`, each choice with the list of options it applies under."""
    return {
        choice: [options] if isinstance(options, str) else list(options)
        for choice, options in transition.get("when", {}).items()
    }


def condition_names(transition: Mapping[str, Any]) -> list[str]:
    """Each condition by its name; a structured one by its written text, without its
    refusal (so that an override can be seen to keep it)."""
    return [canonical(use) for use in transition.get("conditions", [])]


def apply_override(base: Spec, file: str, data: Mapping[str, Any]) -> tuple[Spec, list[Problem]]:
    """Merge a schema-valid override onto its national spec."""
    states = dict(base.states)
    problems: list[Problem] = []
    for key, value in data.get("states", {}).items():
        national = base.states.get(key)
        if national is None and "title" not in value:
            message = "is missing a required key: title (a state the national workflow lacks)"
            problems.append(Problem(file, join_key("states", key), message))
        merged_value = value if national is None else _merge_state(national.value, value)
        states[key] = Located(merged_value, file, join_key("states", key))

    overriding = [
        Located(value, file, join_key("transitions", position))
        for position, value in enumerate(data.get("transitions", []))
    ]
    removed, removal_problems = _removals(base, file, data, overriding)
    problems += removal_problems
    transitions = _merge_transitions(base.transitions, overriding, removed)
    choices = {
        **base.choices,
        **{
            key: Located(value, file, join_key("choices", key))
            for key, value in data.get("choices", {}).items()
        },
    }
    problems += _set_defaults(choices, base, file, data)

    merged = Spec(
        file=file,
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", base.description),
        initial=base.initial,
        states=states,
        transitions=transitions,
        worklists={
            **base.worklists,
            **{
                key: Located(value, file, join_key("worklists", key))
                for key, value in data.get("worklists", {}).items()
            },
        },
        options={**base.options, **data.get("options", {})},
        choices=choices,
        borough=data["borough"],
        extends=WorkflowRef(data["extends"]["id"], data["extends"]["version"]),
    )
    problems += _weakened(base, merged, overriding)
    problems += _unacknowledged_wildcards(base, merged, file, data)
    return merged, problems


def _merge_state(national: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """An override of a national state changes only the keys it names, and only the edit
    parts it names: renaming a state must not silently take away who may see it."""
    edit = {**national.get("edit", {}), **override.get("edit", {})}
    merged = {**national, **override}
    if edit:
        merged["edit"] = edit
    return merged


def _unacknowledged_wildcards(
    base: Spec, merged: Spec, file: str, data: Mapping[str, Any]
) -> list[Problem]:
    """A national step written with a wildcard source reaches every open state, including
    the ones a borough adds, which the national definition never weighed (a transfer out
    of a state before the assessment, a withdrawal whose resumption skips the borough's
    own stage). The borough must say so in the state (`wildcard_steps`) or restate the
    step's source; a listed step that does not reach the state is refused too."""
    terminal = merged.terminal_flags()
    reaching: dict[str, list[str]] = {key: [] for key in merged.states}
    for located in merged.transitions:
        value = located.value
        if located.file != base.file or not _is_wildcard(value["source"]):
            continue
        for state in source_states(value["source"], terminal, value["dest"]):
            if value["trigger"] not in reaching[state]:
                reaching[state].append(value["trigger"])
    problems: list[Problem] = []
    for key, value in data.get("states", {}).items():
        accepted = value.get("wildcard_steps", [])
        state_key = join_key("states", key)
        for position, trigger in enumerate(accepted):
            if trigger not in reaching[key]:
                problems.append(
                    Problem(
                        file,
                        join_key(state_key, "wildcard_steps", position),
                        f"{trigger!r} is not a step of {base.ref} whose wildcard source "
                        f"reaches {key!r}: remove it",
                    )
                )
        if key in base.states:
            continue
        for trigger in reaching[key]:
            if trigger not in accepted:
                problems.append(
                    Problem(
                        file,
                        state_key,
                        f"step {trigger!r} (wildcard source in {base.ref}) now also leaves "
                        f"borough state {key!r}: list it in this state's wildcard_steps to "
                        "accept it, or restate the step's source in this file to leave the "
                        "state out",
                    )
                )
    return problems


def _is_wildcard(source: Any) -> bool:
    return source == "*" or isinstance(source, dict)


def _removals(
    base: Spec, file: str, data: Mapping[str, Any], overriding: list[Located]
) -> tuple[set[str], list[Problem]]:
    """The triggers the override may remove; a refused removal is not applied, so that it
    is reported once rather than again as the broken graph it would leave."""
    replaced = {located.value["trigger"] for located in overriding}
    core = {item.value["trigger"] for item in base.transitions if item.value.get("core", False)}
    known = {item.value["trigger"] for item in base.transitions}
    removable: set[str] = set()
    problems: list[Problem] = []
    for position, trigger in enumerate(data.get("remove_transitions", [])):
        key = join_key("remove_transitions", position)
        if trigger not in known:
            message = f"{base.ref} has no transition {trigger!r} to remove"
        elif trigger in replaced:
            message = f"{trigger!r} is both removed and redefined: choose one"
        elif trigger in core:
            message = f"{trigger!r} is a core transition of {base.ref} and cannot be removed"
        else:
            removable.add(trigger)
            continue
        problems.append(Problem(file, key, message))
    return removable, problems


def _set_defaults(
    choices: dict[str, Located], base: Spec, file: str, data: Mapping[str, Any]
) -> list[Problem]:
    """Apply `choice_defaults`: a national choice runs another of its own options when a
    borough has chosen nothing, without the override copying the choice. A default that is
    refused is not applied, so the choice keeps the national one."""
    problems: list[Problem] = []
    for choice, option in data.get("choice_defaults", {}).items():
        key = join_key("choice_defaults", choice)
        located = base.choices.get(choice)
        if choice in data.get("choices", {}):
            message = f"{choice!r} is defined in this file's choices: give its default there"
        elif located is None:
            message = f"{base.ref} has no such choice: {unknown('choice', choice, base.choices)}"
        elif option not in located.value["options"]:
            options = located.value["options"]
            message = f"{choice!r} has no such option: {unknown('option', option, options)}"
        else:
            value = {**located.value, "default": option}
            choices[choice] = Located(value, located.file, located.key)
            continue
        problems.append(Problem(file, key, message))
    return problems


def _merge_transitions(
    national: list[Located], overriding: list[Located], removed: set[str]
) -> list[Located]:
    """Replacements take the national transition's place (pages list steps in definition
    order); new triggers follow the national ones."""
    by_trigger: dict[str, list[Located]] = {}
    for located in overriding:
        by_trigger.setdefault(located.value["trigger"], []).append(located)
    merged: list[Located] = []
    for located in national:
        trigger = located.value["trigger"]
        if trigger in removed:
            continue
        if trigger in by_trigger:
            merged += by_trigger.pop(trigger)
        elif not any(item.value["trigger"] == trigger for item in overriding):
            merged.append(located)
    return merged + [located for group in by_trigger.values() for located in group]


def _weakened(base: Spec, merged: Spec, overriding: list[Located]) -> list[Problem]:
    """A replacement transition must keep the guards and effects of the national one."""
    problems: list[Problem] = []
    terminal = merged.terminal_flags()
    for located in overriding:
        trigger = located.value["trigger"]
        national = [item.value for item in base.transitions if item.value["trigger"] == trigger]
        if not national:
            continue
        sources = set(source_states(located.value["source"], terminal, located.value["dest"]))
        overlapping = [
            value
            for value in national
            if sources & set(source_states(value["source"], terminal, value["dest"]))
        ] or national
        kept_conditions = set(condition_names(located.value))
        # An effect moved to a later step is kept: the validator checks that step runs it.
        kept_effects = set(located.value.get("effects", [])) | set(
            located.value.get("move_effects", {})
        )
        for kind, kept, required in (
            ("condition", kept_conditions, _common(condition_names(v) for v in overlapping)),
            ("effect", kept_effects, _common(v.get("effects", []) for v in overlapping)),
        ):
            for name in sorted(required - kept):
                problems.append(
                    Problem(
                        located.file,
                        join_key(located.key, f"{kind}s"),
                        f"drops the {kind} {name!r} that {base.ref} has for {trigger!r}: "
                        f"a borough may add {kind}s to a transition, never remove them"
                        + (
                            " (it may move an effect to a later step with move_effects)"
                            if kind == "effect"
                            else ""
                        ),
                    )
                )
    return problems


def _common(name_lists: Any) -> set[str]:
    sets = [set(names) for names in name_lists]
    return set.intersection(*sets) if sets else set()
