"""Reading the YAML of form definitions: files, drafts typed in the browser, and the
classification file, the same strict way (YAML 1.2 booleans, duplicate keys refused)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from webapp import yaml_bounds
from webapp.formdefs.problems import Problem

T = TypeVar("T")


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (only true/false), so `equals: yes` stays the text "yes", and
    duplicate keys are refused rather than silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(display, "", f"cannot be read: {error}")]
    return parse_yaml_text(text, display)


def parse_yaml_text(text: str, display: str) -> tuple[Any, list[Problem]]:
    """YAML text (a file's, or a draft typed in the browser), refusing duplicate keys and
    text beyond the bounds of webapp/yaml_bounds.py."""
    loader = _Loader(text)
    try:
        node = yaml_bounds.compose(loader, text)
        return (loader.construct_document(node) if node is not None else None), []
    except yaml_bounds.YamlTooLarge as error:
        where = f"line {error.line}" if error.line else ""
        return None, [Problem(display, where, f"is not valid here: {error}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        return None, [Problem(display, where, f"is not valid YAML: {problem}")]
    finally:
        loader.dispose()


# --- files about the published questions, by form id (classification.yaml, bindings.yaml) ---

FormTables = Callable[[Any, str, str, list[Problem]], dict[str, Any]]


def parse_by_form(
    data: Any, display: str, forms: FormTables
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[Problem]]:
    """A file keyed `national.<form id>` and `boroughs.<borough>.<form id>`: the national
    tables, the boroughs' tables, and what is wrong with it. `forms(data, where, display,
    problems)` reads one mapping of form ids."""
    if data is None:
        return {}, {}, []
    if not isinstance(data, dict):
        return (
            {},
            {},
            [Problem(display, "", "must be a mapping with the keys national and boroughs")],
        )
    problems = [
        Problem(display, str(key), "unknown key; use national or boroughs")
        for key in data
        if key not in ("national", "boroughs")
    ]
    national = forms(data.get("national") or {}, "national", display, problems)
    boroughs: dict[str, dict[str, Any]] = {}
    given = data.get("boroughs") or {}
    if not isinstance(given, dict):
        problems.append(Problem(display, "boroughs", "must be a mapping of boroughs"))
        given = {}
    for borough, tables in given.items():
        boroughs[str(borough)] = forms(tables or {}, f"boroughs.{borough}", display, problems)
    return national, boroughs, problems


def read_by_form(
    root: Path, name: str, parse: Callable[[Any, str], tuple[T, list[Problem]]]
) -> tuple[T, list[Problem]]:
    """`root/<name>` parsed by `parse(data, display)`; no file is the same as an empty one."""
    path = root / name
    display = f"{root.name}/{name}"
    if not path.is_file():
        return parse(None, display)
    data, problems = read_yaml(path, display)
    if problems:
        return parse(None, display)[0], problems
    return parse(data, display)
