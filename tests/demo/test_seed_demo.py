from sqlalchemy import func, select

from tests.two_factor import pass_second_step
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.boroughs.models import Borough, BoroughKind, Organisation
from webapp.children.models import Child
from webapp.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_creates_boroughs_organisations_users_and_children(app):
    result = app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "120"])
    assert result.exit_code == 0, result.output

    boroughs = list(db.session.scalars(select(Borough)))
    assert sorted(b.kind for b in boroughs).count(BoroughKind.LONDON_BOROUGH) == 2
    assert [b.kind for b in boroughs].count(BoroughKind.COUNTY) == 1
    assert count(Child) == 120
    sectors = {o.sector for o in db.session.scalars(select(Organisation))}
    assert len(sectors) >= 6
    for borough in boroughs:
        roles = {
            role
            for user in db.session.scalars(select(User).where(User.borough_id == borough.id))
            for role in user.roles
        }
        assert {
            Role.PRACTITIONER,
            Role.MANAGER,
            Role.BOROUGH_CAF_CONTACT,
            Role.BOROUGH_ADMIN,
        } <= roles
    assert any(Role.SYSTEM_ADMIN in u.roles for u in db.session.scalars(select(User)))


def test_seed_demo_runs_once(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["caf", "seed-demo", "--children", "10"])
    second = runner.invoke(args=["caf", "seed-demo", "--children", "10"])
    assert "already present" in second.output
    assert count(Child) == 10


def test_demo_children_have_realistic_details(app):
    app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "200"])
    children = list(db.session.scalars(select(Child)))
    assert len({c.unique_reference for c in children}) == 200
    assert all(c.date_of_birth or c.expected_delivery_date for c in children)
    assert len({c.family_name for c in children}) > 40
    assert all(len(c.postcode.split()) == 2 for c in children)


def test_a_demo_user_can_sign_in_with_the_documented_password(app, client):
    app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "5"])
    response = client.post_form(
        "/sign-in", {"email": "practitioner@riverside.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    # and the code an authenticator app makes from the documented demo secret
    response = pass_second_step(
        client, response, "practitioner@riverside.example", DEMO_TOTP_SECRET
    )
    assert response.status_code == 302
    assert "London Borough of Riverside" in client.get("/").get_data(as_text=True)


def test_each_demo_borough_has_two_administrators_and_every_manager_a_team(app):
    from webapp.useradmin import teams

    app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "5"])
    for borough in db.session.scalars(select(Borough)):
        accounts = list(db.session.scalars(select(User).where(User.borough_id == borough.id)))
        admins = [user for user in accounts if Role.BOROUGH_ADMIN in user.roles]
        assert len(admins) == 2
        managers = [user for user in accounts if Role.MANAGER in user.roles]
        assert len(managers) == 2
        for manager in managers:
            summary = teams.members_of(db.session, manager.team)
            assert manager in summary.managers
            assert summary.practitioners, f"{manager.email} manages nobody"
        assert len({manager.team_id for manager in managers}) == 2


def test_a_demo_manager_sees_their_team_on_their_home_page(app, client):
    app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", "5"])
    response = client.post_form(
        "/sign-in", {"email": "health-manager@northgate.example", "password": DEMO_PASSWORD}
    )
    response = pass_second_step(
        client, response, "health-manager@northgate.example", DEMO_TOTP_SECRET
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "You manage Health visiting team, Northgate Community Health Services" in page
