"""Each demo borough's service directory (Family Information Service): synthetic services
with invented names, areas, addresses and contact details (drama telephone numbers and
.example addresses)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.directory.models import AccessRoute, Service, ServiceLevel

SELF, PROFESSIONAL, DROP_IN = (
    AccessRoute.SELF_REFERRAL,
    AccessRoute.PROFESSIONAL_REFERRAL,
    AccessRoute.DROP_IN,
)


@dataclass(frozen=True)
class Place:
    """What makes one borough's services its own."""

    code: str
    name: str  # "Riverside"
    domain: str
    phone_prefix: str  # in a drama range; the last two digits are the service's own
    areas: tuple[str, str, str, str]  # wards (London) or towns (county)
    high_street: str
    health_trust: str


PLACES = (
    Place(
        "riverside",
        "Riverside",
        "riverside.example",
        "020 7946 05",
        ("Wharfside", "Lockgate", "Ferry Lane", "Millbrook"),
        "Wharf Road, London SE15 2QA",
        "Riverside and District Community Health NHS Trust",
    ),
    Place(
        "northgate",
        "Northgate",
        "northgate.example",
        "020 7946 06",
        ("Hilltop", "Gatehouse", "Elmfield", "Northgate Green"),
        "Gate Street, London N17 4DG",
        "Northgate Community Health NHS Trust",
    ),
    Place(
        "westshire",
        "Westshire",
        "westshire.example",
        "01632 9605",
        ("Aldershot", "Farnborough", "Basingstoke", "Eastleigh"),
        "County Hall Lane, Basingstoke RG21 4AA",
        "Westshire Healthcare NHS Foundation Trust",
    ),
)


@dataclass(frozen=True)
class Kind:
    """A service most boroughs have, described with {place}, {area1}... placeholders."""

    name: str
    provider: str
    level: ServiceLevel
    description: str
    client_group: str
    ages: tuple[int, int]
    coverage: str
    residents_only: bool
    address: str
    routes: tuple[AccessRoute, ...]
    referral_details: str
    slug: str
    active: bool = True


KINDS = (
    Kind(
        "{place} Family Hub",
        "{place} Council Children's Services",
        ServiceLevel.UNIVERSAL,
        "Advice and activities for families under one roof: stay and play, baby clinics, "
        "benefits and housing advice, and a first place to ask for help.",
        "All children, young people and their families",
        (0, 19),
        "Whole borough, with sessions in {area1} and {area3}",
        False,
        "{place} Family Hub, 12 {high_street}",
        (DROP_IN, SELF, PROFESSIONAL),
        "Drop in Monday to Friday, 9am to 5pm. Professionals can email the hub to arrange "
        "a joint visit.",
        "family-hub",
    ),
    Kind(
        "Bumps and Babies",
        "{place} Children's Centres",
        ServiceLevel.UNIVERSAL,
        "A weekly group for parents-to-be and parents of young babies, with a health "
        "visitor at every session.",
        "Expectant parents and parents of babies under 1",
        (0, 1),
        "{area1} and {area2}",
        False,
        "{area1} Children's Centre, 3 Orchard Way",
        (DROP_IN,),
        "Just come along on Tuesday mornings, 10am to 11:30am.",
        "bumps-and-babies",
    ),
    Kind(
        "Health Visiting Service",
        "{health_trust}",
        ServiceLevel.UNIVERSAL,
        "Health visitors support every family from pregnancy until the child starts school: "
        "development reviews, feeding, sleep, and emotional health after birth.",
        "Families with children under 5 registered with a {place} GP",
        (0, 5),
        "Whole borough",
        False,
        "Health Centre, 40 {high_street}",
        (SELF, PROFESSIONAL),
        "Families can phone the duty health visitor. Professionals refer with the family's "
        "agreement, giving the GP practice.",
        "health-visiting",
    ),
    Kind(
        "Little Talkers Speech and Language Drop-in",
        "{health_trust}",
        ServiceLevel.TARGETED,
        "Speech and language therapists give advice on early communication and decide "
        "whether a child needs therapy.",
        "Children under 5 with worries about speech, language or communication",
        (0, 4),
        "Whole borough",
        False,
        "{area2} Children's Centre, 8 Canal Street",
        (DROP_IN, PROFESSIONAL),
        "Monthly drop-in; no appointment needed. For therapy, refer with the speech and "
        "language referral form.",
        "little-talkers",
    ),
    Kind(
        "Positive Parenting Course",
        "{place} Early Help Service",
        ServiceLevel.TARGETED,
        "A ten-week group course on routines, boundaries and managing behaviour, with a "
        "creche for younger children.",
        "Parents and carers of children aged 3 to 11",
        (3, 11),
        "Whole borough",
        True,
        "Community Rooms, {area4} Library",
        (SELF, PROFESSIONAL),
        "Book a place by phone, or refer as part of a CAF plan.",
        "parenting-course",
    ),
    Kind(
        "Young Carers Project",
        "{place} Carers Trust",
        ServiceLevel.TARGETED,
        "Respite trips, a weekly young carers club, and support in school for children who "
        "look after someone at home.",
        "Young carers",
        (8, 18),
        "Whole borough",
        True,
        "The Carers Centre, 21 {high_street}",
        (SELF, PROFESSIONAL),
        "Young people or their families can refer themselves. Professionals use the young "
        "carers referral form.",
        "young-carers",
    ),
    Kind(
        "Talk Space Youth Counselling",
        "{place} Youth Trust",
        ServiceLevel.TARGETED,
        "Free, confidential counselling for young people, face to face or online, for up to "
        "twelve sessions.",
        "Young people with worries about mood, anxiety, relationships or stress",
        (11, 25),
        "Whole borough, and young people who go to school or college here",
        False,
        "Talk Space, 5 Market Place, {area3}",
        (SELF, PROFESSIONAL),
        "Young people can book themselves online or by phone.",
        "talk-space",
    ),
    Kind(
        "Child and Adolescent Mental Health Service (CAMHS)",
        "{health_trust}",
        ServiceLevel.SPECIALIST,
        "Assessment and treatment for children and young people with moderate to severe "
        "mental health difficulties.",
        "Children and young people registered with a {place} GP",
        (0, 18),
        "Whole borough",
        True,
        "CAMHS, Clinic Building, 60 {high_street}",
        (PROFESSIONAL,),
        "Referral by a GP, school or other professional, with the family's consent. Say "
        "what has been tried already.",
        "camhs",
    ),
    Kind(
        "Early Help Family Support",
        "{place} Early Help Service",
        ServiceLevel.TARGETED,
        "A family support worker works with the whole family for up to six months, often "
        "as lead professional for a CAF.",
        "Families with several needs that one service alone cannot meet",
        (0, 18),
        "Whole borough",
        True,
        "Civic Centre, {high_street}",
        (PROFESSIONAL,),
        "Refer through the early help hub with a completed CAF.",
        "early-help",
    ),
    Kind(
        "School Attendance and Inclusion Team",
        "{place} Council Education Services",
        ServiceLevel.TARGETED,
        "Works with schools and families when a child's attendance drops or a child is at "
        "risk of exclusion.",
        "Pupils at {place} schools, wherever they live",
        (5, 16),
        "Schools in the borough",
        False,
        "Education Offices, Civic Centre, {high_street}",
        (PROFESSIONAL,),
        "Schools refer through the attendance referral form. For pupils living in another "
        "borough, the team follows the cross-borough attendance protocol.",
        "attendance",
    ),
    Kind(
        "Safe Steps Domestic Abuse Family Support",
        "Safe Steps {place}",
        ServiceLevel.SPECIALIST,
        "Support for children and parents affected by domestic abuse: safety planning, "
        "group work for children, and advocacy.",
        "Children and non-abusing parents affected by domestic abuse",
        (0, 18),
        "Whole borough",
        False,
        "Confidential address: contact the service",
        (SELF, PROFESSIONAL),
        "Call the helpline. If a child is at risk of significant harm, follow safeguarding "
        "procedures first.",
        "safe-steps",
    ),
    Kind(
        "SEND Information, Advice and Support Service",
        "{place} SENDIASS",
        ServiceLevel.UNIVERSAL,
        "Free, impartial advice for families about special educational needs and "
        "disabilities, including education, health and care plans.",
        "Children and young people with special educational needs or disabilities, and "
        "their parents",
        (0, 25),
        "Whole borough",
        False,
        "{area4} Resource Centre, 2 Bridge Street",
        (SELF, PROFESSIONAL),
        "Families phone or email. Professionals may refer with the family's agreement.",
        "sendiass",
    ),
    Kind(
        "Holiday Activities and Food",
        "{place} Council Children's Services",
        ServiceLevel.UNIVERSAL,
        "Free holiday clubs with a healthy meal, sport and arts in the Easter, summer and "
        "Christmas holidays.",
        "Children who get benefits-related free school meals",
        (5, 16),
        "Clubs in {area1}, {area2}, {area3} and {area4}",
        True,
        "At schools and youth centres across the borough",
        (SELF,),
        "Families book online with the code their school sends.",
        "holiday-clubs",
    ),
    Kind(
        "Toy Library",
        "{place} Children's Centres",
        ServiceLevel.UNIVERSAL,
        "Toys and play equipment to borrow. This service closed when its funding ended.",
        "Families with children under 5",
        (0, 5),
        "{area2}",
        False,
        "{area2} Children's Centre, 8 Canal Street",
        (DROP_IN,),
        "",
        "toy-library",
        active=False,
    ),
)


def _fill(text: str, place: Place) -> str:
    return text.format(
        place=place.name,
        high_street=place.high_street,
        health_trust=place.health_trust,
        area1=place.areas[0],
        area2=place.areas[1],
        area3=place.areas[2],
        area4=place.areas[3],
    )


def services_for(place: Place, borough_id: int, author_id: int) -> list[Service]:
    services = []
    for number, kind in enumerate(KINDS, start=1):
        routes = set(kind.routes)
        services.append(
            Service(
                borough_id=borough_id,
                name=_fill(kind.name, place),
                provider=_fill(kind.provider, place),
                level=kind.level,
                description=_fill(kind.description, place),
                client_group=_fill(kind.client_group, place),
                min_age=kind.ages[0],
                max_age=kind.ages[1],
                coverage=_fill(kind.coverage, place),
                residents_only=kind.residents_only,
                address=_fill(kind.address, place),
                self_referral=SELF in routes,
                professional_referral=PROFESSIONAL in routes,
                drop_in=DROP_IN in routes,
                referral_details=_fill(kind.referral_details, place),
                phone=f"{place.phone_prefix}{number:02d}",
                email=f"{kind.slug}@{place.domain}",
                website=f"https://www.{place.domain}/services/{kind.slug}",
                active=kind.active,
                created_by_id=author_id,
                updated_by_id=author_id,
            )
        )
    return services


def seed_services(db_session: Session) -> int:
    """Fill the directory of each demo borough that has none yet (so that running the demo
    seed again, or on a database from before the directory, adds them once); how many
    services were added."""
    added = 0
    for place in PLACES:
        borough = db_session.scalars(select(Borough).where(Borough.code == place.code)).first()
        if borough is None:
            continue
        existing = db_session.scalar(
            select(func.count()).select_from(Service).where(Service.borough_id == borough.id)
        )
        author = db_session.scalars(
            select(User).where(User.email == f"admin@{place.domain}")
        ).first()
        if existing or author is None:
            continue
        services = services_for(place, borough.id, author.id)
        db_session.add_all(services)
        added += len(services)
    db_session.flush()
    return added
