"""Children's centre registration consent: its rules, wherever they are called from.

DCSF 2010 ("Sharing information with children's centre staff"):
- §15 and §17: the registration covers basic personal information; anything more needs
  explicit, informed consent for that purpose;
- the consent box: explicit consent must be informed (why, what, who, the purpose, the
  implications, and how to see the file), is recorded, may be refused or withdrawn at any
  time, and is re-visited from time to time;
- the annex: the family agree to their details being kept, and say with which named partner
  agencies the centre may share them, for delivering its services only.

A CAF may start its consent from a registration only for what the registration covers
(`start_caf_consent`): its details kept and shared with the partners it names, never an
assessment, which the family must agree to on the CAF itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.access.permissions import Permission
from webapp.access.policy import may
from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.boroughs.models import Organisation, Sector
from webapp.centres.models import (
    CentreRegistration,
    CentreRegistrationChild,
    CentreRegistrationPartner,
    CentreRegistrationReview,
)
from webapp.children.models import Child
from webapp.consent import services as consent_services
from webapp.consent.models import (
    Consent,
    ConsentAgency,
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
)
from webapp.episodes.models import Episode

SIGNED_AS = ("parent", "guardian", "carer", "other")
MAX_OTHER_CHILDREN = 9  # the annex: each child under 5, up to ten in all
LONGEST_REVIEW_DAYS = 366 * 2


@dataclass
class RegistrationInput:
    centre_id: int
    adult_name: str
    relationship_to_child: str
    signed_as: str
    has_parental_responsibility: bool | None
    agree_to_record: bool | None
    agree_to_share: bool | None
    organisation_ids: tuple[int, ...] = ()
    other_services: tuple[str, ...] = ()
    points_explained: frozenset[str] = frozenset()
    signed_on: date | None = None
    review_on: date | None = None
    other_child_references: tuple[str, ...] = ()


class RegistrationInvalid(ValueError):
    """`errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def centres_for(db_session: Session, user: User, child: Child) -> list[Organisation]:
    """The children's centres `user` may register a family of `child` with: the early years
    organisations of the child's borough - their own, or any of them for a health
    practitioner (health visitors complete the centre's registration form: DCSF 2010, the
    Coquet and Amble example)."""
    centres = db_session.scalars(
        select(Organisation)
        .where(
            Organisation.borough_id == child.borough_id, Organisation.sector == Sector.EARLY_YEARS
        )
        .order_by(Organisation.name)
    ).all()
    if user.organisation.sector is Sector.HEALTH:
        return list(centres)
    return [centre for centre in centres if centre.id == user.organisation_id]


def partner_choices(db_session: Session, borough_id: int) -> list[Organisation]:
    return list(
        db_session.scalars(
            select(Organisation)
            .where(Organisation.borough_id == borough_id)
            .order_by(Organisation.name)
        )
    )


def _other_children(
    db_session: Session, child: Child, references: tuple[str, ...], errors: dict[str, str]
) -> list[Child]:
    found: list[Child] = []
    if len(references) > MAX_OTHER_CHILDREN:
        errors["other_children"] = f"Enter up to {MAX_OTHER_CHILDREN} other children"
        return found
    for reference in references:
        other = db_session.scalar(select(Child).where(Child.unique_reference == reference))
        if other is None or other.borough_id != child.borough_id:
            errors["other_children"] = (
                f"No child in the child index of {child.borough.name} has the reference "
                f"{reference}: check it, one reference on each line"
            )
            return found
        if other.id != child.id and other not in found:
            found.append(other)
    return found


def check(
    db_session: Session, user: User, child: Child, data: RegistrationInput, today: date
) -> tuple[dict[str, str], list[Child]]:
    """What is wrong with the registration, by field, and the other children it names."""
    errors: dict[str, str] = {}
    if data.centre_id not in {centre.id for centre in centres_for(db_session, user, child)}:
        errors["centre"] = "Select the children's centre the family is registering with"
    if not data.adult_name.strip():
        errors["adult_name"] = "Enter the full name of the parent or carer"
    if not data.relationship_to_child.strip():
        errors["relationship_to_child"] = "Enter their relationship to the child"
    if data.signed_as not in SIGNED_AS:
        errors["signed_as"] = "Select whether they signed as a parent, guardian, carer or other"
    if data.has_parental_responsibility is None:
        errors["parental_responsibility"] = "Select whether they have parental responsibility"
    elif not data.has_parental_responsibility:
        errors["parental_responsibility"] = (
            "Only a parent or carer with parental responsibility can consent for the children"
        )
    if data.agree_to_record is None:
        errors["agree_to_record"] = "Select yes if they agree to their details being kept"
    if data.agree_to_share is None:
        errors["agree_to_share"] = "Select yes if they agree to sharing with partner agencies"
    elif data.agree_to_share and not (data.organisation_ids or data.other_services):
        errors["partners"] = "Select the partner agencies they agreed the centre may share with"
    elif not data.agree_to_share and (data.organisation_ids or data.other_services):
        errors["partners"] = (
            "They did not agree to sharing: clear the partner agencies, or change the answer"
        )
    allowed = {organisation.id for organisation in partner_choices(db_session, child.borough_id)}
    if set(data.organisation_ids) - allowed:
        errors["partners"] = "Select partner agencies from the list"
    if set(data.points_explained) != set(consent_services.POINTS):
        errors["points_explained"] = "Confirm you explained every point: consent must be informed"
    if data.signed_on is None:
        errors["signed_on"] = "Enter the date the form was signed"
    elif data.signed_on > today:
        errors["signed_on"] = "The date the form was signed must be today or in the past"
    if data.review_on is None:
        errors["review_on"] = "Enter the date to review this consent with the family"
    elif data.signed_on is not None and data.review_on <= max(data.signed_on, today):
        errors["review_on"] = "The date to review consent must be in the future"
    elif (data.review_on - today).days > LONGEST_REVIEW_DAYS:
        errors["review_on"] = "Review consent with the family within 2 years"
    others = _other_children(db_session, child, data.other_child_references, errors)
    return errors, others


def register(
    db_session: Session,
    user: User,
    child: Child,
    data: RegistrationInput,
    today: date,
    client_address: str = "",
) -> CentreRegistration | None:
    """Record the registration; if the family do not agree to their details being kept,
    keep nothing of them (None) - the audit trail notes only that a centre had a refusal."""
    errors, others = check(db_session, user, child, data, today)
    if errors:
        raise RegistrationInvalid(errors)
    if not data.agree_to_record:
        audit.record(
            db_session,
            "centre_registration.refused",
            actor_id=user.id,
            object_type="organisation",
            object_id=data.centre_id,
            client_address=client_address,
        )
        return None
    registration = CentreRegistration(
        centre_id=data.centre_id,
        borough_id=child.borough_id,
        adult_name=data.adult_name.strip(),
        relationship_to_child=data.relationship_to_child.strip(),
        signed_as=data.signed_as,
        agree_to_share=bool(data.agree_to_share),
        points_explained=json.dumps(sorted(data.points_explained)),
        signed_on=data.signed_on,
        review_on=data.review_on,
        recorded_by_id=user.id,
    )
    registration.children = [
        CentreRegistrationChild(child_id=registered.id) for registered in [child, *others]
    ]
    if data.agree_to_share:
        registration.partners = [
            CentreRegistrationPartner(organisation_id=oid)
            for oid in dict.fromkeys(data.organisation_ids)
        ] + [
            CentreRegistrationPartner(service_name=name)
            for name in dict.fromkeys(data.other_services)
        ]
    db_session.add(registration)
    db_session.flush()
    for registered in registration.children:
        audit.record_about(
            db_session,
            "centre_registration.recorded",
            registration,
            user,
            client_address,
            child_id=registered.child_id,
            centre_id=registration.centre_id,
            shares_with=list(data.organisation_ids),
            other_services=list(data.other_services),
        )
    return registration


def current_for_child(db_session: Session, child_id: int) -> list[CentreRegistration]:
    return list(
        db_session.scalars(
            select(CentreRegistration)
            .join(CentreRegistrationChild)
            .where(
                CentreRegistrationChild.child_id == child_id,
                CentreRegistration.withdrawn_at.is_(None),
            )
            .order_by(CentreRegistration.signed_on.desc(), CentreRegistration.id.desc())
        )
    )


def of_centre(db_session: Session, centre_id: int) -> list[CentreRegistration]:
    return list(
        db_session.scalars(
            select(CentreRegistration)
            .where(CentreRegistration.centre_id == centre_id)
            .order_by(CentreRegistration.withdrawn_at.is_not(None), CentreRegistration.review_on)
        )
    )


def withdraw(
    db_session: Session, registration: CentreRegistration, user: User, reason: str
) -> None:
    """A parent can withdraw consent at any time: the registration ends, and so does the
    consent of any CAF that started from it (its team is told, as for any withdrawal)."""
    consent_services.mark_withdrawn(
        registration,
        user,
        reason,
        not_current="This consent has already been withdrawn",
        invalid=RegistrationInvalid,
    )
    audit.record_about(
        db_session,
        "centre_registration.withdrawn",
        registration,
        user,
        reason=registration.withdrawal_reason,
    )
    started = db_session.scalars(
        select(Consent).where(
            Consent.centre_registration_id == registration.id, Consent.withdrawn_at.is_(None)
        )
    )
    for consent in started:
        consent_services.withdraw(
            db_session,
            consent,
            user,
            f"The children's centre registration it started from was withdrawn: {reason.strip()}",
        )


def review(
    db_session: Session,
    registration: CentreRegistration,
    user: User,
    *,
    reviewed_on: date | None,
    next_review_on: date | None,
    comment: str,
    today: date,
) -> CentreRegistrationReview:
    """The family confirmed their consent still stands; the next review is set."""
    errors: dict[str, str] = {}
    if not registration.is_current:
        errors["reviewed_on"] = "This consent has been withdrawn: it cannot be reviewed"
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date you reviewed consent with the family"
    elif reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    elif reviewed_on < registration.signed_on:
        errors["reviewed_on"] = "The date of the review must be after the form was signed"
    if next_review_on is None:
        errors["next_review_on"] = "Enter the date of the next review"
    elif next_review_on <= today:
        errors["next_review_on"] = "The date of the next review must be in the future"
    elif (next_review_on - today).days > LONGEST_REVIEW_DAYS:
        errors["next_review_on"] = "Review consent with the family within 2 years"
    if len(comment) > 2000:
        errors["comment"] = "What the family said must be 2000 characters or fewer"
    if errors:
        raise RegistrationInvalid(errors)
    entry = CentreRegistrationReview(
        registration_id=registration.id,
        reviewed_on=reviewed_on,
        next_review_on=next_review_on,
        comment=comment.strip(),
        reviewed_by_id=user.id,
    )
    registration.review_on = next_review_on
    db_session.add(entry)
    db_session.flush()
    audit.record_about(
        db_session,
        "centre_registration.reviewed",
        registration,
        user,
        next_review_on=next_review_on.isoformat(),
    )
    return entry


def why_not_for_caf(
    db_session: Session, registration: CentreRegistration, episode: Episode, today: date
) -> str:
    """Why this registration cannot start the CAF's consent; empty if it can."""
    if not registration.is_current:
        return "The family withdrew this consent: it cannot start this CAF's consent."
    if episode.child_id not in {registered.child_id for registered in registration.children}:
        return "This registration is not for this child: it cannot start this CAF's consent."
    if registration.review_overdue(today):
        return (
            "Its review date has passed: review it with the family first, or record the "
            "family's consent to the CAF yourself."
        )
    if db_session.scalar(
        select(Consent.id).where(
            Consent.episode_id == episode.id,
            Consent.centre_registration_id == registration.id,
            Consent.withdrawn_at.is_(None),
        )
    ):
        return "This CAF's consent started from it."
    return ""


def usable_for_caf(
    db_session: Session, user: User, episode: Episode, today: date
) -> list[tuple[CentreRegistration, str]]:
    """The child's current registrations `user` may see, each with why it cannot start the
    CAF's consent (empty when it can)."""
    return [
        (registration, why_not_for_caf(db_session, registration, episode, today))
        for registration in current_for_child(db_session, episode.child_id)
        if may(user, Permission.CENTRE_REGISTRATION_VIEW, registration)
    ]


def start_caf_consent(
    db_session: Session,
    episode: Episode,
    registration: CentreRegistration,
    user: User,
    today: date,
) -> Consent:
    """The CAF's consent, started from the registration for what it covers: the family's
    basic details kept, and shared with the partners it names - not an assessment (the
    family agree to that on the CAF), nor anything beyond basic information (§17)."""
    reason = why_not_for_caf(db_session, registration, episode, today)
    if reason:
        raise RegistrationInvalid({"registration": reason})
    consent = Consent(
        episode_id=episode.id,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGiver.PARENT_CARER,
        given_by_name=registration.adult_name,
        relationship_to_child=registration.relationship_to_child,
        has_parental_responsibility=True,
        to_assess=False,
        to_record=True,
        to_share=registration.agree_to_share,
        points_explained=registration.points_explained,
        method=ConsentMethod.WRITTEN,
        given_on=registration.signed_on,
        review_on=registration.review_on,
        recorded_by_id=user.id,
        centre_registration_id=registration.id,
    )
    consent.agencies = [
        ConsentAgency(organisation_id=partner.organisation_id, service_name=partner.service_name)
        for partner in registration.partners
    ]
    if consent.to_share:
        episode.sharing_suspended = False
    db_session.add(consent)
    db_session.flush()
    audit.record_about(
        db_session,
        "consent.given",
        consent,
        user,
        episode=episode,
        scope=["to_record", "to_share"] if consent.to_share else ["to_record"],
        given_by=ConsentGiver.PARENT_CARER.value,
        agencies=sorted(registration.partner_organisation_ids),
        other_services=[p.service_name for p in registration.partners if p.service_name],
        centre_registration_id=registration.id,
    )
    return consent
