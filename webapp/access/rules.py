"""What a route declares it checks, and what the policy answered while the route ran.

A route's decorator declares its rule (`requires`, `requires_episode`, `requires_child` in
webapp/access/policy.py). The policy notes each answer it gives about an episode or a
child during the request, so that the route can prove its declaration is the rule it
really applies: an object rule whose view never asked the policy that question fails, and
under test a refusal on a question the declaration does not cover fails too, so that a
route cannot declare a weaker permission than the one its view enforces.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context

from webapp.access.permissions import Permission

#: A question the policy answered: the permission, what it was asked on ("episode" or
#: "child", the object a URL names), and the part of the episode to be changed, if any.
Question = tuple[Permission, str, str | None]

#: Any part of the episode: the part follows from the form the URL names.
EVERY_PART = "*"

# Every permission on an episode includes seeing it: each relationship that grants one
# grants episode:view, and the episode's state must let the user see it for any of them.
SEES_THE_EPISODE = frozenset(
    {Permission.EPISODE_VIEW, Permission.EPISODE_EDIT, Permission.EPISODE_KEEP_NOTES}
)


@dataclass(frozen=True)
class ObjectRule:
    """A route's rule on the episode or child its URL names: the permission the policy must
    grant on it, and, to change an episode, the part changed."""

    permission: Permission
    on: str
    part: str | None = None

    def __str__(self) -> str:
        part = f", part {self.part}" if self.part else ""
        return f"{self.permission} on the {self.on}{part}"

    @property
    def question(self) -> Question:
        return (self.permission, self.on, self.part)


#: What a view function carries as `access_rule`: "public", a permission held somewhere,
#: or a rule on the object the URL names.
AccessRule = str | Permission | ObjectRule


class UndeclaredCheck(RuntimeError):
    """A route enforced, or failed to ask, a rule other than the one it declares."""


def start() -> None:
    """Forget the answers of anything before this route (the test client's requests can
    share one application context, and with it `g`)."""
    g.access_answers = {}


def note(question: Question, allowed: bool) -> None:
    """Remember the policy's answer, if a route is listening."""
    if has_request_context() and "access_answers" in g:
        answers: dict[Question, bool] = g.access_answers
        answers[question] = answers.get(question, False) or allowed


def answered(allowed: bool) -> set[Question]:
    """The questions answered `allowed` since the route started."""
    answers: dict[Question, bool] = g.get("access_answers", {})
    return {question for question, answer in answers.items() if answer is allowed}


def covers(declared: AccessRule, question: Question) -> bool:
    """Whether a route declaring `declared` answers `question` as strictly: its users
    already hold what the question asks."""
    if isinstance(declared, ObjectRule):
        permission, on, part = declared.permission, declared.on, declared.part
    elif isinstance(declared, Permission):
        permission, on, part = declared, None, None
    else:
        return False
    asked, asked_on, asked_part = question
    if asked_on == "episode" and asked is Permission.EPISODE_VIEW:
        return permission in SEES_THE_EPISODE and on in (None, "episode")
    if asked is not permission or on not in (None, asked_on):
        return False
    return asked_part is None or part in (asked_part, EVERY_PART)


def check_refusal(declared: AccessRule, endpoint: str) -> None:
    """A refused request: every question the policy said no to must be one the route
    declares, or the declaration is weaker than the view's real check."""
    undeclared = sorted(
        str(question) for question in answered(False) if not covers(declared, question)
    )
    if undeclared:
        raise UndeclaredCheck(
            f"{endpoint} declares {declared} but its view refused on {', '.join(undeclared)}"
        )


def check_asked(declared: ObjectRule, endpoint: str) -> None:
    """An answered request: the view must have asked the policy its declared question."""
    granted = answered(True)
    if declared.question in granted or (
        declared.part == EVERY_PART
        and any(question[:2] == declared.question[:2] and question[2] for question in granted)
    ):
        return
    raise UndeclaredCheck(f"{endpoint} declares {declared} but its view never asked it")
