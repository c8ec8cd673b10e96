"""Reading a YAML definition file, remembering where each key is.

PyYAML's `safe_load` forgets line numbers and silently keeps the last of two equal keys;
for a workflow that would hide a second state called `closed`. So we compose the node
tree ourselves: it gives line numbers for messages and lets us refuse duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from webapp import yaml_bounds
from webapp.workflow.problems import Problem, join_key


@dataclass
class Document:
    file: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int | None:
        """The line of `key`, or of the nearest enclosing key that has one."""
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""


def read_document(path: Path, display: str | None = None) -> Document:
    """Parse one file. Problems (unreadable, not YAML, duplicate keys) go on the document."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Document(file, None, problems=[Problem(file, "", f"cannot be read: {error}")])
    return text_document(text, file)


def text_document(text: str, file: str) -> Document:
    """Parse a definition held as text (a draft typed in the browser, a version published
    there); `file` names it in messages."""
    document = Document(file, None)
    loader = yaml.SafeLoader(text)
    try:
        node = yaml_bounds.compose(loader, text)
        if node is None:
            document.problems.append(Problem(file, "", "is empty"))
            return document
        document.data = loader.construct_document(node)
    except yaml_bounds.YamlTooLarge as error:
        document.problems.append(Problem(file, "", str(error), error.line))
        return document
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        document.problems.append(Problem(file, "", f"is not valid YAML: {error}", line))
        return document
    finally:
        loader.dispose()
    _index(node, "", document)
    return document


def _index(node: yaml.Node, key: str, document: Document) -> None:
    document.lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            child = join_key(key, name)
            if name in seen:
                document.problems.append(
                    Problem(
                        document.file,
                        child,
                        f"{name!r} appears twice here: each key must be unique",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(name)
            document.lines.setdefault(child, key_node.start_mark.line + 1)
            _index(value_node, child, document)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, f"{key}[{position}]", document)
