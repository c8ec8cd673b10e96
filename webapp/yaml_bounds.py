"""Bounds on the YAML the app reads: definition files and, above all, drafts typed in the
browser.

A few hundred characters of YAML can hold billions of values once its aliases (`*name`)
are written out, and a few hundred brackets nest deeper than Python's parser can follow:
either would hold a worker for minutes or end the request with an error page. So nesting is
counted on the parser's events (which need no recursion) before anything is composed, and
the values a document stands for once its aliases are written out are counted on the
composed nodes (each node once) before anything is constructed or walked."""

from __future__ import annotations

import yaml

MAX_DEPTH = 40
MAX_VALUES = 100_000


class YamlTooLarge(Exception):
    """The text goes beyond a bound; the message says which, `line` where (1-based)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def check_nesting(text: str, loader: type = yaml.SafeLoader) -> None:
    """Raise YamlTooLarge where the text nests deeper than MAX_DEPTH (and YAMLError where it
    is not YAML)."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlTooLarge(
                    f"nests lists and mappings more than {MAX_DEPTH} levels deep",
                    event.start_mark.line + 1,
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def check_size(node: yaml.Node | None) -> None:
    """Raise YamlTooLarge when the document stands for more than MAX_VALUES values once its
    aliases are written out."""
    if node is not None and _values(node, {}) > MAX_VALUES:
        raise YamlTooLarge(
            f"stands for more than {MAX_VALUES:,} values once its aliases (*name) are "
            "written out: write the definition without repeating aliases inside aliases",
            node.start_mark.line + 1,
        )


def _values(node: yaml.Node, counted: dict[int, int]) -> int:
    known = counted.get(id(node))
    if known is not None:
        return known
    counted[id(node)] = MAX_VALUES + 1  # an alias inside its own anchor: no end to it
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_values(item, counted) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_values(key, counted) + _values(value, counted) for key, value in node.value)
    counted[id(node)] = total
    return total


def compose(loader: yaml.SafeLoader, text: str) -> yaml.Node | None:
    """The loader's single node for `text`, within the bounds (YamlTooLarge otherwise)."""
    check_nesting(text, type(loader))
    node = loader.get_single_node()
    check_size(node)
    return node


def safe_load(text: str):
    """`yaml.safe_load`, within the bounds (YamlTooLarge otherwise)."""
    loader = yaml.SafeLoader(text)
    try:
        node = compose(loader, text)
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
