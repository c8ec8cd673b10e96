"""Small factory functions that build test data with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from tests.two_factor import TOTP_SECRET
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts import two_factor as two_factor_service
from webapp.accounts.models import User, UserRole
from webapp.accounts.passwords import passwords
from webapp.assessments import services as form_services
from webapp.assessments.models import ResponseStatus
from webapp.boroughs.models import Borough, BoroughKind, Organisation, Sector, Team
from webapp.children.models import Child, Gender
from webapp.consent.models import Consent, ConsentDecision, ConsentGiver, ConsentMethod
from webapp.db import utcnow
from webapp.episodes.models import Episode

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_borough(code: str | None = None, **fields) -> Borough:
    code = code or f"borough-{next(_numbers)}"
    borough = Borough(
        code=code,
        name=fields.pop("name", f"London Borough of {code.title()}"),
        kind=fields.pop("kind", BoroughKind.LONDON_BOROUGH),
        region=fields.pop("region", "London"),
        caf_contact_name="CAF team",
        caf_contact_email=f"caf@{code}.example",
        caf_contact_phone="020 7946 0000",
        **fields,
    )
    db.session.add(borough)
    db.session.flush()
    return borough


def make_organisation(borough: Borough, sector: Sector = Sector.SCHOOL, **fields) -> Organisation:
    organisation = Organisation(
        borough=borough,
        name=fields.pop("name", f"Organisation {next(_numbers)}"),
        sector=sector,
        **fields,
    )
    organisation.teams.append(Team(name="Team A"))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(
    organisation: Organisation,
    *roles: Role,
    email: str | None = None,
    dbs_check_date: date | None = None,
    team: Team | None = None,
    active: bool = True,
    password: str = PASSWORD,
    two_factor: bool = True,
) -> User:
    """An account; unless `two_factor` is False, with two-factor sign-in set up with
    tests.two_factor.TOTP_SECRET, as a person does at their first sign-in."""
    user = User(
        email=email or f"user{next(_numbers)}@example.org",
        full_name=f"Test User {next(_numbers)}",
        borough_id=organisation.borough_id,
        organisation=organisation,
        team=team if team is not None else organisation.teams[0],
        password_hash=passwords().hash(password),
        dbs_check_date=dbs_check_date or date.today() - timedelta(days=30),
        caf_trained=True,
        active=active,
    )
    if two_factor:
        user.totp_secret = two_factor_service.encrypt_secret(TOTP_SECRET)
        user.two_factor_enrolled_at = utcnow()
    for role in roles or (Role.PRACTITIONER,):
        user.role_grants.append(UserRole(role=role))
    db.session.add(user)
    db.session.flush()
    return user


def make_child(borough: Borough, **fields) -> Child:
    number = next(_numbers)
    child = Child(
        unique_reference=fields.pop("unique_reference", f"TST{number:07d}"),
        borough=borough,
        given_names=fields.pop("given_names", "Ada"),
        family_name=fields.pop("family_name", f"Example{number}"),
        gender=fields.pop("gender", Gender.FEMALE),
        date_of_birth=fields.pop("date_of_birth", date(2015, 5, 17)),
        postcode=fields.pop("postcode", "SE15 4AB"),
        **fields,
    )
    db.session.add(child)
    db.session.flush()
    return child


def make_episode(child: Child, assessor: User | None = None, **fields) -> Episode:
    episode = Episode(
        reference=fields.pop("reference", f"EP-{next(_numbers):06d}"),
        child=child,
        borough_id=fields.pop("borough_id", child.borough_id),
        state=fields.pop("state", "identified"),
        workflow_id=fields.pop("workflow_id", "caf"),
        workflow_version=fields.pop("workflow_version", 1),
        assessor=assessor,
        **fields,
    )
    db.session.add(episode)
    db.session.flush()
    return episode


def make_consent(episode: Episode, recorded_by: User, **fields) -> Consent:
    """Consent given in writing by a parent with parental responsibility, to assess, record
    and share, sensitive information included."""
    consent = Consent(
        episode=episode,
        decision=fields.pop("decision", ConsentDecision.GIVEN),
        given_by=fields.pop("given_by", ConsentGiver.PARENT_CARER),
        given_by_name=fields.pop("given_by_name", "Pat Example"),
        relationship_to_child=fields.pop("relationship_to_child", "Mother"),
        has_parental_responsibility=fields.pop("has_parental_responsibility", True),
        to_assess=fields.pop("to_assess", True),
        to_record=fields.pop("to_record", True),
        to_share=fields.pop("to_share", True),
        includes_sensitive=fields.pop("includes_sensitive", True),
        method=fields.pop("method", ConsentMethod.WRITTEN),
        given_on=fields.pop("given_on", date.today()),
        recorded_by_id=recorded_by.id,
        **fields,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def make_completed_form(episode: Episode, kind: str, user: User, **answers) -> None:
    """A form of `kind` completed by `user`, with the given sections' answers."""
    response = form_services.start_response(db.session, episode, kind, user)
    for section_id, values in answers.items():
        form_services.save_section(
            db.session,
            response,
            section_id,
            values,
            expected_version=0,
            complete=True,
            actor=user,
        )
    response.status = ResponseStatus.COMPLETED
    response.completed_by_id = user.id
    response.completed_at = utcnow()
    db.session.commit()
