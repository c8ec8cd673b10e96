"""Loading workflow definitions: files -> schema -> override merge -> checks -> values.

Nothing half-valid is ever built: a file with any problem yields no definition, and
`load_catalogue` raises so that the app refuses to start with messages that name the file,
the key and the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from webapp.workflow import published
from webapp.workflow.catalogue import Catalogue
from webapp.workflow.definition import (
    Choice,
    ChoiceOption,
    ConditionUse,
    State,
    Transition,
    WorkflowDefinition,
    Worklist,
)
from webapp.workflow.documents import Document, read_document
from webapp.workflow.expressions import Forms, canonical, parse_use
from webapp.workflow.problems import DefinitionError, Problem, in_file_order, not_checked
from webapp.workflow.registry import DEFAULT_REGISTRY, Registry
from webapp.workflow.schema import is_override, schema_problems
from webapp.workflow.spec import Spec, apply_override, national_spec, source_states, when_options
from webapp.workflow.validator import validate


@dataclass
class LoadResult:
    definitions: list[WorkflowDefinition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Which layers of checks the problems kept from running, file by file.
    notes: list[Problem] = field(default_factory=list)


#: The folder of workflows that run administration records (publishing a borough's form
#: changes), not episodes: they have a vocabulary of their own and load separately.
ADMINISTRATION = "administration"


def definition_files(directory: Path, *, administration: bool = False) -> list[Path]:
    """Every episode workflow file under `directory` in a stable order (with
    `administration`: only the administration workflows)."""
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix in {".yaml", ".yml"}
        and path.is_file()
        and (path.relative_to(directory).parts[0] == ADMINISTRATION) == administration
    )


def load_directory(
    directory: Path, registry: Registry = DEFAULT_REGISTRY, forms: Forms | None = None
) -> LoadResult:
    """Load the episode workflows under `directory`; a published file changed in place, or
    gone, is a problem too (webapp/workflow/published.py). Structured conditions are
    checked against `forms` (the form definitions)."""
    result = load_files(definition_files(directory), registry, forms)
    result.problems = in_file_order(result.problems + published.folder_problems(directory))
    return result


def load_catalogue(
    directory: Path, registry: Registry = DEFAULT_REGISTRY, forms: Forms | None = None
) -> Catalogue:
    """Load every definition under `directory`, or raise DefinitionError listing problems.
    Structured conditions are checked against `forms` (the form definitions)."""
    result = load_directory(directory, registry, forms)
    if result.problems:
        raise DefinitionError(result.problems)
    return Catalogue(result.definitions)


def load_files(
    paths: Iterable[Path], registry: Registry = DEFAULT_REGISTRY, forms: Forms | None = None
) -> LoadResult:
    return load_documents([read_document(path) for path in paths], registry, forms)


def load_documents(
    read: Iterable[Document], registry: Registry = DEFAULT_REGISTRY, forms: Forms | None = None
) -> LoadResult:
    """Load parsed definitions (files, or texts published in the browser) together: an
    override is checked against the national definition it extends among them."""
    result = LoadResult()
    documents: dict[str, Document] = {}
    national: list[Document] = []
    overrides: list[Document] = []
    for document in read:
        documents[document.file] = document
        problems = document.problems or schema_problems(document.file, document.data)
        result.problems += problems
        if problems and not document.problems:
            result.notes.append(not_checked(document.file, "checks of names, steps and graph"))
        if not problems:
            (overrides if is_override(document.data) else national).append(document)

    specs: dict[tuple[str, int], Spec] = {}
    usable: set[tuple[str, int]] = set()
    for document in national:
        spec = national_spec(document.file, document.data)
        if _duplicate(spec, specs, result):
            continue
        specs[(spec.id, spec.version)] = spec
        problems = validate(spec, registry, result.notes, forms)
        result.problems += problems
        if not problems:
            usable.add((spec.id, spec.version))
            result.definitions.append(build(spec, registry))

    boroughs: dict[str, str] = {}
    national_specs = dict(specs)
    for document in overrides:
        data = document.data
        wanted = (data["extends"]["id"], data["extends"]["version"])
        base = national_specs.get(wanted)
        if data["id"] == wanted[0]:
            message = f"must differ from {wanted[0]!r}, the workflow it extends"
            result.problems.append(Problem(document.file, "id", message))
            continue
        if base is None or wanted not in usable:
            result.problems.append(_missing_base(document, wanted, base, overrides, national_specs))
            continue
        spec, problems = apply_override(base, document.file, data)
        if _duplicate(spec, specs, result):
            continue
        specs[(spec.id, spec.version)] = spec
        owner = boroughs.setdefault(spec.borough or "", spec.id)
        if owner != spec.id:
            problems.append(
                Problem(
                    document.file,
                    "borough",
                    f"borough {spec.borough!r} already has the workflow {owner!r}: give new "
                    "versions of it the same id",
                )
            )
        problems += validate(spec, registry, result.notes, forms)
        result.problems += problems
        if not problems:
            result.definitions.append(build(spec, registry))

    result.problems = in_file_order(_with_line(problem, documents) for problem in result.problems)
    return result


def _duplicate(spec: Spec, specs: dict[tuple[str, int], Spec], result: LoadResult) -> bool:
    other = specs.get((spec.id, spec.version))
    if other is None:
        return False
    result.problems.append(
        Problem(
            spec.file,
            "version",
            f"{spec.ref} is already defined in {other.file}: a published version never "
            "changes, so give this one a new version number",
        )
    )
    return True


def _missing_base(
    document: Document,
    wanted: tuple[str, int],
    base: Spec | None,
    overrides: list[Document],
    national_specs: dict[tuple[str, int], Spec],
) -> Problem:
    name = f"{wanted[0]} version {wanted[1]}"
    if base is not None:
        message = f"extends {name}, which has problems of its own: fix those first"
    elif any(other.data["id"] == wanted[0] for other in overrides):
        message = f"extends {name}, which is a borough override: extend a national workflow"
    else:
        versions = sorted(version for (id_, version) in national_specs if id_ == wanted[0])
        known = f" (versions found: {', '.join(map(str, versions))})" if versions else ""
        message = f"extends {name}, which was not found{known}"
    return Problem(document.file, "extends", message)


def _with_line(problem: Problem, documents: dict[str, Document]) -> Problem:
    document = documents.get(problem.file)
    if problem.line is not None or document is None:
        return problem
    return Problem(problem.file, problem.key, problem.message, document.line_of(problem.key))


def build(spec: Spec, registry: Registry) -> WorkflowDefinition:
    """Turn a valid spec into immutable values; wildcards and default wording resolved."""
    terminal = spec.terminal_flags()
    states = {
        key: State(
            key=key,
            title=located.value["title"],
            description=located.value.get("description", ""),
            terminal=terminal[key],
            view=frozenset(located.value.get("view", [])),
            edit=MappingProxyType(
                {part: frozenset(roles) for part, roles in located.value.get("edit", {}).items()}
            ),
        )
        for key, located in spec.states.items()
    }
    transitions = tuple(
        _transition(located.value, terminal, registry, spec.options) for located in spec.transitions
    )
    worklists = {
        key: Worklist(
            key=key,
            title=located.value["title"],
            states=frozenset(
                [state for state, is_terminal in terminal.items() if not is_terminal]
                if located.value["states"] == "*"
                else located.value["states"]
            ),
            roles=frozenset(located.value["roles"]),
            filter=located.value.get("filter"),
            description=located.value.get("description", ""),
        )
        for key, located in spec.worklists.items()
    }
    written = WorkflowDefinition(
        id=spec.id,
        version=spec.version,
        title=spec.title,
        description=spec.description,
        initial=spec.initial.value,
        states=MappingProxyType(states),
        transitions=transitions,
        worklists=MappingProxyType(worklists),
        options=MappingProxyType(dict(spec.options)),
        borough=spec.borough,
        extends=spec.extends,
        source=spec.file,
        choices=MappingProxyType(
            {
                key: _choice(key, located.value, transitions, registry)
                for key, located in spec.choices.items()
            }
        ),
    )
    # What runs unless a borough chose otherwise: every choice at its default.
    return written.with_choices(None)


def _choice(
    key: str, value: dict[str, Any], transitions: tuple[Transition, ...], registry: Registry
) -> Choice:
    titles = {transition.trigger: transition.title for transition in transitions}
    options = {}
    for option_key, option in value["options"].items():
        roles = {
            trigger: [role for role in registry.roles if role in names]
            for trigger, names in option.get("roles", {}).items()
        }
        refusals = {
            trigger: option.get("refusal", {}).get(trigger)
            or _roles_refusal(names, titles[trigger], registry)
            for trigger, names in roles.items()
        }
        options[option_key] = ChoiceOption(
            key=option_key,
            title=option["title"],
            description=option.get("description", ""),
            roles=MappingProxyType({trigger: frozenset(names) for trigger, names in roles.items()}),
            refusals=MappingProxyType(refusals),
            worklist_roles=MappingProxyType(
                {
                    worklist: frozenset(names)
                    for worklist, names in option.get("worklist_roles", {}).items()
                }
            ),
        )
    return Choice(
        key=key,
        title=value["title"],
        description=value.get("description", ""),
        default=value["default"],
        options=MappingProxyType(options),
    )


def _transition(
    value: dict[str, Any], terminal: dict[str, bool], registry: Registry, options: dict[str, Any]
) -> Transition:
    roles = [role for role in registry.roles if role in value.get("roles", [])]
    title = value["title"]
    after = value.get("after_days")
    after_days = options[after["option"]] if isinstance(after, dict) else after
    conditions = tuple(
        ConditionUse(use, registry.conditions[use].refusal)
        if isinstance(use, str)
        else ConditionUse(
            use["condition"], use.get("refusal", registry.conditions[use["condition"]].refusal)
        )
        if "condition" in use
        else ConditionUse(canonical(use), use["refusal"], parse_use(use))
        for use in value.get("conditions", [])
    )
    return Transition(
        trigger=value["trigger"],
        title=title,
        source=source_states(value["source"], terminal, value["dest"]),
        dest=value["dest"],
        roles=frozenset(roles),
        conditions=conditions,
        effects=tuple(value.get("effects", [])),
        form=value.get("form"),
        requires_comment=value.get("requires_comment", False),
        comment_label=value.get("comment_label", "Comment"),
        comment_error=value.get("comment_error") or _comment_error(title),
        confirmation=value.get("confirmation"),
        roles_refusal=value.get("refusal")
        or (
            f"Nobody takes this step: it happens by itself after {after_days} days"
            if after_days is not None
            else _roles_refusal(roles, title, registry)
        ),
        core=value.get("core", False),
        from_any_stage=value["source"] == "*" or isinstance(value["source"], dict),
        when=MappingProxyType(
            {choice: frozenset(names) for choice, names in when_options(value).items()}
        ),
        after_days=after_days,
    )


def _comment_error(title: str) -> str:
    """ "Enter a comment to restart the CAF": the missing-comment error when the step keeps
    the plain "Comment" box (a step with its own label gives `comment_error`)."""
    return f"Enter a comment to {_action(title)}"


def _action(title: str) -> str:
    """ "Approve closure" -> "approve closure"; "CAF ..." keeps its capitals."""
    return title[0].lower() + title[1:] if title[1:2].islower() else title


def _roles_refusal(roles: list[str], title: str, registry: Registry) -> str:
    """ "Only a manager can approve closure": who may, in words, from the role names."""
    phrases = [registry.role_phrase(role) for role in roles]
    who = phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} or {phrases[-1]}"
    return f"Only {who} can {_action(title)}"
