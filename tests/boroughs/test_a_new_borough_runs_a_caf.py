"""A local authority added through the web works at once on the national forms and
workflow: its administrator, set up by e-mail, imports its organisations and people from
CSV files; the people set their passwords from the links e-mailed to them; a practitioner
then takes a CAF for a child of the borough from the child index to closure, approved by
the manager imported in charge of her team. All through HTTP, with no overlay, template,
workflow choice or CAF contact account of the borough's own."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from tests.episodes.journey import (
    CLOSURE,
    REVIEW,
    Person,
    assess,
    assessment_of,
    member_for,
    start_caf,
    text,
)
from tests.factories import make_borough, make_child, make_organisation, make_user
from tests.mailbox import link_in, written_to
from tests.two_factor import pass_second_step
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, Organisation, Team
from webapp.episodes.models import Episode

PASSWORD = "a long and personal passphrase"
DBS_DATE = (date.today() - timedelta(days=90)).isoformat()

ORGANISATIONS_CSV = (
    "name,sector,email,phone\r\n"
    "Fenwick Primary School,school,office@fenwick-primary.example,020 7946 0200\r\n"
    "Fenwick Health Visiting,Health,health@fenwick.example,020 7946 0300\r\n"
)
USERS_CSV = (
    "\ufefffull_name,email,organisation,roles,team,job_title,dbs_check_date,caf_trained\n"
    f"Nadia Brook,nadia.brook@fenwick.example,Fenwick Primary School,practitioner,"
    f"Pastoral team,Learning mentor,{DBS_DATE},yes\n"
    f"Owen Pike,owen.pike@fenwick.example,Fenwick Primary School,manager,"
    f"Pastoral team,Inclusion lead,{DBS_DATE},yes\n"
)


class Newcomer(Person):
    """A person who set their own password from the link e-mailed to them."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        signed_in = client.post_form("/sign-in", {"email": user.email, "password": PASSWORD})
        assert signed_in.status_code == 302, text(signed_in)[:800]
        # At their first sign-in they set up two-factor sign-in.
        set_up = pass_second_step(client, signed_in, user.email)
        assert set_up.status_code == 200, text(set_up)[:800]


def set_password_from_email(client, email: str) -> User:
    (message,) = written_to(current_app, email)
    path = link_in(message)
    response = client.post_form(path, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, text(response)[:800]
    return db.session.scalars(select(User).where(User.email == email)).one()


def upload(client, path: str, content: str, filename: str):
    from io import BytesIO

    return client.post_form(
        path,
        {"file": (BytesIO(content.encode()), filename)},
        content_type="multipart/form-data",
    )


def test_a_borough_added_through_the_web_takes_a_caf_to_closure(app):
    home = make_borough("riverside", name="London Borough of Riverside")
    system_admin = make_user(make_organisation(home), Role.SYSTEM_ADMIN)
    db.session.commit()

    system = Person(app.test_client(), system_admin)
    added = system.client.post_form(
        "/admin/boroughs/new",
        {
            "name": "London Borough of Fenwick",
            "code": "fenwick",
            "kind": "london_borough",
            "region": "London",
            "contact_email": "caf@fenwick.example",
            "contact_phone": "020 7946 0999",
            "admin_name": "Ama Mensah",
            "admin_email": "ama.mensah@fenwick.example",
        },
    )
    assert added.status_code == 302, text(added)[:1500]
    borough = db.session.scalars(select(Borough).where(Borough.code == "fenwick")).one()

    administrator = Newcomer(
        app.test_client(),
        set_password_from_email(app.test_client(), "ama.mensah@fenwick.example"),
    )
    imported = upload(
        administrator.client, "/admin/import/organisations", ORGANISATIONS_CSV, "orgs.csv"
    )
    assert imported.status_code == 302, text(imported)[:1500]
    imported = upload(administrator.client, "/admin/import/users", USERS_CSV, "people.csv")
    assert imported.status_code == 302, text(imported)[:1500]

    # The borough's own pages work with nothing of its own: the national forms, the
    # workflow's default choices, the national templates, an empty service directory.
    for path in ("/admin/forms", "/admin/workflow-choices", "/admin/documents", "/admin/teams"):
        assert administrator.client.get(path).status_code == 200, path

    school = db.session.scalars(
        select(Organisation).where(Organisation.name == "Fenwick Primary School")
    ).one()
    team = db.session.scalars(select(Team).where(Team.organisation_id == school.id)).one()
    practitioner = Newcomer(
        app.test_client(), set_password_from_email(app.test_client(), "nadia.brook@fenwick.example")
    )
    manager = Newcomer(
        app.test_client(), set_password_from_email(app.test_client(), "owen.pike@fenwick.example")
    )
    assert practitioner.user.team_id == manager.user.team_id == team.id
    assert practitioner.client.get("/directory").status_code == 200

    child = make_child(borough, given_names="Ada", family_name="Fenwickson")
    db.session.commit()

    # The national workflow and forms, as no choice or overlay of Fenwick's says otherwise.
    episode_id = start_caf(practitioner, child)
    episode = db.session.get(Episode, episode_id)
    assert (episode.workflow_id, episode.borough_id) == ("caf", borough.id)
    assert episode.reference.startswith("FEN-")
    assess(practitioner, episode_id, school.id)
    # The national Word template lays out the assessment, as Fenwick has none of its own.
    document = practitioner.client.get(
        f"/episodes/{episode_id}/documents/download?item=response-{assessment_of(episode_id).id}"
    )
    assert document.status_code == 200 and document.mimetype.endswith("wordprocessingml.document")
    practitioner.join_team(episode_id)
    nominated = practitioner.nominate_lead(episode_id, member_for(episode_id, practitioner.user))
    assert nominated.status_code == 302, text(nominated)[:1500]
    assert practitioner.step(episode_id, "start_delivery").state == "delivering"

    practitioner.step(episode_id, "start_review")
    practitioner.complete_form(episode_id, "review", REVIEW)
    practitioner.step(episode_id, "continue_delivery")
    practitioner.complete_form(episode_id, "closure", CLOSURE)
    assert practitioner.step(episode_id, "request_closure").state == "closure_requested"

    # The manager the import put in charge of her team approves.
    closed = manager.step(episode_id, "approve_closure")
    assert closed.state == "closed" and closed.closed_at is not None
