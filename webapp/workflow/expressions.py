"""Structured conditions: guards a borough writes as data, over the episode's real records.

Besides the registry's named conditions, a transition may guard a step with a small
declarative expression (workflows/README.md, "Structured conditions"):

    {answer: {form: caf_assessment, field: pregnant, equals: "yes"}}       # or one_of, answered
    {count: {of: tac_meetings, at_least: 1}}                                # a number of records
    {days_since: {state: delivering, at_least: 84}}                         # or {form:, field:}
    {all: [...]}, {any: [...]}, {not: ...}                                  # and a condition name

Nothing in it is ever evaluated as code: each expression is parsed into the small values
below, checked against the registry, the workflow's states and the borough's effective
forms when the definition loads, and judged by plain Python on the episode's facts.
A refusal is the definition's own text: it says what to do, and never repeats an answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from typing import Any, Protocol

from webapp.formdefs import FormLibrary, UnknownFormError
from webapp.formdefs.definition import CHOICE_TYPES, FieldType
from webapp.workflow.problems import Problem, join_key, unknown
from webapp.workflow.registry import Actor, EpisodeFacts, Registry

#: The keys a structured condition is written with, one per condition.
OPERATORS = ("answer", "count", "days_since", "all", "any", "not")

#: Records a `count` may count, and the fact that holds the number: an EpisodeSnapshot
#: field every episode's facts hold (SNAPSHOT_COUNTS), or else the kind's `record_counts`
#: entry, read only when a condition counts it (the name is the fact of the model).
COUNT_FACTS = {
    "actions": "action_count",
    "reviews": "review_count",
    "tac_meetings": "tac_meeting_count",
}
#: The episode part whose page records each kind not in every episode's facts already
#: (actions and reviews are, with their parts, in the registry's PART_FACTS).
COUNT_PARTS = {"tac_meetings": ("tac",)}
#: What a count of each kind is called in a sentence.
COUNT_PHRASES = {
    "actions": "agreed actions",
    "reviews": "recorded reviews",
    "tac_meetings": "recorded team around the child meetings",
}


class Forms(Protocol):
    """The effective forms of a borough (the national form with its overlay), by form id:
    the questions of each, those inside a repeating group marked."""

    def questions(self, borough: str | None, form_id: str) -> Mapping[str, Question] | None: ...

    def form_ids(self) -> list[str]: ...


@dataclass(frozen=True)
class Question:
    """One question of an effective form, as conditions may use it."""

    id: str
    type: str  # the form field type: "yes_no", "radios", "date", ...
    choices: tuple[str, ...] = ()  # the values a user may pick (empty: not a choice)
    single_choice: bool = False
    hidden: bool = False  # an overlay hid it: it is never shown nor stored
    in_group: str | None = None  # the repeating group it belongs to


# --- the expressions ----------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A registry condition used inside `all`, `any` or `not`."""

    name: str

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        return registry.conditions[self.name].check(facts, actor)


@dataclass(frozen=True)
class Answer:
    """An answer of the newest response of a form: equal to a choice, one of several, or
    answered at all."""

    form: str
    field: str
    equals: str | None = None
    one_of: tuple[str, ...] | None = None
    answered: bool | None = None

    @property
    def key(self) -> str:
        return f"{self.form}.{self.field}"

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        value = facts.answers.get(self.key)
        if self.answered is not None:
            return is_answered(value) is self.answered
        if self.equals is not None:
            return value == self.equals
        return value in (self.one_of or ())


@dataclass(frozen=True)
class Count:
    """At least a number of records of a kind on the episode."""

    of: str
    at_least: int

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        return count_of(facts, self.of) >= self.at_least


@dataclass(frozen=True)
class DaysSince:
    """At least a number of days since the episode last entered a state, or since the date
    a form's date question gives. Neither recorded: it does not hold."""

    at_least: int
    state: str | None = None
    form: str | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        return f"{self.form}.{self.field}"

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        today = facts.today or date.today()
        if self.state is not None:
            entered = facts.entered_states.get(self.state)
            since = entered.date() if isinstance(entered, datetime) else entered
        else:
            since = _date(facts.answers.get(self.key))
        return since is not None and (today - since).days >= self.at_least


@dataclass(frozen=True)
class All:
    items: tuple[Expression, ...]

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        return all(item.holds(facts, actor, registry) for item in self.items)


@dataclass(frozen=True)
class Any_:
    items: tuple[Expression, ...]

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        return any(item.holds(facts, actor, registry) for item in self.items)


@dataclass(frozen=True)
class Not:
    item: Expression

    def holds(self, facts: EpisodeFacts, actor: Actor, registry: Registry) -> bool:
        return not self.item.holds(facts, actor, registry)


Expression = Named | Answer | Count | DaysSince | All | Any_ | Not


def is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def count_of(facts: EpisodeFacts, kind: str) -> int:
    fact = COUNT_FACTS[kind]
    if fact in SNAPSHOT_COUNTS:
        return int(getattr(facts, fact))
    return int(facts.record_counts.get(kind, 0))


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _choice(value: object) -> str:
    """YAML reads `yes` and `no` as true and false: for a condition they are the choices."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- parsing ------------------------------------------------------------------------


def is_structured(use: object) -> bool:
    """A condition use written as an expression rather than a registry name."""
    return isinstance(use, Mapping) and "condition" not in use


def operator_of(raw: Mapping[str, Any]) -> str:
    return next(key for key in raw if key in OPERATORS)


def parse(raw: Any) -> Expression:
    """An expression from its schema-valid YAML value (a use's `refusal` is left aside)."""
    if isinstance(raw, str):
        return Named(raw)
    operator = operator_of(raw)
    value = raw[operator]
    if operator == "answer":
        one_of = value.get("one_of")
        return Answer(
            form=value["form"],
            field=value["field"],
            equals=_choice(value["equals"]) if "equals" in value else None,
            one_of=tuple(_choice(item) for item in one_of) if one_of is not None else None,
            answered=value.get("answered"),
        )
    if operator == "count":
        return Count(value["of"], value["at_least"])
    if operator == "days_since":
        return DaysSince(
            value["at_least"], value.get("state"), value.get("form"), value.get("field")
        )
    if operator == "all":
        return All(tuple(parse(item) for item in value))
    if operator == "any":
        return Any_(tuple(parse(item) for item in value))
    return Not(parse(value))


def parse_use(use: Any) -> Expression:
    """A transition's condition use as an expression: a name (plain or with its own
    refusal) becomes `Named`."""
    if isinstance(use, str):
        return Named(use)
    if "condition" in use:
        return Named(use["condition"])
    return parse({key: value for key, value in use.items() if key != "refusal"})


def canonical(use: Any) -> str:
    """One text per meaning, so that an override keeping a national structured condition
    is recognised as keeping it (whatever its refusal, key order or quoting)."""
    return describe(parse_use(use))


def describe(expression: Expression) -> str:
    """An expression as it is written (in YAML's flow style), its keys in a fixed order."""
    if isinstance(expression, Named):
        return expression.name
    if isinstance(expression, All | Any_):
        operator = "all" if isinstance(expression, All) else "any"
        return f"{{{operator}: [{', '.join(describe(item) for item in expression.items)}]}}"
    if isinstance(expression, Not):
        return f"{{not: {describe(expression.item)}}}"
    if isinstance(expression, Count):
        return f"{{count: {{of: {expression.of}, at_least: {expression.at_least}}}}}"
    if isinstance(expression, DaysSince):
        since = (
            f"state: {expression.state}"
            if expression.state is not None
            else f"form: {expression.form}, field: {expression.field}"
        )
        return f"{{days_since: {{{since}, at_least: {expression.at_least}}}}}"
    if expression.answered is not None:
        test = f"answered: {str(expression.answered).lower()}"
    elif expression.equals is not None:
        test = f"equals: {json.dumps(expression.equals)}"
    else:
        test = f"one_of: {json.dumps(list(expression.one_of or ()))}"
    return f"{{answer: {{form: {expression.form}, field: {expression.field}, {test}}}}}"


def explain(expression: Expression, registry: Registry) -> str:
    """What an expression asks for, in words, for the administrators' pages."""
    if isinstance(expression, Named):
        condition = registry.conditions.get(expression.name)
        return condition.description or condition.refusal if condition else expression.name
    if isinstance(expression, All | Any_):
        joined = "; ".join(explain(item, registry) for item in expression.items)
        return f"{'all' if isinstance(expression, All) else 'any'} of: {joined}"
    if isinstance(expression, Not):
        return f"not ({explain(expression.item, registry)})"
    if isinstance(expression, Count):
        return f"at least {expression.at_least} {COUNT_PHRASES[expression.of]}"
    if isinstance(expression, DaysSince):
        since = (
            f"the episode last entered the stage {expression.state!r}"
            if expression.state is not None
            else f"the date answered to {expression.field!r} on the form {expression.form!r}"
        )
        return f"at least {expression.at_least} days since {since}"
    question = f"the answer to {expression.field!r} on the form {expression.form!r}"
    if expression.answered is not None:
        return f"{question} {'has' if expression.answered else 'has not'} been given"
    if expression.equals is not None:
        return f"{question} is {expression.equals!r}"
    return f"{question} is one of {', '.join(map(repr, expression.one_of or ()))}"


def walk(expression: Expression) -> Iterator[Expression]:
    yield expression
    if isinstance(expression, All | Any_):
        for item in expression.items:
            yield from walk(item)
    elif isinstance(expression, Not):
        yield from walk(expression.item)


# --- what a definition reads --------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """The records a definition's structured conditions read, so that the app reads those
    and no more: answers by (form, question), counts by kind, states entered."""

    answers: frozenset[tuple[str, str]] = frozenset()
    counts: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()

    @property
    def forms(self) -> frozenset[str]:
        return frozenset(form for form, _field in self.answers)


def needs_of(expressions: Any) -> Needs:
    answers: set[tuple[str, str]] = set()
    counts: set[str] = set()
    states: set[str] = set()
    for expression in expressions:
        for part in walk(expression):
            if isinstance(part, Answer):
                answers.add((part.form, part.field))
            elif isinstance(part, DaysSince) and part.state is not None:
                states.add(part.state)
            elif isinstance(part, DaysSince):
                answers.add((part.form or "", part.field or ""))
            elif isinstance(part, Count) and COUNT_FACTS[part.of] not in SNAPSHOT_COUNTS:
                counts.add(part.of)
    return Needs(frozenset(answers), frozenset(counts), frozenset(states))


#: Counts every episode's facts hold already (read for the registry's named conditions).
SNAPSHOT_COUNTS = frozenset({"action_count", "review_count"})


# --- checks -------------------------------------------------------------------------


def problems(
    file: str,
    key: str,
    use: Any,
    *,
    registry: Registry,
    states: Mapping[str, object],
    borough: str | None,
    forms: Forms | None,
) -> list[Problem]:
    """What is wrong with one condition use (named or structured), at `key`."""
    checking = _Checking(file, registry, states, borough, forms)
    if isinstance(use, str):
        return list(checking.named(key, use))
    if "condition" in use:
        return list(checking.named(join_key(key, "condition"), use["condition"]))
    written = {name: value for name, value in use.items() if name != "refusal"}
    return list(checking.item(key, written))


@dataclass(frozen=True)
class _Checking:
    """What one definition's conditions are checked against."""

    file: str
    registry: Registry
    states: Mapping[str, object]
    borough: str | None
    forms: Forms | None

    def named(self, key: str, name: str) -> Iterator[Problem]:
        if name not in self.registry.conditions:
            yield Problem(self.file, key, unknown("condition", name, self.registry.conditions))

    def item(self, key: str, item: Any) -> Iterator[Problem]:
        if isinstance(item, str):
            yield from self.named(key, item)
            return
        operator = operator_of(item)
        yield from self.operator(join_key(key, operator), operator, item[operator])

    def operator(self, key: str, operator: str, value: Any) -> Iterator[Problem]:
        file = self.file
        if operator in ("all", "any"):
            for position, item in enumerate(value):
                yield from self.item(join_key(key, position), item)
        elif operator == "not":
            yield from self.item(key, value)
        elif operator == "count":
            if value["of"] not in COUNT_FACTS:
                message = unknown("record kind", value["of"], COUNT_FACTS)
                yield Problem(file, join_key(key, "of"), message)
        elif operator == "days_since":
            has_state, has_field = "state" in value, "form" in value or "field" in value
            if has_state == has_field or (has_field and not ("form" in value and "field" in value)):
                yield Problem(
                    file,
                    key,
                    "give either a state, or a form and one of its date questions (field)",
                )
            elif has_state and value["state"] not in self.states:
                message = unknown("state", value["state"], self.states)
                yield Problem(file, join_key(key, "state"), message)
            elif has_field:
                yield from self.question(key, value, date_only=True)
        else:  # answer
            tests = [name for name in ("equals", "one_of", "answered") if name in value]
            if len(tests) != 1:
                yield Problem(file, key, "give exactly one of equals, one_of or answered")
                return
            yield from self.question(key, value, date_only=False)

    def question(self, key: str, value: Mapping[str, Any], *, date_only: bool) -> Iterator[Problem]:
        """The form and question exist in the borough's effective form, and the comparison
        fits the question."""
        file, forms = self.file, self.forms
        where = f"{self.borough}'s effective form" if self.borough else "the national form"
        if forms is None:
            yield Problem(
                file,
                join_key(key, "form"),
                "answer conditions are checked against the form definitions, which did not "
                "load: fix the problems of the form definitions first",
            )
            return
        questions = forms.questions(self.borough, value["form"])
        if questions is None:
            message = unknown("form", value["form"], forms.form_ids())
            yield Problem(file, join_key(key, "form"), message)
            return
        question = questions.get(value["field"])
        field_key = join_key(key, "field")
        if question is None:
            close = get_close_matches(value["field"], list(questions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"{where} {value['form']} has no question {value['field']!r}{hint}"
            yield Problem(file, field_key, message)
            return
        if question.hidden:
            message = (
                f"{value['field']!r} is hidden in {where} {value['form']}: it is never answered"
            )
            yield Problem(file, field_key, message)
            return
        if question.in_group is not None:
            yield Problem(
                file,
                field_key,
                f"{value['field']!r} is inside the repeating group {question.in_group!r}: a "
                "condition can read a question asked once per form only",
            )
            return
        if date_only:
            if question.type != "date":
                yield Problem(
                    file,
                    field_key,
                    f"{value['field']!r} is a {question.type} question: days_since needs a date",
                )
            return
        compared = [value["equals"]] if "equals" in value else value.get("one_of", [])
        if not compared:
            return  # answered: any question may be answered or not
        if not question.single_choice:
            yield Problem(
                file,
                field_key,
                f"{value['field']!r} is a {question.type} question: equals and one_of compare "
                "a question with one choice (radios, select, yes or no); use answered",
            )
            return
        test = "equals" if "equals" in value else "one_of"
        for position, raw in enumerate(compared):
            choice = _choice(raw)
            if choice not in question.choices:
                at = join_key(key, test) if test == "equals" else join_key(key, test, position)
                yield Problem(
                    file,
                    at,
                    f"{choice!r} is not a choice of {value['field']!r}; its choices are "
                    + ", ".join(repr(option) for option in question.choices),
                )


class LibraryForms:
    """The questions of a FormLibrary's effective forms, as the checks need them."""

    def __init__(self, library: FormLibrary) -> None:
        self.library = library
        self._questions: dict[tuple[str | None, str], Mapping[str, Question] | None] = {}

    def form_ids(self) -> list[str]:
        return self.library.form_ids()

    def questions(self, borough: str | None, form_id: str) -> Mapping[str, Question] | None:
        if (borough, form_id) not in self._questions:
            try:
                form = self.library.effective(borough, form_id)
            except UnknownFormError:
                self._questions[(borough, form_id)] = None
            else:
                found: dict[str, Question] = {}
                for section in form.sections:
                    for field in section.fields:
                        found.update(_questions(field, None))
                self._questions[(borough, form_id)] = found
        return self._questions[(borough, form_id)]


def _questions(field: Any, group: str | None) -> dict[str, Question]:
    """A question and those that follow it (its "please specify" questions, or the
    questions of a repeating group, which are asked once per item)."""
    found = {
        field.id: Question(
            id=field.id,
            type=str(field.type),
            choices=tuple(option.value for option in field.choices),
            single_choice=field.type in CHOICE_TYPES and field.type is not FieldType.CHECKBOXES,
            hidden=field.hidden,
            in_group=group,
        )
    }
    inner = field.id if field.type is FieldType.REPEATING_GROUP else group
    for follower in field.fields:
        found.update(_questions(follower, inner))
    for option in field.options:
        if option.specify is not None:
            found.update(_questions(option.specify, group))
    return found
