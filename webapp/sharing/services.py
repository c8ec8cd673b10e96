"""Sharing rules (DESIGN §3, guidance 4.17 and 4.21-4.24), enforced here whatever calls them:
the team around the child, documents, or a practitioner recording a decision by hand.

Sharing with an agency is allowed when current consent to share names it and consent has not
been withdrawn from the episode (`sharing_suspended`), or when the user records a
public-interest decision. Every decision, to share or not, goes in the register.

    basis = check_sharing(db_session, episode, organisation_id)          # raises SharingRefused
    share(db_session, episode, user, what="...", organisation_id=...)    # check + register row
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation
from webapp.consent.models import Consent, ConsentDecision
from webapp.db import newest_first
from webapp.episodes.models import Episode
from webapp.episodes.recipients import notify
from webapp.sharing.models import (
    PublicInterestGround,
    SharingBasis,
    SharingDecision,
    SharingReview,
)

WHAT_MAX = 2000
REASONS_MAX = 4000
RECIPIENT_MAX = 160
ADVISER_MAX = 200


@dataclass(frozen=True)
class PublicInterest:
    """A decision to share without consent (guidance 4.21-4.25): why it is justified (a case
    4.23 names, a judgement on the facts of this case, or non-confidential information for a
    legitimate purpose), the facts (`reasons`), why sharing is necessary and proportionate,
    exactly what is shared (when the action sharing it does not say), whether the family was
    told or why not, and whether advice was taken and from whom."""

    ground: PublicInterestGround | str
    reasons: str
    necessity: str = ""
    shared: str = ""
    family_told: bool | None = None
    family_not_told_reason: str = ""
    advice_taken: bool | None = None
    advice_from: str = ""


def public_interest_problems(
    public_interest: PublicInterest, *, shared_asked: bool = True
) -> dict[str, str]:
    """What is missing or wrong in a decision to share without consent, by question (the
    keys are PublicInterest's fields). `shared_asked` false: what is shared is said
    elsewhere (the register page's own question)."""
    problems: dict[str, str] = {}
    if not public_interest.ground:
        problems["ground"] = "Select the grounds for sharing without consent"
    else:
        try:
            PublicInterestGround(public_interest.ground)
        except ValueError:
            problems["ground"] = "Select the grounds for sharing from the list"
    texts = (
        ("reasons", REASONS_MAX, "Enter the facts of the case", "The facts of the case"),
        (
            "necessity",
            REASONS_MAX,
            "Enter why sharing is necessary, and proportionate to the need",
            "Why sharing is necessary",
        ),
        ("shared", WHAT_MAX, "Enter exactly what you are sharing", "What you are sharing"),
    )
    for name, limit, missing, label in texts:
        if name == "shared" and not shared_asked:
            continue
        value = (getattr(public_interest, name) or "").strip()
        if not value:
            problems[name] = missing
        elif len(value) > limit:
            problems[name] = f"{label} must be {limit} characters or fewer"
    if public_interest.family_told is None:
        problems["family_told"] = "Select whether the family have been told"
    elif not public_interest.family_told:
        reason = (public_interest.family_not_told_reason or "").strip()
        if not reason:
            problems["family_not_told_reason"] = "Enter why the family have not been told"
        elif len(reason) > REASONS_MAX:
            problems["family_not_told_reason"] = (
                f"Why they have not been told must be {REASONS_MAX} characters or fewer"
            )
    if public_interest.advice_taken is None:
        problems["advice_taken"] = "Select whether you took advice"
    elif public_interest.advice_taken:
        adviser = (public_interest.advice_from or "").strip()
        if not adviser:
            problems["advice_from"] = "Enter who advised you"
        elif len(adviser) > ADVISER_MAX:
            problems["advice_from"] = f"Who advised you must be {ADVISER_MAX} characters or fewer"
    return problems


class SharingRefused(Exception):
    """Sharing is not allowed: `reason` says why, in words the user can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SharingInvalid(ValueError):
    """The decision cannot be recorded as it stands; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def sharing_consents(db_session: Session, episode: Episode) -> list[Consent]:
    """Current consents to share on the episode; none once consent has been withdrawn."""
    if episode.sharing_suspended:
        return []
    return list(
        db_session.scalars(
            select(Consent)
            .where(
                Consent.episode_id == episode.id,
                Consent.decision == ConsentDecision.GIVEN,
                Consent.withdrawn_at.is_(None),
                Consent.to_share.is_(True),
            )
            .order_by(Consent.recorded_at)
        )
    )


def covering_consent(
    db_session: Session,
    episode: Episode,
    organisation_id: int | None = None,
    service_name: str = "",
    *,
    sensitive: bool = False,
) -> Consent | None:
    """The current consent that agrees sharing with this agency (or named service); with
    `sensitive`, one that explicitly includes sensitive information (DCSF 2010, 17)."""
    wanted = _normalised(service_name)
    for consent in sharing_consents(db_session, episode):
        if sensitive and not consent.includes_sensitive:
            continue
        for agency in consent.agencies:
            if organisation_id is not None and agency.organisation_id == organisation_id:
                return consent
            if organisation_id is None and wanted and _normalised(agency.service_name) == wanted:
                return consent
    return None


def agency_has_consent(
    db_session: Session, episode: Episode, organisation_id: int, *, sensitive: bool = False
) -> bool:
    return (
        covering_consent(db_session, episode, organisation_id=organisation_id, sensitive=sensitive)
        is not None
    )


def service_has_consent(db_session: Session, episode: Episode, service_name: str) -> bool:
    return covering_consent(db_session, episode, service_name=service_name) is not None


def consented_organisation_ids(
    db_session: Session, episode: Episode, *, sensitive: bool = False
) -> set[int]:
    """The agencies current consent agrees sharing with (with `sensitive`, sharing
    sensitive information too)."""
    return {
        agency.organisation_id
        for consent in sharing_consents(db_session, episode)
        if consent.includes_sensitive or not sensitive
        for agency in consent.agencies
        if agency.organisation_id is not None
    }


def _check_public_interest(
    public_interest: PublicInterest, *, shared_asked: bool = True
) -> PublicInterestGround:
    problems = public_interest_problems(public_interest, shared_asked=shared_asked)
    if problems:
        raise SharingInvalid(problems)
    return PublicInterestGround(public_interest.ground)


def _recipient_label(db_session: Session, organisation_id: int | None, service_name: str) -> str:
    if organisation_id is not None:
        organisation = db_session.get(Organisation, organisation_id)
        if organisation is not None:
            return organisation.name
    return service_name.strip() or "This agency"


def check_sharing(
    db_session: Session,
    episode: Episode,
    organisation_id: int | None = None,
    public_interest: PublicInterest | None = None,
    *,
    service_name: str = "",
    sensitive: bool = False,
) -> SharingBasis:
    """On what basis may the episode be shared with this agency (or named service)?

    Returns PUBLIC_INTEREST when a valid public-interest decision is given (grounds and
    reasons), CONSENT when current consent names the agency, and raises SharingRefused
    otherwise (including after consent has been withdrawn). `sensitive`: what is shared
    includes sensitive personal data, which consent covers only when the family agreed to
    it explicitly (DCSF 2010, paragraph 17). Writes nothing."""
    if public_interest is not None:
        _check_public_interest(public_interest, shared_asked=False)
        return SharingBasis.PUBLIC_INTEREST
    if (
        covering_consent(db_session, episode, organisation_id, service_name, sensitive=sensitive)
        is not None
    ):
        return SharingBasis.CONSENT
    name = _recipient_label(db_session, organisation_id, service_name)
    if sensitive and covering_consent(db_session, episode, organisation_id, service_name):
        raise SharingRefused(
            f"The family's consent to share with {name} covers basic information only, and "
            "this shares sensitive information (health, development, family life and the "
            "like), which needs their explicit consent. Record their explicit consent to "
            "share sensitive information, or a decision to share without consent, or do "
            "not share."
        )
    if episode.sharing_suspended:
        raise SharingRefused(
            f"Consent to share has been withdrawn: nothing more may be shared with {name}. "
            "Record a public-interest decision to share without consent, or do not share."
        )
    raise SharingRefused(
        f"{name} is not in the agencies the family agreed to share with. Record a "
        "public-interest decision to share without consent, or do not share."
    )


def _check_decision(
    db_session: Session,
    basis: SharingBasis,
    what: str,
    organisation_id: int | None,
    recipient_user: User | None,
    recipient_name: str,
    reasons: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not what.strip():
        errors["what"] = (
            "Enter what was asked for and not shared"
            if basis is SharingBasis.NOT_SHARED
            else "Enter what was shared"
        )
    elif len(what.strip()) > WHAT_MAX:
        errors["what"] = f"What was shared must be {WHAT_MAX} characters or fewer"
    if organisation_id is not None and db_session.get(Organisation, organisation_id) is None:
        errors["organisation_id"] = "Select an agency from the list"
    if organisation_id is None and recipient_user is None and not recipient_name.strip():
        errors["organisation_id"] = "Select the agency, or enter the name of the person or service"
    if len(recipient_name.strip()) > RECIPIENT_MAX:
        errors["recipient_name"] = (
            f"The name of the person or service must be {RECIPIENT_MAX} characters or fewer"
        )
    if basis is SharingBasis.NOT_SHARED and not reasons.strip():
        errors["reasons"] = "Enter your reasons for not sharing"
    elif len(reasons.strip()) > REASONS_MAX:
        errors["reasons"] = f"Your reasons must be {REASONS_MAX} characters or fewer"
    return errors


def record_decision(
    db_session: Session,
    episode: Episode,
    decided_by: User,
    *,
    basis: SharingBasis,
    what: str,
    organisation_id: int | None = None,
    recipient_user: User | None = None,
    recipient_name: str = "",
    reasons: str = "",
    public_interest: PublicInterest | None = None,
    client_address: str = "",
    sensitive: bool = False,
) -> SharingDecision:
    """Write one register entry (and its audit event) in the caller's transaction.

    The rules are checked again here: a CONSENT entry needs current consent naming the
    agency (else SharingRefused), a PUBLIC_INTEREST entry needs `public_interest`, and a
    NOT_SHARED entry needs reasons. Bad input raises SharingInvalid. With `recipient_user`,
    their organisation is the agency whose consent counts."""
    basis = SharingBasis(basis)
    if recipient_user is not None and organisation_id is None:
        organisation_id = recipient_user.organisation_id
    if basis is SharingBasis.PUBLIC_INTEREST and public_interest is not None:
        reasons = public_interest.reasons
        exactly = (public_interest.shared or "").strip()
        if exactly and exactly != what.strip():
            what = f"{what.strip().rstrip('.')}. Exactly what is shared: {exactly}"
    errors = _check_decision(
        db_session, basis, what, organisation_id, recipient_user, recipient_name, reasons
    )
    if errors:
        raise SharingInvalid(errors)
    ground = None
    consent = None
    judgement: dict[str, object] = {}
    if basis is SharingBasis.PUBLIC_INTEREST:
        if public_interest is None:
            raise SharingInvalid({"ground": "Select the grounds for sharing without consent"})
        ground = _check_public_interest(public_interest, shared_asked=False)
        judgement = {
            "necessity": public_interest.necessity.strip(),
            "family_told": public_interest.family_told,
            "family_not_told_reason": ""
            if public_interest.family_told
            else public_interest.family_not_told_reason.strip(),
            "advice_taken": public_interest.advice_taken,
            "advice_from": public_interest.advice_from.strip()
            if public_interest.advice_taken
            else "",
        }
    elif basis is SharingBasis.CONSENT:
        service = "" if organisation_id is not None else recipient_name
        consent = covering_consent(
            db_session, episode, organisation_id, service, sensitive=sensitive
        )
        if consent is None:  # raises
            check_sharing(
                db_session, episode, organisation_id, service_name=service, sensitive=sensitive
            )
    decision = SharingDecision(
        episode_id=episode.id,
        decided_by_id=decided_by.id,
        basis=basis,
        ground=ground,
        what=what.strip(),
        organisation_id=organisation_id,
        recipient_user_id=recipient_user.id if recipient_user is not None else None,
        recipient_name=recipient_name.strip(),
        reasons=reasons.strip(),
        consent_id=consent.id if consent is not None else None,
        **judgement,
    )
    db_session.add(decision)
    db_session.flush()
    audit.record_about(
        db_session,
        "sharing.decision_recorded",
        decision,
        decided_by,
        client_address,
        episode=episode,
        basis=basis.value,
        ground=ground.value if ground else None,
        organisation_id=organisation_id,
        recipient_user_id=decision.recipient_user_id,
        recipient_name=decision.recipient_name,
        consent_id=decision.consent_id,
        sensitive=sensitive,
        family_told=decision.family_told,
        advice_taken=decision.advice_taken,
    )
    return decision


def share(
    db_session: Session,
    episode: Episode,
    decided_by: User,
    *,
    what: str,
    organisation_id: int | None = None,
    recipient_user: User | None = None,
    recipient_name: str = "",
    public_interest: PublicInterest | None = None,
    client_address: str = "",
    sensitive: bool = False,
) -> SharingDecision:
    """Check that sharing is allowed and write it to the register, in one call.
    `sensitive`: what is shared includes sensitive personal data (see check_sharing).

    Raises SharingRefused (not covered by consent, or consent withdrawn, and no
    public-interest decision) or SharingInvalid; nothing is written then. Roll back, then
    call `record_refusal` to audit the attempt."""
    if recipient_user is not None and organisation_id is None:
        organisation_id = recipient_user.organisation_id
    service = "" if organisation_id is not None else recipient_name
    basis = check_sharing(
        db_session,
        episode,
        organisation_id,
        public_interest,
        service_name=service,
        sensitive=sensitive,
    )
    return record_decision(
        db_session,
        episode,
        decided_by,
        basis=basis,
        what=what,
        organisation_id=organisation_id,
        recipient_user=recipient_user,
        recipient_name=recipient_name,
        public_interest=public_interest,
        client_address=client_address,
        sensitive=sensitive,
    )


def record_refusal(
    db_session: Session,
    episode: Episode,
    user: User,
    problem: SharingRefused | SharingInvalid | str,
    *,
    organisation_id: int | None = None,
    attempted: str = "share",
    client_address: str = "",
) -> None:
    """Audit a refused or invalid attempt (after the caller's rollback)."""
    audit.record_for_episode(
        db_session,
        "sharing.refused",
        episode,
        actor_id=user.id,
        client_address=client_address,
        attempted=attempted,
        organisation_id=organisation_id,
        reason=str(problem),
        fields=sorted(problem.errors) if isinstance(problem, SharingInvalid) else [],
    )


def register(db_session: Session, episode: Episode) -> list[SharingDecision]:
    """The episode's register, newest first."""
    return newest_first(
        db_session, SharingDecision.decided_at, SharingDecision.episode_id == episode.id
    )


def for_episodes(db_session: Session, episode_ids: list[int]) -> list[SharingDecision]:
    if not episode_ids:
        return []
    return list(
        db_session.scalars(
            select(SharingDecision)
            .where(SharingDecision.episode_id.in_(episode_ids))
            .order_by(SharingDecision.decided_at, SharingDecision.id)
        )
    )


# --- the manager's review of a decision to share without consent -------------------------

REVIEW_COMMENT_MAX = 2000
REVIEWED_NOTIFICATION = "sharing_reviewed"


def decisions_to_review(db_session: Session, manager: User) -> list[SharingDecision]:
    """Decisions to share without consent made by people in the manager's team (not by the
    manager), not yet reviewed, oldest first."""
    if manager.team_id is None or not manager.has_role(Role.MANAGER):
        return []
    return list(
        db_session.scalars(
            select(SharingDecision)
            .join(User, User.id == SharingDecision.decided_by_id)
            .outerjoin(SharingReview, SharingReview.decision_id == SharingDecision.id)
            .where(
                SharingDecision.basis == SharingBasis.PUBLIC_INTEREST,
                SharingReview.id.is_(None),
                User.team_id == manager.team_id,
                SharingDecision.decided_by_id != manager.id,
            )
            .order_by(SharingDecision.decided_at, SharingDecision.id)
        )
    )


def record_review(
    db_session: Session,
    decision: SharingDecision,
    manager: User,
    *,
    agreed: str | None,
    comment: str,
    client_address: str = "",
) -> SharingReview:
    """The manager agrees, or does not agree, with a decision to share without consent, with
    a comment; audited, and the decider is told. Raises SharingInvalid (by question)."""
    errors: dict[str, str] = {}
    if not decision.needs_review:
        errors["agreed"] = "Only a decision to share without consent is reviewed"
    elif decision.review is not None:
        errors["agreed"] = "This decision has already been reviewed"
    elif agreed not in ("agreed", "not_agreed"):
        errors["agreed"] = "Select whether you agree with the decision"
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = "Enter your comments"
    elif len(comment) > REVIEW_COMMENT_MAX:
        errors["comment"] = f"Your comments must be {REVIEW_COMMENT_MAX} characters or fewer"
    if errors:
        raise SharingInvalid(errors)
    review = SharingReview(
        decision_id=decision.id,
        reviewed_by_id=manager.id,
        agreed=agreed == "agreed",
        comment=comment,
    )
    db_session.add(review)
    db_session.flush()
    episode = db_session.get(Episode, decision.episode_id)
    audit.record_about(
        db_session,
        "sharing.decision_reviewed",
        decision,
        manager,
        client_address,
        episode=episode,
        agreed=review.agreed,
    )
    decider = decision.decided_by
    if decider is not None and decider.active and decider.id != manager.id:
        outcome = "agreed with" if review.agreed else "did not agree with"
        notify(
            db_session,
            decider.id,
            episode.id,
            REVIEWED_NOTIFICATION,
            (
                f"{manager.full_name} {outcome} your decision to share {episode.reference} "
                f"without consent: {comment}"
            ),
        )
    return review


# --- a safeguarding referral is a decision to share --------------------------------------


@dataclass(frozen=True)
class SafeguardingReferral:
    """What a referral to children's social care shared, with whom, and on what basis: with
    the family's consent (their recorded consent covers the service), or without it, and
    why (guidance 4.23-4.24). Recorded in the register by the referral step."""

    what: str
    organisation_id: int | None = None
    recipient_name: str = ""
    public_interest: PublicInterest | None = None  # None: with consent

    @property
    def with_consent(self) -> bool:
        return self.public_interest is None


def record_referral(
    db_session: Session,
    episode: Episode,
    decided_by: User,
    referral: SafeguardingReferral,
    *,
    client_address: str = "",
) -> SharingDecision:
    """The register entry of a safeguarding referral (CWDC 2009, 4.24: "always record
    decisions about information sharing with or without consent"). Raises SharingRefused
    when the family's consent does not cover the service, SharingInvalid for bad answers."""
    public_interest = referral.public_interest
    if public_interest is not None:
        # What is shared is the referral's own answer: not repeated as "exactly what".
        public_interest = replace(public_interest, shared="")
    what = (referral.what or "").strip()
    return record_decision(
        db_session,
        episode,
        decided_by,
        basis=SharingBasis.CONSENT if referral.with_consent else SharingBasis.PUBLIC_INTEREST,
        what=f"Safeguarding referral to children's social care: {what}" if what else "",
        organisation_id=referral.organisation_id,
        recipient_name=referral.recipient_name,
        public_interest=public_interest,
        client_address=client_address,
        # a referral says why the child is at risk: sensitive information (DCSF 2010, 17)
        sensitive=True,
    )
