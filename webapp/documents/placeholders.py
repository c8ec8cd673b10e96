"""What a Word template's placeholders may say: an allow-list checked on the parsed Jinja.

A template may print and test what eCAF gives it (`document`, `child`, `sections`,
`answers`, `signatures` and the parts of each that templates/README.md lists), loop over
the lists with `{% for %}` (and use `loop.index`, `loop.first`...), choose with `{% if %}`,
name a value with `{% set %}`, and use a few text filters and tests. Everything else is
refused: other names, attributes of anything but those objects, names starting with "_",
calls, macros, includes, imports, blocks. Being an allow-list, a trick nobody has thought
of yet is refused too. The renderer applies the same check to every piece of a template
it renders, in Jinja's sandbox, so a template that was never checked (put straight into
the database, say) cannot run anything either.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import nodes

from webapp.documents.context import CHILD_KEYS, DOCUMENT_KEYS, SIGNATURE_KEYS

#: The filters a template may use (also the only ones the renderer has).
ALLOWED_FILTERS = frozenset(
    {
        "capitalize",
        "default",
        "first",
        "join",
        "last",
        "length",
        "lower",
        "replace",
        "title",
        "trim",
        "truncate",
        "upper",
        "wordcount",
    }
)
#: The tests a template may use after `is` (also the only ones the renderer has).
ALLOWED_TESTS = frozenset(
    {
        "defined",
        "undefined",
        "none",
        "true",
        "false",
        "string",
        "number",
        "even",
        "odd",
        "divisibleby",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "in",
        "equalto",
        "greaterthan",
        "lessthan",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
    }
)
#: What `loop` has inside `{% for %}` (`cycle` only as `loop.cycle(...)`).
LOOP_KEYS = (
    "index",
    "index0",
    "revindex",
    "revindex0",
    "first",
    "last",
    "length",
    "depth",
    "depth0",
    "previtem",
    "nextitem",
    "cycle",
)
_LOOP_ITEMS = {"previtem", "nextitem"}

#: The tags a template may not use, by the node the parser makes of them.
_REFUSED_TAGS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
    nodes.ExprStmt: "do",
    nodes.Break: "break",
    nodes.Continue: "continue",
}

ONLY_PROVIDED = (
    "Templates may use only document, child, sections, answers and signatures, and the "
    "parts of each that eCAF lists"
)


class _Leaf:
    """A value with no parts a template may name (text, a number, a literal)."""


@dataclass(frozen=True)
class _Object:
    name: str
    keys: dict[str, object]


@dataclass(frozen=True)
class _ListOf:
    item: object


@dataclass(frozen=True)
class _Answers:
    #: The question ids the form has; None: any id (the renderer's own check, which
    #: cannot know the form, leaves the names to the context).
    field_ids: frozenset[str] | None


@dataclass(frozen=True)
class _Loop:
    item: object


LEAF = _Leaf()
#: An expression already refused: what is built on it is not refused again.
REFUSED = _Leaf()
_ROW = _Object("row", {"label": LEAF, "answer": LEAF, "blank": LEAF})
_BLOCK = _Object(
    "block",
    {
        "kind": LEAF,
        "label": LEAF,
        "rows": _ListOf(_ROW),
        "columns": _ListOf(LEAF),
        "entries": _ListOf(_ListOf(LEAF)),
    },
)
_SECTION = _Object("section", {"title": LEAF, "description": LEAF, "blocks": _ListOf(_BLOCK)})


def context_schema(field_ids: set[str] | frozenset[str] | None) -> dict[str, object]:
    return {
        "document": _Object("document", dict.fromkeys(DOCUMENT_KEYS, LEAF)),
        "child": _Object("child", dict.fromkeys(CHILD_KEYS, LEAF)),
        "sections": _ListOf(_SECTION),
        "answers": _Answers(None if field_ids is None else frozenset(field_ids)),
        "signatures": _ListOf(_Object("signature", dict.fromkeys(SIGNATURE_KEYS, LEAF))),
    }


def describe(node: nodes.Node) -> str:
    """The expression roughly as the template wrote it, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{describe(node.node)}[{describe(node.arg)}]"
    if isinstance(node, nodes.Call):
        return f"{describe(node.node)}(…)"
    if isinstance(node, nodes.Filter) and node.node is not None:
        return f"{describe(node.node)}|{node.name}"
    if isinstance(node, nodes.List):
        return "[…]"
    if isinstance(node, nodes.Dict):
        return "{…}"
    if isinstance(node, nodes.Tuple):
        return "(…)"
    return "…"


class Checker:
    """Walks a parsed template; `problems` are in words a borough administrator can act on."""

    def __init__(self, schema: dict[str, object]):
        self.schema = schema
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    # --- statements --------------------------------------------------------------------

    def statements(self, body: list[nodes.Node], scope: dict[str, object]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, object]) -> None:
        if isinstance(node, nodes.Template):
            self.statements(node.body, scope)
        elif isinstance(node, nodes.Output):
            for item in node.nodes:
                if not isinstance(item, nodes.TemplateData):
                    self.expression(item, scope)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.For):
            self.loop(node, scope)
        elif isinstance(node, nodes.Assign):
            value = self.expression(node.node, scope)
            names = self.targets(node.target)
            for name in names:
                scope[name] = value if len(names) == 1 else LEAF
        elif isinstance(node, nodes.AssignBlock):
            if node.filter is not None:
                self.filter(node.filter, scope)
            self.statements(node.body, scope)
            for name in self.targets(node.target):
                scope[name] = LEAF
        else:
            tag = next((name for kind, name in _REFUSED_TAGS.items() if isinstance(node, kind)), "")
            self.problem(
                f"“{{% {tag} %}}” cannot be used in a template. Use {{{{ … }}}} to print, and "
                "only {% if %}, {% for %} and {% set %}"
                if tag
                else "A placeholder uses something templates cannot use. Use {{ … }} to "
                "print, and only {% if %}, {% for %} and {% set %}"
            )

    def loop(self, node: nodes.For, scope: dict[str, object]) -> None:
        if node.recursive:
            self.problem("“{% for … recursive %}” cannot be used in a template")
        iterated = self.expression(node.iter, scope)
        item = iterated.item if isinstance(iterated, _ListOf) else LEAF
        inner = dict(scope)
        names = self.targets(node.target)
        for name in names:
            inner[name] = item if len(names) == 1 else LEAF
        inner["loop"] = _Loop(item)
        if node.test is not None:
            self.expression(node.test, inner)
        self.statements(node.body, inner)
        self.statements(node.else_, scope)

    def targets(self, target: nodes.Node) -> list[str]:
        """The names a `for` or `set` assigns: plain names only."""
        if isinstance(target, nodes.Name):
            found = [target]
        elif isinstance(target, nodes.Tuple) and all(
            isinstance(item, nodes.Name) for item in target.items
        ):
            found = list(target.items)
        else:
            self.problem(
                f"“{describe(target)}” cannot be given a value. Name a value with a plain "
                "name, for example {% set name = child.name %}"
            )
            return []
        for name in found:
            if name.name.startswith("_"):
                self.underscore(name.name)
        return [name.name for name in found]

    # --- expressions ---------------------------------------------------------------------

    def expression(self, node: nodes.Node, scope: dict[str, object]) -> object:
        """Check an expression and give what it is (LEAF when it has no parts to name)."""
        if isinstance(node, nodes.Name):
            return self.name(node, scope)
        if isinstance(node, nodes.Const | nodes.TemplateData):
            return LEAF
        if isinstance(node, nodes.Getattr):
            return self.member(self.expression(node.node, scope), node.attr, node)
        if isinstance(node, nodes.Getitem):
            return self.item(node, scope)
        if isinstance(node, nodes.Filter):
            return self.filter(node, scope)
        if isinstance(node, nodes.Test):
            self.expression(node.node, scope)
            if node.name not in ALLOWED_TESTS:
                self.problem(
                    f"“is {node.name}” cannot be used in a template. Use one of: "
                    + ", ".join(sorted(name for name in ALLOWED_TESTS if name.isalpha()))
                )
            self.arguments(node, scope)
            return LEAF
        if isinstance(node, nodes.Call):
            return self.call(node, scope)
        if isinstance(node, nodes.Pow):
            self.problem("“**” cannot be used in a template")
            return LEAF
        if isinstance(node, nodes.BinExpr):  # + - * / // % and or
            if isinstance(node, nodes.Mul) and any(
                isinstance(side, nodes.List | nodes.Tuple)
                or (isinstance(side, nodes.Const) and isinstance(side.value, str))
                for side in (node.left, node.right)
            ):
                self.problem("“*” can multiply only numbers in a template, not text or lists")
            self.expression(node.left, scope)
            self.expression(node.right, scope)
            return LEAF
        if isinstance(node, nodes.UnaryExpr):  # not, -, +
            self.expression(node.node, scope)
            return LEAF
        if isinstance(node, nodes.Concat):
            for item in node.nodes:
                self.expression(item, scope)
            return LEAF
        if isinstance(node, nodes.Compare):
            self.expression(node.expr, scope)
            for operand in node.ops:
                self.expression(operand.expr, scope)
            return LEAF
        if isinstance(node, nodes.CondExpr):
            self.expression(node.test, scope)
            chosen = self.expression(node.expr1, scope)
            other = self.expression(node.expr2, scope) if node.expr2 is not None else LEAF
            return chosen if chosen == other else LEAF
        if isinstance(node, nodes.List | nodes.Tuple):
            for item in node.items:
                self.expression(item, scope)
            return LEAF
        if isinstance(node, nodes.Dict):
            for pair in node.items:
                self.expression(pair.key, scope)
                self.expression(pair.value, scope)
            return LEAF
        self.problem(f"“{describe(node)}” cannot be used in a template. {ONLY_PROVIDED}")
        return LEAF

    def name(self, node: nodes.Name, scope: dict[str, object]) -> object:
        if node.name.startswith("_"):
            self.underscore(node.name)
            return REFUSED
        if node.name in scope:
            return scope[node.name]
        if node.name in self.schema:
            return self.schema[node.name]
        if node.name == "loop":
            self.problem("“loop” can be used only inside {% for %} … {% endfor %}")
            return REFUSED
        self.problem(
            f"“{node.name}” is not something eCAF provides to templates. Use one of: "
            + ", ".join(sorted(self.schema))
        )
        return REFUSED

    def underscore(self, text: str) -> None:
        self.problem(f"“{text}”: names starting with “_” cannot be used in a template")

    def member(self, parent: object, key: str, node: nodes.Node) -> object:
        if parent is REFUSED:
            return REFUSED
        if key.startswith("_"):
            self.underscore(describe(node))
            return REFUSED
        if isinstance(parent, _Object):
            if key not in parent.keys:
                self.problem(
                    f"“{parent.name}.{key}” is not something eCAF provides. "
                    f"{parent.name} has: " + ", ".join(parent.keys)
                )
                return REFUSED
            return parent.keys[key]
        if isinstance(parent, _Answers):
            if parent.field_ids is not None and key not in parent.field_ids:
                self.problem(
                    f"“answers.{key}”: the form has no question with the id “{key}”. Check the "
                    "spelling against the form definition, or add the question to the form first"
                )
            return LEAF
        if isinstance(parent, _Loop):
            if key not in LOOP_KEYS or key == "cycle":
                self.problem(
                    f"“loop.{key}” is not something eCAF provides. loop has: "
                    + ", ".join(name for name in LOOP_KEYS if name != "cycle")
                    + " (and loop.cycle(…))"
                )
                return REFUSED
            return parent.item if key in _LOOP_ITEMS else LEAF
        self.problem(f"“{describe(node)}” is not something eCAF provides. {ONLY_PROVIDED}")
        return REFUSED

    def item(self, node: nodes.Getitem, scope: dict[str, object]) -> object:
        parent = self.expression(node.node, scope)
        argument = node.arg
        if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
            return self.member(parent, argument.value, node)
        whole_number = (
            isinstance(argument, nodes.Const)
            and isinstance(argument.value, int)
            and not isinstance(argument.value, bool)
        )
        if parent is REFUSED:
            return REFUSED
        if whole_number and not isinstance(parent, _Object | _Answers | _Loop):
            return parent.item if isinstance(parent, _ListOf) else LEAF
        if isinstance(argument, nodes.Slice) and all(
            part is None or (isinstance(part, nodes.Const) and type(part.value) is int)
            for part in (argument.start, argument.stop, argument.step)
        ):
            return parent if isinstance(parent, _ListOf) else LEAF
        self.problem(
            f"“{describe(node)}”: name a part after a dot, for example {{{{ answers.nhs_number }}}}"
        )
        return REFUSED

    def filter(self, node: nodes.Filter, scope: dict[str, object]) -> object:
        value = self.expression(node.node, scope) if node.node is not None else LEAF
        if node.name not in ALLOWED_FILTERS:
            self.problem(
                f"“|{node.name}” cannot be used in a template. Use one of these filters: "
                + ", ".join(sorted(ALLOWED_FILTERS))
            )
            return LEAF
        if any(keyword.key == "attribute" for keyword in node.kwargs):
            self.problem(f"“|{node.name}(attribute=…)” cannot be used in a template")
        self.arguments(node, scope)
        if node.name in ("first", "last") and isinstance(value, _ListOf):
            return value.item
        return LEAF

    def arguments(self, node: nodes.Filter | nodes.Test | nodes.Call, scope) -> None:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.problem(f"“{describe(node)}”: “*” and “**” cannot be used in a template")
        for argument in node.args:
            self.expression(argument, scope)
        for keyword in node.kwargs:
            self.expression(keyword.value, scope)

    def call(self, node: nodes.Call, scope: dict[str, object]) -> object:
        callee = node.node
        if (
            isinstance(callee, nodes.Getattr)
            and callee.attr == "cycle"
            and isinstance(callee.node, nodes.Name)
            and isinstance(scope.get(callee.node.name), _Loop)
            and not node.kwargs
        ):
            self.arguments(node, scope)
            return LEAF
        # What the method would be called on is checked first: an unknown name or a
        # private attribute there is the problem to report.
        base = callee.node if isinstance(callee, nodes.Getattr) else callee
        if self.expression(base, scope) is REFUSED:
            return REFUSED
        if isinstance(callee, nodes.Getattr) and callee.attr.startswith("_"):
            self.underscore(describe(callee))
            return REFUSED
        self.problem(
            f"“{describe(node)}”: templates cannot call functions or methods. Remove the "
            "brackets and name only what eCAF provides"
        )
        return REFUSED


def problems_in(tree: nodes.Template, field_ids: set[str] | frozenset[str] | None) -> list[str]:
    """What is wrong with a parsed template ([] when it may be rendered). `field_ids` are
    the questions `answers` has (None: any)."""
    checker = Checker(context_schema(field_ids))
    checker.statement(tree, {})
    return checker.problems
