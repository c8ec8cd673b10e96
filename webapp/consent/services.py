"""Consent rules (DESIGN §3, guidance 4.11-4.18), enforced here, whatever screen or request
calls them: who can consent, what an informed decision needs, and withdrawal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation
from webapp.consent.models import (
    Consent,
    ConsentAgency,
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    ConsentReview,
    ReviewOutcome,
)
from webapp.db import utcnow
from webapp.episodes.models import Episode, Notification
from webapp.episodes.recipients import notify, team

WITHDRAWN_NOTIFICATION = "consent_withdrawn"

POINTS = ("why", "what", "who", "purpose", "implications", "right_to_see")
SCOPES = ("to_assess", "to_record", "to_share", "includes_sensitive")
SENSITIVE = "includes_sensitive"
IMPLIED_IS_BASIC = (
    "Implied consent covers basic information only: sensitive information needs their "
    "explicit agreement, in writing or verbally. Clear ‘To include sensitive information’, "
    "or record how they agreed explicitly"
)
SENSITIVE_NEEDS_SCOPE = (
    "Sensitive information is agreed for recording or sharing: select ‘To record and "
    "store the information’ or ‘To share the information’ as well"
)


@dataclass
class ConsentInput:
    given_by: ConsentGiver
    decision: ConsentDecision
    method: ConsentMethod
    given_on: date
    review_on: date | None = None
    given_by_name: str = ""
    relationship_to_child: str = ""
    has_parental_responsibility: bool | None = None
    child_has_sufficient_understanding: bool | None = None
    understanding_judgement: str = ""
    scope: frozenset[str] = frozenset()
    organisation_ids: tuple[int, ...] = ()
    other_services: tuple[str, ...] = ()
    not_to_share: str = ""
    points_explained: frozenset[str] = frozenset()


class ConsentInvalid(ValueError):
    """The decision cannot be recorded as it stands; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class ConsentStatus:
    """Consent at a glance for an episode."""

    current: list[Consent] = field(default_factory=list)
    refusals: list[Consent] = field(default_factory=list)
    withdrawn: list[Consent] = field(default_factory=list)

    def agreed(self, scope: str) -> bool:
        return any(getattr(consent, scope) for consent in self.current)

    @property
    def sensitive_agreed(self) -> bool:
        """Current consent explicitly covers sensitive information (DCSF 2010, 17)."""
        return any(consent.includes_sensitive for consent in self.current)

    @property
    def sharing_with(self) -> list[str]:
        names = []
        for consent in self.current:
            if consent.to_share:
                for agency in consent.agencies:
                    name = agency.organisation.name if agency.organisation else agency.service_name
                    if name not in names:
                        names.append(name)
        return names

    @property
    def not_to_share(self) -> list[str]:
        """What the family asked not to be shared, or not with whom, in each current consent."""
        return [consent.not_to_share for consent in self.current if consent.not_to_share]

    @property
    def review_on(self) -> date | None:
        dates = [consent.review_on for consent in self.current if consent.review_on]
        return min(dates) if dates else None

    def review_overdue(self, today: date | None = None) -> bool:
        """The review date of a current consent has passed without a review."""
        return self.review_on is not None and self.review_on < (today or date.today())


READ_ONCE = "consent.read_once"


@contextmanager
def read_once(db_session: Session) -> Iterator[None]:
    """Within it, each episode's consents are read from the database once, however many of
    the workflow facts, the refusal rule and consent at a glance ask for them: for a page
    that only reads. Outside it every call reads afresh, as a rule checked under a lock must."""
    db_session.info[READ_ONCE] = {}
    try:
        yield
    finally:
        db_session.info.pop(READ_ONCE, None)


def episode_consents(db_session: Session, episode: Episode) -> list[Consent]:
    """Every consent of the episode, oldest first, with the agencies each names."""
    read = db_session.info.get(READ_ONCE)
    if read is not None and episode.id in read:
        return read[episode.id]
    consents = list(
        db_session.scalars(
            select(Consent)
            .where(Consent.episode_id == episode.id)
            .order_by(Consent.recorded_at, Consent.id)
            # `sharing_with` names the agencies of every consent: read them with the consents
            .options(selectinload(Consent.agencies).joinedload(ConsentAgency.organisation))
        )
    )
    if read is not None:
        read[episode.id] = consents
    return consents


def status(db_session: Session, episode: Episode) -> ConsentStatus:
    result = ConsentStatus()
    for consent in episode_consents(db_session, episode):
        if consent.decision is ConsentDecision.REFUSED:
            result.refusals.append(consent)
        elif consent.withdrawn_at is not None:
            result.withdrawn.append(consent)
        else:
            result.current.append(consent)
    return result


NEEDS_RECORDING = (
    "Select ‘To record and store the information’. If they do not agree to it, record a "
    "refusal instead: nothing can be kept without it"
)
REFUSAL_ELSEWHERE = "Record the refusal on the refusal page instead: nothing of the CAF can be kept"


def record_ever_agreed(db_session: Session, episode: Episode) -> bool:
    """Has the family ever agreed to this CAF being recorded? Until they have, a refusal
    keeps nothing (webapp/consent/refusals.py), and consent must include recording."""
    return any(
        consent.decision is ConsentDecision.GIVEN
        and consent.to_record
        # a children's centre registration kept the family's basic details, not this CAF:
        # until the family agree to it, a refusal keeps nothing of it
        and consent.centre_registration_id is None
        for consent in episode_consents(db_session, episode)
    )


def check(
    data: ConsentInput, agencies_allowed: set[int], today: date, *, record_agreed: bool = True
) -> dict[str, str]:
    """What is wrong with the decision, by field. Before the family has ever agreed to the
    CAF being recorded (`record_agreed` false), consent must include recording and a
    refusal is noted on the refusal page, where nothing is kept (guidance 4.17-4.18)."""
    errors: dict[str, str] = {}
    if not record_agreed:
        if data.decision is ConsentDecision.REFUSED:
            errors["decision"] = REFUSAL_ELSEWHERE
        elif data.scope and "to_record" not in data.scope:
            errors["scope"] = NEEDS_RECORDING
    if data.given_by is ConsentGiver.CHILD:
        if data.child_has_sufficient_understanding is None:
            errors["sufficient_understanding"] = (
                "Select whether the child or young person has sufficient understanding"
            )
        elif not data.child_has_sufficient_understanding:
            errors["sufficient_understanding"] = (
                "A child without sufficient understanding cannot make this decision: record "
                "the decision of a parent or carer with parental responsibility"
            )
        if not data.understanding_judgement.strip():
            errors["understanding_judgement"] = "Explain your judgement of their understanding"
    else:
        if not data.given_by_name.strip():
            errors["given_by_name"] = "Enter the full name of the parent or carer"
        if not data.relationship_to_child.strip():
            errors["relationship_to_child"] = "Enter their relationship to the child"
        if data.has_parental_responsibility is None:
            errors["parental_responsibility"] = "Select whether they have parental responsibility"
        elif not data.has_parental_responsibility:
            errors["parental_responsibility"] = (
                "Only a parent or carer with parental responsibility can make this decision"
            )
    if data.decision is ConsentDecision.GIVEN:
        if not data.scope:
            errors["scope"] = "Select what they have agreed to"
        elif not data.scope <= set(SCOPES):
            errors["scope"] = "Select what they have agreed to from the list"
        if "to_share" in data.scope and not (data.organisation_ids or data.other_services):
            errors["agencies"] = (
                "Select the agencies they agreed the information can be shared with"
            )
        if set(data.organisation_ids) - agencies_allowed:
            errors["agencies"] = "Select agencies from the list"
        if SENSITIVE in data.scope and "scope" not in errors:
            # DCSF 2010, "Implied consent": "generally not sufficient as a basis for sharing
            # sensitive personal data"; paragraph 17: explicit, informed consent is required
            if not data.method.is_explicit:
                errors["scope"] = IMPLIED_IS_BASIC
            elif not data.scope & {"to_record", "to_share"}:
                errors["scope"] = SENSITIVE_NEEDS_SCOPE
        if set(data.points_explained) != set(POINTS):
            errors["points_explained"] = (
                "Confirm you explained every point: consent must be informed"
            )
    elif data.scope or data.organisation_ids or data.other_services:
        errors["scope"] = "A refusal cannot agree to anything: clear what they agreed to"
    if data.given_on > today:
        errors["given_on"] = "The date of the decision must be today or in the past"
    if data.review_on is not None and data.review_on <= data.given_on:
        errors["review_on"] = "The date to review consent must be after the date of the decision"
    return errors


def record(
    db_session: Session, episode: Episode, recorded_by: User, data: ConsentInput, today: date
) -> Consent:
    agencies_allowed = set(
        db_session.scalars(
            select(Organisation.id).where(Organisation.id.in_(data.organisation_ids))
        )
    )
    errors = check(
        data, agencies_allowed, today, record_agreed=record_ever_agreed(db_session, episode)
    )
    if errors:
        raise ConsentInvalid(errors)
    given = data.decision is ConsentDecision.GIVEN
    child = data.given_by is ConsentGiver.CHILD
    consent = Consent(
        episode_id=episode.id,
        decision=data.decision,
        given_by=data.given_by,
        given_by_name=episode.child.display_name if child else data.given_by_name.strip(),
        relationship_to_child="Self" if child else data.relationship_to_child.strip(),
        has_parental_responsibility=None if child else data.has_parental_responsibility,
        child_has_sufficient_understanding=data.child_has_sufficient_understanding
        if child
        else None,
        understanding_judgement=data.understanding_judgement.strip() if child else "",
        to_assess=given and "to_assess" in data.scope,
        to_record=given and "to_record" in data.scope,
        to_share=given and "to_share" in data.scope,
        includes_sensitive=given and SENSITIVE in data.scope,
        not_to_share=data.not_to_share.strip() if given else "",
        points_explained=json.dumps(sorted(data.points_explained)),
        method=data.method,
        given_on=data.given_on,
        review_on=data.review_on,
        recorded_by_id=recorded_by.id,
    )
    if consent.to_share:
        consent.agencies = [ConsentAgency(organisation_id=oid) for oid in data.organisation_ids] + [
            ConsentAgency(service_name=name) for name in data.other_services
        ]
        episode.sharing_suspended = False
    db_session.add(consent)
    db_session.flush()
    audit.record_about(
        db_session,
        "consent.given" if given else "consent.refused",
        consent,
        recorded_by,
        episode=episode,
        scope=sorted(data.scope),
        method=data.method.value,
        given_by=data.given_by.value,
        agencies=list(data.organisation_ids),
        other_services=list(data.other_services),
        not_to_share_recorded=bool(consent.not_to_share),
    )
    return consent


def mark_withdrawn(
    record: Any, user: User, reason: str, *, not_current: str, invalid: type[Exception]
) -> None:
    """Write on `record` (a consent, or a registration consent started from) who withdrew
    it, when, and what they said; refused with `invalid` if it is no longer current, or if
    what they said is missing."""
    if not record.is_current:
        raise invalid({"withdrawal_reason": not_current})
    if not reason.strip():
        raise invalid({"withdrawal_reason": "Enter what they said when they withdrew consent"})
    record.withdrawn_at = utcnow()
    record.withdrawn_by_id = user.id
    record.withdrawal_reason = reason.strip()


def withdraw(db_session: Session, consent: Consent, withdrawn_by: User, reason: str) -> None:
    mark_withdrawn(
        consent,
        withdrawn_by,
        reason,
        not_current="This consent is not current",
        invalid=ConsentInvalid,
    )
    episode = db_session.get(Episode, consent.episode_id)
    still_shared = any(
        other.is_current and other.to_share and other.id != consent.id
        for other in db_session.scalars(select(Consent).where(Consent.episode_id == episode.id))
    )
    if not still_shared:
        episode.sharing_suspended = True
    audit.record_about(
        db_session,
        "consent.withdrawn",
        consent,
        withdrawn_by,
        episode=episode,
        reason=consent.withdrawal_reason,
    )
    # DESIGN §3: from now on the team is told, whether or not a workflow step follows.
    notify_team_of_withdrawal(db_session, episode, withdrawn_by)


def notify_team_of_withdrawal(db_session: Session, episode: Episode, actor: User) -> None:
    """Tell everyone on the team around the child that consent was withdrawn: once for
    each withdrawal, so the workflow's `withdraw_consent` step, taken afterwards, does not
    tell anyone a second time."""
    withdrawals = [
        consent.withdrawn_at
        for consent in db_session.scalars(select(Consent).where(Consent.episode_id == episode.id))
        if consent.withdrawn_at is not None
    ]
    db_session.flush()
    told: set[int] = set()
    if withdrawals:
        told = set(
            db_session.scalars(
                select(Notification.user_id).where(
                    Notification.episode_id == episode.id,
                    Notification.kind == WITHDRAWN_NOTIFICATION,
                    Notification.created_at >= max(withdrawals),
                )
            )
        )
    for user in team(episode):
        if user is None or user.id in told or user.id == actor.id or not user.active:
            continue
        told.add(user.id)
        notify(
            db_session,
            user.id,
            episode.id,
            WITHDRAWN_NOTIFICATION,
            f"Consent for {episode.reference} was withdrawn: share nothing more.",
        )


def record_review(
    db_session: Session,
    consent: Consent,
    reviewed_by: User,
    *,
    reviewed_on: date | None,
    outcome: str,
    next_review_on: date | None,
    today: date,
) -> ConsentReview:
    """Record a review of a current consent. Still agreed: the consent's review date moves
    to `next_review_on`. Withdraw: the review is recorded, and the withdrawal itself is
    recorded next with `withdraw` (it needs what the family said). Raises ConsentInvalid."""
    errors: dict[str, str] = {}
    if not consent.is_current:
        raise ConsentInvalid({"outcome": "This consent is not current"})
    try:
        decided = ReviewOutcome(outcome)
    except ValueError:
        decided = None
        errors["outcome"] = "Select what they decided"
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review"
    elif reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    elif reviewed_on < consent.given_on:
        errors["reviewed_on"] = (
            "The date of the review must be on or after the date of the decision"
        )
    if decided is ReviewOutcome.STILL_AGREED:
        if next_review_on is None:
            errors["next_review_on"] = "Enter the date of the next review"
        elif next_review_on <= max(today, reviewed_on or today):
            errors["next_review_on"] = "The date of the next review must be in the future"
    else:
        next_review_on = None
    if errors:
        raise ConsentInvalid(errors)
    review = ConsentReview(
        consent_id=consent.id,
        reviewed_on=reviewed_on,
        outcome=decided,
        next_review_on=next_review_on,
        reviewed_by_id=reviewed_by.id,
    )
    if decided is ReviewOutcome.STILL_AGREED:
        consent.review_on = next_review_on
    db_session.add(review)
    db_session.flush()
    episode = db_session.get(Episode, consent.episode_id)
    audit.record_about(
        db_session,
        "consent.reviewed",
        consent,
        reviewed_by,
        episode=episode,
        outcome=decided.value,
        reviewed_on=reviewed_on.isoformat(),
        next_review_on=next_review_on.isoformat() if next_review_on else None,
    )
    return review


def reviews_of(db_session: Session, episode: Episode) -> dict[int, list[ConsentReview]]:
    """Each consent's reviews, newest first, by consent id."""
    found: dict[int, list[ConsentReview]] = {}
    for review in db_session.scalars(
        select(ConsentReview)
        .join(Consent, Consent.id == ConsentReview.consent_id)
        .where(Consent.episode_id == episode.id)
        .order_by(ConsentReview.reviewed_on.desc(), ConsentReview.id.desc())
    ):
        found.setdefault(review.consent_id, []).append(review)
    return found
