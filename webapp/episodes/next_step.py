"""What happens next on an episode, in one sentence for the person looking at it: what they
can do next, or who must act next and what for, by name where the episode names them.

It reads only the engine's own answers (the steps out of the current stage, each allowed or
refused with its reasons, for this person), so it never promises a step the server would
refuse. Steps that can be taken from almost any stage (a safeguarding referral, a withdrawal
of consent, a transfer) are ways out, not the usual next step: they are left to the buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from webapp.accounts.models import User
from webapp.episodes.models import Episode
from webapp.tac.services import acting_for_lead, lead_member, member_phrase
from webapp.workflow import Actor, Availability, Engine, EpisodeFacts, Registry, Transition

#: Stands for "whoever holds the step's roles" when judging someone else's step.
SOMEONE_ELSE = -1

FIRST = " first"


@dataclass(frozen=True)
class NextButton:
    """The signed-in person's next step as the page's main button: the step itself
    (`trigger`), or the episode part where what it needs first is done (`part`)."""

    text: str
    trigger: str | None = None
    part: str | None = None
    #: The step asks nothing more than pressing the button: the button takes it.
    one_press: bool = False


#: The roles that do the episode's own work. A step of theirs that asks nothing (no
#: comment, no form, no warning to read) is taken by its button; a step that judges someone
#: else's work (a quality check, a closure decision) keeps its own page.
OWN_WORK = frozenset({"assessor", "lead_professional", "coordinator"})


def asks_nothing(transition: Transition) -> bool:
    return (
        not transition.requires_comment
        and transition.form is None
        and not transition.confirmation
        and bool(transition.roles & OWN_WORK)
    )


#: What a step needs first, by the condition that asks for it: the button's words and the
#: episode part (the workflow's) where it is done.
DONE_FIRST_IN = {
    "consent_to_record_exists": ("Record the family's consent", "consent"),
    "consent_to_share_exists": ("Record consent to share", "consent"),
    "consent_withdrawal_recorded": ("Record the withdrawal of consent", "consent"),
    "assessment_complete": ("Continue the assessment", "assessment"),
    "lead_professional_nominated": ("Choose the lead professional", "tac"),
    "has_actions": ("Agree the actions in the delivery plan", "plan"),
    "review_recorded": ("Record the review", "reviews"),
    "closure_form_complete": ("Complete the closure form", "closure"),
}


@dataclass(frozen=True)
class NextStep:
    text: str
    #: True when the signed-in person is the one to act next.
    yours: bool
    #: Other usual steps the signed-in person can take now, by title.
    also: tuple[str, ...] = ()
    #: The main button, when the next step is the signed-in person's.
    button: NextButton | None = None

    @property
    def also_text(self) -> str:
        if not self.also:
            return ""
        steps = _join([_lower(title) for title in self.also], "or")
        return f"You can also {steps}." if self.yours else f"You can {steps}."


def describe(
    engine: Engine,
    episode: Episode,
    facts: EpisodeFacts,
    actions: Sequence[Availability],
    agreed: str | None = None,
) -> NextStep:
    """`actions` are the engine's answers for the signed-in person in the episode's state,
    judged on `facts`. The next step is the first usual step out of the stage (in the
    definition's order) that can be taken now or needs only something done first: the
    person's own if they may take it, otherwise as it stands for those who may. A step
    the episode's records have already agreed on (`agreed`: a review that agreed to close
    asks for the closure request) comes before the definition's order."""
    final = engine.state(episode.state).terminal
    usual = sorted(
        (action for action in actions if not action.transition.from_any_stage),
        key=lambda action: action.trigger != agreed,
    )
    if not usual:
        if final:
            return NextStep("Nothing more happens on this episode.", False)
        return NextStep(
            "Nobody can move this episode on from this stage. Tell your borough CAF contact.",
            False,
        )
    mine = [action for action in usual if _open(action)]
    judged = [
        action
        if action in mine
        else engine.check(action.transition, facts, _holder(action.transition))
        for action in usual
    ]
    first = next((judgement for judgement in judged if _open(judgement)), judged[0])
    my_others = tuple(action.title for action in mine if action.allowed and action is not first)

    if first in mine:
        doing = _doing(first, [first])
        text = f"You can {doing}." if final else f"Next: {doing}."
        return NextStep(text, True, my_others, _button(first))

    alike = [
        judgement
        for judgement in judged
        if judgement not in mine
        and judgement.allowed
        and judgement.transition.roles == first.transition.roles
    ]
    who = _people(engine, first.transition.roles, names_on(episode, engine.registry))
    doing = _doing(first, alike)
    my_steps = tuple(action.title for action in mine if action.allowed)
    if final:
        return NextStep(f"Only {who} can {doing}.", False, my_steps)
    return NextStep(f"Waiting for {who} to {doing}.", False, my_steps)


def who_can(engine: Engine, episode: Episode, transition: Transition) -> str:
    """For someone who holds none of the step's roles: who can take it, by name where the
    episode names them ("Only Sam Jones (the lead professional) can request closure.")."""
    who = _people(engine, transition.roles, names_on(episode, engine.registry))
    return f"Only {who} can {_lower(transition.title)}."


def _button(first: Availability) -> NextButton | None:
    """The step, if it can be taken now; else where to do the first thing it needs."""
    if first.allowed:
        return NextButton(
            first.title, trigger=first.trigger, one_press=asks_nothing(first.transition)
        )
    for use in first.transition.conditions:
        if use.refusal in first.reasons and use.name in DONE_FIRST_IN:
            text, part = DONE_FIRST_IN[use.name]
            return NextButton(text, part=part)
    return None


def _open(availability: Availability) -> bool:
    """Can be taken now, or needs only something done first."""
    return not availability.refused_for_role and (
        availability.allowed or _actionable(availability.reasons)
    )


def _doing(first: Availability, alike: Sequence[Availability]) -> str:
    if first.allowed:
        return _join([_lower(each.title) for each in alike or [first]], "or")
    if _actionable(first.reasons):
        return f"{_requirements(first.reasons)}, then {_lower(first.title)}"
    return _lower(first.title)


#: Who holds a role, as (whom it is, how to say it), or None if nobody does yet.
Named = tuple[object, str] | None


def names_on(episode: Episode, registry: Registry) -> Callable[[str], Named]:
    """Who holds each role on this episode, in words: people by name, the borough CAF
    contact by borough, anyone of a kind (a manager) by the role's own phrase."""

    def person(user: User | None, role: str) -> Named:
        if user is None:
            return None
        return user.id, f"{user.full_name} ({registry.role_phrase(role)})"

    def name_of(role: str) -> Named:
        if role == "assessor":
            return person(episode.assessor, role)
        if role == "coordinator":
            return person(episode.coordinator, role)
        if role == "lead_professional":
            acting, member = acting_for_lead(episode), lead_member(episode)
            if acting is not None and member is not None:
                lead = member_phrase(member)
                return acting.id, f"{acting.full_name} (for {lead}, the lead professional)"
            return person(episode.lead_professional, role)
        if role == "borough_caf_contact":
            return role, f"{episode.borough.name}'s borough CAF contact"
        if role == "receiving_borough_caf_contact" and episode.transferred_to_borough:
            return role, f"{episode.transferred_to_borough.name}'s borough CAF contact"
        return role, registry.role_phrase(role)

    return name_of


def _holder(transition: Transition) -> Actor:
    return Actor(SOMEONE_ELSE, transition.roles)


def _people(engine: Engine, roles: Iterable[str], name_of: Callable[[str], Named]) -> str:
    ordered = [role for role in engine.registry.roles if role in roles]
    named: dict[object, str] = {}
    for role in ordered:
        found = name_of(role)
        if found is not None:
            named.setdefault(*found)  # one person holding two of the roles is named once
    if not named:  # nobody holds them yet: say which role it takes
        return _join([engine.registry.role_phrase(role) for role in ordered], "or")
    return _join(list(named.values()), "or")


def _actionable(reasons: Iterable[str]) -> bool:
    """Reasons that say what to do ("Record consent to share first"), not a fact that no
    one can change ("The episode was not transferred while...")."""
    reasons = list(reasons)
    return bool(reasons) and all(reason.endswith(FIRST) for reason in reasons)


def _requirements(reasons: Iterable[str]) -> str:
    return _join([_lower(reason.removesuffix(FIRST)) for reason in reasons], "and")


def _lower(words: str) -> str:
    """'Start the assessment' -> 'start the assessment'; 'NHS ...' stays."""
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
