"""Demo boroughs, organisations, a user for every role in each borough (two administrators,
and two managers each in charge of a team with a practitioner in it), and children."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.access.permissions import Role
from webapp.accounts import two_factor
from webapp.accounts.models import User, UserRole
from webapp.accounts.passwords import Passwords
from webapp.boroughs.models import Borough, BoroughKind, Organisation, Sector, Team
from webapp.children.models import Child, Gender
from webapp.db import utcnow
from webapp.demo import names
from webapp.demo import services as demo_services
from webapp.useradmin import duties

# For the embedded demonstration only; listed in the README.
DEMO_PASSWORD = "caf-demo-2026"  # noqa: S105
# Every demo account has set up two-factor sign-in with this secret: add it to any
# authenticator app (README, "Demo sign-ins"), or compute a code with
# `python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`.
DEMO_TOTP_SECRET = "ECAFDEMOECAFDEMOECAFDEMOECAFDEMO"  # noqa: S105


@dataclass(frozen=True)
class DemoBorough:
    code: str
    name: str
    kind: BoroughKind
    region: str
    domain: str
    phone: str


BOROUGHS = (
    DemoBorough(
        "riverside",
        "London Borough of Riverside",
        BoroughKind.LONDON_BOROUGH,
        "London",
        "riverside.example",
        "020 7946 0101",
    ),
    DemoBorough(
        "northgate",
        "London Borough of Northgate",
        BoroughKind.LONDON_BOROUGH,
        "London",
        "northgate.example",
        "020 7946 0202",
    ),
    DemoBorough(
        "westshire",
        "Westshire County Council",
        BoroughKind.COUNTY,
        "South East",
        "westshire.example",
        "01632 960303",
    ),
)

# (organisation suffix, sector, team)
ORGANISATIONS = (
    ("Primary School", Sector.SCHOOL, "Pastoral team"),
    ("Academy", Sector.SCHOOL, "Inclusion team"),
    ("Community Health Services", Sector.HEALTH, "Health visiting team"),
    ("Children's Centre", Sector.EARLY_YEARS, "Family support team"),
    ("Police Safer Neighbourhoods", Sector.POLICE, "Youth engagement team"),
    ("Youth Service", Sector.YOUTH, "Targeted youth support"),
    ("Children's Social Care", Sector.SOCIAL_CARE, "Early help hub"),
    ("Family Action Trust", Sector.VOLUNTARY, "Parenting support"),
    ("Council Children's Services", Sector.LOCAL_AUTHORITY, "CAF team"),
)

# (login name, full name pattern, role, organisation index, job title). Everyone is in their
# organisation's team; a manager is in charge of the team they are in, so each manager
# manages a team with a practitioner in it: the school's pastoral team, the health visitors.
USERS = (
    ("practitioner", "Sam Practitioner", Role.PRACTITIONER, 0, "Learning mentor"),
    ("health-visitor", "Jo Visitor", Role.PRACTITIONER, 2, "Health visitor"),
    ("early-years", "Alex Keyworker", Role.PRACTITIONER, 3, "Family support worker"),
    ("manager", "Morgan Manager", Role.MANAGER, 0, "Assistant headteacher (inclusion)"),
    ("health-manager", "Hayden Manager", Role.MANAGER, 2, "Health visiting team leader"),
    ("caf-contact", "Casey Contact", Role.BOROUGH_CAF_CONTACT, 8, "Borough CAF coordinator"),
    ("admin", "Ashley Admin", Role.BOROUGH_ADMIN, 8, "CAF systems administrator"),
    # A second administrator: an administrator cannot deactivate their own account or
    # remove their own administrator role, so a borough needs two.
    ("second-admin", "Bailey Admin", Role.BOROUGH_ADMIN, 8, "CAF business support officer"),
)


def seed(db_session: Session, children: int = 300, random_seed: int = 2026, catalogue=None) -> str:
    """Create the demo data once; return a summary, or '' if it was already there."""
    if db_session.scalar(select(func.count()).select_from(Borough)):
        # A database from before the service directory gets the demo services once.
        added = demo_services.seed_services(db_session)
        enrolled = _demo_two_factor(db_session)
        done = [f"{added} directory services"] if added else []
        done += [f"two-factor sign-in for {enrolled} demo accounts"] if enrolled else []
        return ", ".join(done)
    rng = random.Random(random_seed)
    hasher = Passwords("default")
    password_hash = hasher.hash(DEMO_PASSWORD)
    today = date.today()
    user_count = 0
    boroughs: list[Borough] = []
    for spec in BOROUGHS:
        borough = Borough(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            region=spec.region,
            caf_contact_name=f"{spec.name} CAF team",
            caf_contact_email=f"caf@{spec.domain}",
            caf_contact_phone=spec.phone,
            caf_contact_address=f"CAF team, Civic Centre, {names.TOWNS[spec.code][0]}",
        )
        db_session.add(borough)
        boroughs.append(borough)
        organisations = []
        for suffix, sector, team_name in ORGANISATIONS:
            place = spec.name.split(" of ")[-1].replace(" County Council", "")
            organisation = Organisation(
                borough=borough,
                name=f"{place} {suffix}",
                sector=sector,
                email=f"{sector.value.replace('_', '-')}@{spec.domain}",
                phone=spec.phone,
            )
            organisation.teams.append(Team(name=team_name))
            organisations.append(organisation)
            db_session.add(organisation)
        db_session.flush()
        for login, full_name, role, organisation_index, job_title in USERS:
            organisation = organisations[organisation_index]
            user = User(
                email=f"{login}@{spec.domain}",
                full_name=full_name,
                job_title=job_title,
                phone=spec.phone,
                borough=borough,
                organisation=organisation,
                team=organisation.teams[0],
                password_hash=password_hash,
                dbs_check_date=today - timedelta(days=200),
                caf_trained=True,
                active=True,
            )
            duties.check_roles({role})  # the rules every grant follows (useradmin/duties.py)
            user.role_grants.append(UserRole(role=role))
            db_session.add(user)
            user_count += 1
        # A practitioner whose DBS check has lapsed: signs in, but cannot see children's records.
        lapsed = User(
            email=f"lapsed-dbs@{spec.domain}",
            full_name="Lee Lapsed",
            job_title="Teaching assistant",
            borough=borough,
            organisation=organisations[1],
            team=organisations[1].teams[0],
            password_hash=password_hash,
            dbs_check_date=today - timedelta(days=4 * 365),
            caf_trained=False,
            active=True,
        )
        lapsed.role_grants.append(UserRole(role=Role.PRACTITIONER))
        db_session.add(lapsed)
        user_count += 1
    first = boroughs[0]
    system_admin = User(
        email="system-admin@ecaf.example",
        full_name="Sol Sysadmin",
        job_title="eCAF service owner",
        borough=first,
        organisation=first.organisations[-1],
        password_hash=password_hash,
        dbs_check_date=today - timedelta(days=100),
        caf_trained=True,
        active=True,
    )
    system_admin.role_grants.append(UserRole(role=Role.SYSTEM_ADMIN))
    db_session.add(system_admin)
    user_count += 1
    db_session.flush()
    _demo_two_factor(db_session)
    for number in range(1, children + 1):
        db_session.add(_child(rng, boroughs[number % len(boroughs)], number, today))
    db_session.flush()
    episodes = _open_demo_episodes(db_session, catalogue, boroughs) if catalogue else 0
    directory = demo_services.seed_services(db_session)
    return (
        f"{len(boroughs)} boroughs, {len(boroughs) * len(ORGANISATIONS)} organisations, "
        f"{user_count} users, {children} children, {episodes} episodes, "
        f"{directory} directory services"
    )


def _demo_two_factor(db_session: Session) -> int:
    """Give the demo accounts that have not set up two-factor sign-in the demo secret (a
    database seeded before two-factor sign-in gets it once); how many were given it."""
    demo_domains = tuple(f"@{spec.domain}" for spec in BOROUGHS) + ("@ecaf.example",)
    given = 0
    for user in db_session.scalars(select(User).where(User.totp_secret.is_(None))):
        if user.email.endswith(demo_domains):
            user.totp_secret = two_factor.encrypt_secret(DEMO_TOTP_SECRET)
            user.two_factor_enrolled_at = utcnow()
            given += 1
    db_session.flush()
    return given


def _open_demo_episodes(db_session: Session, catalogue, boroughs: list[Borough]) -> int:
    """Two new CAFs for each borough's demo practitioner, ready for consent."""
    from webapp.episodes.services import open_episode

    opened = 0
    for borough in boroughs:
        practitioner = db_session.scalars(
            select(User).where(User.email == f"practitioner@{borough.code}.example")
        ).one()
        children = db_session.scalars(
            select(Child)
            .where(Child.borough_id == borough.id, Child.date_of_birth.is_not(None))
            .order_by(Child.id)
            .limit(2)
        )
        for child in children:
            open_episode(db_session, catalogue, child, practitioner, borough)
            opened += 1
    return opened


def _child(rng: random.Random, borough: Borough, number: int, today: date) -> Child:
    gender = rng.choices([Gender.FEMALE, Gender.MALE, Gender.UNKNOWN], weights=[48, 48, 4])[0]
    pool = names.GIVEN_NAMES_FEMALE if gender is Gender.FEMALE else names.GIVEN_NAMES_MALE
    family_name = rng.choice(names.FAMILY_NAMES)
    unborn = rng.random() < 0.03
    child = Child(
        unique_reference=f"{borough.code[:3].upper()}{number:07d}",
        borough=borough,
        gender=Gender.UNKNOWN if unborn else gender,
        family_name=family_name,
        given_names="" if unborn else rng.choice(pool),
        address_line_1=f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}",
        town=rng.choice(names.TOWNS[borough.code]),
        postcode=_postcode(rng, borough.code),
        shielded=rng.random() < 0.01,
    )
    if unborn:
        child.expected_delivery_date = today + timedelta(days=rng.randint(20, 200))
        child.mother_name = f"{rng.choice(names.GIVEN_NAMES_FEMALE)} {family_name}"
    else:
        child.date_of_birth = today - timedelta(days=rng.randint(30, 18 * 365))
        if rng.random() < 0.08:
            child.also_known_as = f"{rng.choice(pool)} {rng.choice(names.FAMILY_NAMES)}"
    return child


def _postcode(rng: random.Random, borough_code: str) -> str:
    outward = rng.choice(names.OUTWARD_CODES[borough_code])
    letters = names.INWARD_LETTERS
    return f"{outward} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
