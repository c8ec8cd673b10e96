"""Pictures of a workflow, so that a borough administrator can see the process they
configure: Mermaid `stateDiagram-v2` text (drawn in the browser by the `mermaid` npm
package) and Graphviz DOT text (rendered to SVG by Debian's `graphviz`).

Both are generated from the loaded definition, never hand-drawn, so they cannot drift.
Labels are the titles people read on the episode page.
"""

from __future__ import annotations

from collections import defaultdict

from webapp.workflow.definition import WorkflowDefinition

FORMATS = ("mermaid", "dot")


def _edges(definition: WorkflowDefinition) -> dict[tuple[str, str], list[str]]:
    """Transitions grouped by (source, dest); wildcard sources are already expanded. A step
    back to where the episode came from is drawn to every state it may have come from, and
    a timed step says after how long the system takes it."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    came_from = definition.entered_from()
    for transition in definition.transitions:
        title = transition.title
        if transition.timed:
            title += f" (after {transition.after_days} days)"
        if transition.returns:
            title += " (back)"
        for source in transition.source:
            dests = sorted(came_from.get(source, ())) if transition.returns else [transition.dest]
            for dest in dests:
                if title not in edges[(source, dest)]:
                    edges[(source, dest)].append(title)
    return edges


def _mermaid_text(text: str) -> str:
    # Mermaid ends a label at a colon or semicolon, and "#" starts an entity code.
    return " ".join(text.replace(":", " -").replace(";", ",").replace("#", "no.").split())


def mermaid(definition: WorkflowDefinition) -> str:
    lines = [
        "---",
        f"title: {_mermaid_text(definition.title)} ({definition.ref})",
        "---",
        "stateDiagram-v2",
    ]
    for key, state in definition.states.items():
        lines.append(f"    {key}: {_mermaid_text(state.title)}")
    lines.append(f"    [*] --> {definition.initial}")
    for (source, dest), titles in _edges(definition).items():
        lines.append(f"    {source} --> {dest}: {_mermaid_text(' / '.join(titles))}")
    for key in definition.terminal_states:
        lines.append(f"    {key} --> [*]")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _dot_string(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def dot(definition: WorkflowDefinition) -> str:
    lines = [
        f"digraph {_dot_string(str(definition.ref))} {{",
        f"    label={_dot_string(definition.title)};",
        "    labelloc=t;",
        "    rankdir=LR;",
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
        '    "__start__" [shape=point, width=0.2, label=""];',
        f'    "__start__" -> {_dot_string(definition.initial)};',
    ]
    for key, state in definition.states.items():
        extra = ", peripheries=2" if state.terminal else ""
        lines.append(f"    {_dot_string(key)} [label={_dot_string(state.title)}{extra}];")
    for (source, dest), titles in _edges(definition).items():
        label = '"' + "\\n".join(_dot_escape(title) for title in titles) + '"'
        lines.append(f"    {_dot_string(source)} -> {_dot_string(dest)} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(definition: WorkflowDefinition, output_format: str = "mermaid") -> str:
    if output_format == "mermaid":
        return mermaid(definition)
    if output_format == "dot":
        return dot(definition)
    raise ValueError(f"Unknown diagram format {output_format!r}: use one of {', '.join(FORMATS)}")
