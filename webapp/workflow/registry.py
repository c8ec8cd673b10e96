"""Everything a workflow definition may name, provided by Python.

A definition file names its guards ("conditions") and side effects ("effects"); it never
holds code or import paths. This module is the only place those names mean something:
conditions are small functions of the episode's facts and the acting user, each with the
plain-English reason shown when it fails; effects are descriptors the app implements,
each saying whether it must run inside the database transaction or after the commit.

Role names, episode parts and worklist filters are listed here too, so that a misspelt
name in a definition is refused at load time instead of silently denying everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol


@dataclass(frozen=True)
class Actor:
    """The user acting on one episode.

    `roles` holds every workflow role the user has *for this episode*: their relationships
    to it (assessor, lead_professional, coordinator, tac_member) and the account roles that
    apply to it (manager only when they manage the lead professional's or assessor's team,
    or the episode's borough; borough_caf_contact only for the episode's own borough).
    The app works these out; the engine trusts them.
    """

    user_id: int
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, user_id: int, *roles: str) -> Actor:
        return cls(user_id, frozenset(roles))


class EpisodeFacts(Protocol):
    """What conditions may know about an episode. The app implements it from its database.

    Consent facts follow DESIGN §3: `has_consent_to_record` and `has_consent_to_share` are
    true only for consent that is current (given and not withdrawn).
    """

    @property
    def has_consent_to_record(self) -> bool: ...
    @property
    def has_consent_to_share(self) -> bool: ...
    @property
    def consent_withdrawn(self) -> bool: ...
    @property
    def consent_refused(self) -> bool: ...
    @property
    def assessment_draft_complete(self) -> bool: ...
    @property
    def assessment_completed(self) -> bool: ...
    @property
    def lead_professional_id(self) -> int | None: ...
    @property
    def action_count(self) -> int: ...
    @property
    def review_count(self) -> int: ...
    @property
    def review_agrees_to_close(self) -> bool: ...
    @property
    def closure_form_complete(self) -> bool: ...
    @property
    def closure_requested_by_id(self) -> int | None: ...
    @property
    def state_before_transfer(self) -> str | None: ...
    @property
    def answers(self) -> Mapping[str, object]: ...
    @property
    def record_counts(self) -> Mapping[str, int]: ...
    @property
    def entered_states(self) -> Mapping[str, datetime]: ...
    @property
    def today(self) -> date | None: ...


@dataclass(frozen=True)
class EpisodeSnapshot:
    """A ready-made EpisodeFacts: the app can fill one from a single query, tests from
    keyword arguments. Frozen, so a condition can never change what it is judging."""

    has_consent_to_record: bool = False
    has_consent_to_share: bool = False
    consent_withdrawn: bool = False
    consent_refused: bool = False
    # The assessment version being written (a draft) has every required answer.
    assessment_draft_complete: bool = False
    # The newest assessment version has been completed (locked); no draft follows it.
    assessment_completed: bool = False
    lead_professional_id: int | None = None
    action_count: int = 0
    review_count: int = 0
    # The newest review has been recorded and agreed to close the CAF.
    review_agrees_to_close: bool = False
    closure_form_complete: bool = False
    closure_requested_by_id: int | None = None
    # The state a transfer to another borough left, while the transfer waits to be accepted.
    state_before_transfer: str | None = None
    # Read only for a definition whose structured conditions need them (expressions.Needs):
    # answers by "form.question", counts by record kind, when each state was last entered.
    answers: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    record_counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    entered_states: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))
    today: date | None = None


#: EpisodeSnapshot's fields read on demand, for the structured conditions that need them.
ON_DEMAND_FACTS = frozenset({"answers", "record_counts", "entered_states", "today"})


Check = Callable[[EpisodeFacts, Actor], bool]


@dataclass(frozen=True)
class Condition:
    """A named guard. `refusal` is what the user is told when it fails: it says what to do."""

    name: str
    refusal: str
    check: Check = field(repr=False, compare=False)
    description: str = ""


class EffectPhase(StrEnum):
    """When the app must run an effect.

    In the transaction: changes to the episode's own records, so that a failure rolls the
    whole transition back (DESIGN §8: old state or new, never half). After the commit:
    anything that leaves the database (email, documents), which cannot be rolled back.
    """

    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True)
class Effect:
    """A named side effect. Only a descriptor: the app supplies the implementation.

    `sets` and `clears` name the facts the effect makes true or false (EpisodeSnapshot's
    fields, and the few more liveness.py lists), so that `workflows check` can tell
    whether a condition can ever hold (webapp/workflow/liveness.py).
    """

    name: str
    phase: EffectPhase
    description: str
    sets: frozenset[str] = frozenset()
    clears: frozenset[str] = frozenset()
    #: Needs no person taking the step, so a timed step (taken by the system) may run it.
    unattended: bool = False


@dataclass(frozen=True)
class PartFact:
    """A fact people establish by editing an episode part (recording consent, completing a
    form, nominating a lead professional), once the facts in `needs` hold; doing so makes
    the facts in `clears` false (a withdrawal of consent ends the consent)."""

    fact: str
    needs: frozenset[str] = frozenset()
    clears: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Registry:
    """The vocabulary definitions are checked against. Immutable once built."""

    conditions: Mapping[str, Condition]
    effects: Mapping[str, Effect]
    roles: Mapping[str, str]  # role name -> how to refer to its holder in a sentence
    parts: Mapping[str, str]  # episode part -> title
    worklist_filters: Mapping[str, str]  # filter name -> what the app must select
    #: The forms a transition may ask for while it is taken -> what the form is.
    forms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: What editing each part can make true, for `workflows check`.
    part_facts: Mapping[str, tuple[PartFact, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: The fact that must hold for someone to hold a role on an episode (roles not listed
    #: are held by an account from the start: the assessor, a manager, the CAF contact).
    role_facts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(
        cls,
        *,
        conditions: Iterable[Condition],
        effects: Iterable[Effect],
        roles: Mapping[str, str],
        parts: Mapping[str, str],
        worklist_filters: Mapping[str, str],
        forms: Mapping[str, str] | None = None,
        part_facts: Mapping[str, tuple[PartFact, ...]] | None = None,
        role_facts: Mapping[str, str] | None = None,
    ) -> Registry:
        return cls(
            conditions=MappingProxyType({condition.name: condition for condition in conditions}),
            effects=MappingProxyType({effect.name: effect for effect in effects}),
            roles=MappingProxyType(dict(roles)),
            parts=MappingProxyType(dict(parts)),
            worklist_filters=MappingProxyType(dict(worklist_filters)),
            forms=MappingProxyType(dict(forms or {})),
            part_facts=MappingProxyType(dict(part_facts or {})),
            role_facts=MappingProxyType(dict(role_facts or {})),
        )

    def role_phrase(self, role: str) -> str:
        return self.roles.get(role, role.replace("_", " "))


ROLES = {
    "assessor": "the assessor",
    "lead_professional": "the lead professional",
    "coordinator": "the episode coordinator",
    "tac_member": "a member of the team around the child",
    "manager": "a manager",
    "borough_caf_contact": "the borough CAF contact",
    "receiving_borough_caf_contact": "the CAF contact of the borough receiving the transfer",
}

PARTS = {
    "checklist": "Pre-assessment checklist",
    "consent": "Consent",
    "assessment": "Assessment",
    "plan": "Delivery plan and actions",
    "tac": "Team around the child",
    "reviews": "Reviews",
    "closure": "Closure",
    "documents": "Documents",
    "safeguarding": "Safeguarding referral",
}

WORKLIST_FILTERS = {
    "review_due": "the next review date has passed, is today, or is within 14 days",
    "not_requested_by_me": "closure was requested by someone other than the user",
}

# National states the transfer conditions compare with (workflows/caf.yaml).
ASSESSING = "assessing"
DELIVERY = frozenset({"delivering", "reviewing"})


def _transferred_before_plan(facts: EpisodeFacts) -> bool:
    return facts.state_before_transfer is not None and facts.state_before_transfer not in DELIVERY


CONDITIONS = (
    Condition(
        "consent_to_record_exists",
        "Record the family's consent to assess and record first",
        lambda facts, actor: facts.has_consent_to_record,
        "Current consent to assess and record the information is on the episode.",
    ),
    Condition(
        "consent_to_record_not_given",
        "Consent to record has been given: there is no refusal to record",
        lambda facts, actor: not facts.has_consent_to_record,
        "Nobody has given consent to record, so a refusal can be noted.",
    ),
    Condition(
        "consent_refusal_recorded",
        "Record who refused consent, and when, on the consent page first",
        lambda facts, actor: facts.consent_refused and not facts.has_consent_to_record,
        "A refusal is recorded and nobody has given consent to record.",
    ),
    Condition(
        "consent_to_share_exists",
        "Record consent to share first",
        lambda facts, actor: facts.has_consent_to_share,
        "Current consent to share the record with named agencies is on the episode.",
    ),
    Condition(
        "consent_withdrawal_recorded",
        "Record the withdrawal of consent on the consent page first",
        lambda facts, actor: facts.consent_withdrawn,
        "The family's withdrawal of consent has been recorded.",
    ),
    # Read before the assessment is completed (the draft must be complete) and after it
    # (a quality check of the version just completed): either way the assessment in hand is.
    Condition(
        "assessment_complete",
        "Complete every required part of the assessment first",
        lambda facts, actor: facts.assessment_draft_complete or facts.assessment_completed,
        "The assessment version being written has every required answer, or the newest "
        "version has been completed.",
    ),
    Condition(
        "lead_professional_nominated",
        "Nominate a lead professional first",
        lambda facts, actor: facts.lead_professional_id is not None,
        "A lead professional has been agreed.",
    ),
    Condition(
        "has_actions",
        "Agree at least one action in the plan first",
        lambda facts, actor: facts.action_count > 0,
        "The delivery plan has at least one action.",
    ),
    Condition(
        "review_recorded",
        "Record a review of the plan first",
        lambda facts, actor: facts.review_count > 0,
        "At least one review of the plan has been recorded.",
    ),
    Condition(
        "closure_form_complete",
        "Complete the closure form first",
        lambda facts, actor: facts.closure_form_complete,
        "The closure form has a reason and a summary.",
    ),
    Condition(
        "approver_is_not_requester",
        "Someone other than the person who requested closure must decide on it",
        lambda facts, actor: (
            facts.closure_requested_by_id is not None
            and facts.closure_requested_by_id != actor.user_id
        ),
        "The person deciding is not the person who requested closure.",
    ),
    # Accepting a transfer continues the CAF where the sending borough left it: one
    # transition per destination, each guarded by where the episode was and by its records.
    # Before the plan, the records decide: a borough's own stage before the assessment
    # (registration) has no completed assessment, so it continues in the assessment.
    Condition(
        "transferred_during_assessment",
        "The episode was not transferred before its assessment was completed",
        lambda facts, actor: _transferred_before_plan(facts) and not facts.assessment_completed,
        "The episode was transferred before its assessment was completed.",
    ),
    Condition(
        "transferred_before_delivery",
        "The episode was not transferred between its assessment and the start of its plan",
        lambda facts, actor: _transferred_before_plan(facts) and facts.assessment_completed,
        "The episode was transferred after its assessment was completed, before its plan started.",
    ),
    Condition(
        "transferred_during_delivery",
        "The episode was not transferred while its plan was being delivered",
        lambda facts, actor: facts.state_before_transfer in DELIVERY,
        "The episode was transferred while its plan was being delivered or reviewed.",
    ),
)

EFFECTS = (
    Effect(
        "record_consent_refusal",
        EffectPhase.IN_TRANSACTION,
        "Note who refused consent and when; store nothing of the assessment.",
    ),
    Effect(
        "start_new_assessment_version",
        EffectPhase.IN_TRANSACTION,
        "Open a new assessment version; earlier versions stay as they were.",
        sets=frozenset({"assessment_draft"}),
        clears=frozenset({"assessment_draft_complete", "assessment_completed"}),
    ),
    Effect(
        "lock_assessment_version",
        EffectPhase.IN_TRANSACTION,
        "Make the current assessment version read-only.",
        sets=frozenset({"assessment_completed"}),
        clears=frozenset({"assessment_draft", "assessment_draft_complete"}),
    ),
    Effect(
        "record_quality_check",
        EffectPhase.IN_TRANSACTION,
        "Note who quality-checked the assessment and when.",
    ),
    Effect("notify_tac_of_plan", EffectPhase.AFTER_COMMIT, "Tell the TAC the plan is under way."),
    Effect(
        "schedule_next_review",
        EffectPhase.IN_TRANSACTION,
        "Set the next review date from the review just recorded.",
    ),
    Effect(
        "record_closure_request",
        EffectPhase.IN_TRANSACTION,
        "Note who requested closure, so that they cannot approve it.",
        sets=frozenset({"closure_requested_by_id"}),
    ),
    Effect(
        "notify_managers_of_closure_request",
        EffectPhase.AFTER_COMMIT,
        "Tell the managers who may approve the closure.",
    ),
    Effect(
        "record_closure",
        EffectPhase.IN_TRANSACTION,
        "Close the episode: set the closing date and make it read-only.",
    ),
    Effect(
        "notify_tac_of_closure", EffectPhase.AFTER_COMMIT, "Tell the TAC the episode is closed."
    ),
    Effect(
        "notify_managers",
        EffectPhase.AFTER_COMMIT,
        "Tell the episode's managers which step was taken, and why.",
        unattended=True,
    ),
    Effect(
        "record_closure_sent_back",
        EffectPhase.IN_TRANSACTION,
        "Clear the closure request and keep the decision and its comment.",
        clears=frozenset({"closure_requested_by_id"}),
    ),
    Effect(
        "notify_lead_professional_of_decision",
        EffectPhase.AFTER_COMMIT,
        "Tell the lead professional closure was sent back, and why.",
    ),
    Effect(
        "reopen_episode",
        EffectPhase.IN_TRANSACTION,
        "Clear the closing date; the reason is kept in the history.",
        clears=frozenset({"closure_requested_by_id"}),
    ),
    Effect(
        "record_safeguarding_referral",
        EffectPhase.IN_TRANSACTION,
        "Record the referral to children's social care with its reasons.",
    ),
    Effect(
        "notify_safeguarding_contacts",
        EffectPhase.AFTER_COMMIT,
        "Tell the borough CAF contact and the lead professional about the referral.",
    ),
    Effect(
        "record_step_down",
        EffectPhase.IN_TRANSACTION,
        "Record that children's social care stepped the episode down to CAF.",
    ),
    Effect(
        "suspend_sharing",
        EffectPhase.IN_TRANSACTION,
        "Stop all new sharing of the episode now that consent is withdrawn.",
    ),
    Effect(
        "notify_tac_of_withdrawal",
        EffectPhase.AFTER_COMMIT,
        "Tell the TAC that consent was withdrawn.",
    ),
    Effect(
        "mark_transferred",
        EffectPhase.IN_TRANSACTION,
        "Record the receiving borough and make this episode read-only.",
        sets=frozenset({"state_before_transfer"}),
    ),
    Effect(
        "notify_receiving_borough",
        EffectPhase.AFTER_COMMIT,
        "Tell the receiving borough's CAF contact about the transfer.",
    ),
    Effect(
        "complete_transfer",
        EffectPhase.IN_TRANSACTION,
        "Move the episode, with everything in it, to the receiving borough and its workflow.",
        clears=frozenset({"state_before_transfer"}),
    ),
    Effect(
        "notify_transfer_accepted",
        EffectPhase.AFTER_COMMIT,
        "Tell the sending borough's CAF contact and the team that the transfer was accepted.",
    ),
)

# The forms a step may ask for. The step page draws `transfer` (the receiving borough) and
# `safeguarding_referral` (the register entry); the others name the record the step needs,
# completed on the episode's pages first.
FORMS = {
    "transfer": "The borough the episode moves to, chosen on the step page.",
    "closure": "The closure form (reason, summary, outcome per need) on the episode's forms.",
    "consent_refusal": "The refusal, noted on the refusal page, which keeps nothing of the CAF.",
    "safeguarding_referral": (
        "The referral: why (the step's reasons), to whom, what was shared and on what basis; "
        "it goes in the information-sharing register"
    ),
}

# What people can establish by editing each part, and what it needs first (saving any
# form needs current consent to record: DESIGN §3).
PART_FACTS = {
    "consent": (
        PartFact("has_consent_to_record", clears=frozenset({"consent_withdrawn"})),
        PartFact("has_consent_to_share", clears=frozenset({"consent_withdrawn"})),
        PartFact(
            "consent_refused", clears=frozenset({"has_consent_to_record", "has_consent_to_share"})
        ),
        PartFact(
            "consent_withdrawn",
            frozenset({"has_consent_to_record"}),
            frozenset({"has_consent_to_record", "has_consent_to_share"}),
        ),
    ),
    "assessment": (
        PartFact(
            "assessment_draft_complete",
            frozenset({"assessment_draft", "has_consent_to_record"}),
        ),
        PartFact("action_count", frozenset({"assessment_draft", "has_consent_to_record"})),
    ),
    "plan": (PartFact("action_count", frozenset({"has_consent_to_record"})),),
    "reviews": (PartFact("review_count", frozenset({"has_consent_to_record"})),),
    "closure": (PartFact("closure_form_complete"),),
    "tac": (
        PartFact("lead_professional_id"),
        PartFact("coordinator"),
        PartFact("tac_member"),
    ),
}

#: The episode part whose page edits each form's answers, for `workflows check` (the
#: table of form kinds in webapp/assessments/kinds.py agrees: a test compares them).
FORM_PARTS = {
    "pre_assessment_checklist": ("checklist",),
    "caf_assessment": ("assessment",),
    "delivery_plan_review": ("plan", "reviews"),
    "tac_meeting": ("tac",),
    "closure": ("closure",),
}
#: Forms that can be saved without current consent to record (DESIGN §3).
FORMS_WITHOUT_CONSENT = frozenset({"closure"})

ROLE_FACTS = {
    "lead_professional": "lead_professional_id",
    "coordinator": "coordinator",
    "tac_member": "tac_member",
    "receiving_borough_caf_contact": "state_before_transfer",
}

DEFAULT_REGISTRY = Registry.build(
    conditions=CONDITIONS,
    effects=EFFECTS,
    roles=ROLES,
    parts=PARTS,
    worklist_filters=WORKLIST_FILTERS,
    forms=FORMS,
    part_facts=PART_FACTS,
    role_facts=ROLE_FACTS,
)
