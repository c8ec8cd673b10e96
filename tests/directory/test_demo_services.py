"""The demo boroughs' directories: realistic, valid, and created once."""

from sqlalchemy import delete, func, select

from tests.directory.helpers import result_names
from tests.two_factor import pass_second_step
from webapp import db
from webapp.accounts.models import User
from webapp.boroughs.models import Borough
from webapp.demo import seed as demo
from webapp.demo.services import seed_services
from webapp.directory import services
from webapp.directory.models import Service, ServiceLevel
from webapp.formdefs import Field, FieldType
from webapp.formdefs.validators import check_email, check_uk_phone

PHONE = Field(id="phone", type=FieldType.UK_PHONE, label="Telephone")
EMAIL = Field(id="email", type=FieldType.EMAIL, label="Email")


def seed_demo(app, children: int = 6):
    result = app.test_cli_runner().invoke(args=["caf", "seed-demo", "--children", str(children)])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_demo_borough_has_a_dozen_or_so_valid_services(app):
    assert "directory services" in seed_demo(app)
    for code in ("riverside", "northgate", "westshire"):
        borough = db.session.scalars(select(Borough).where(Borough.code == code)).one()
        listed = list(db.session.scalars(select(Service).where(Service.borough_id == borough.id)))
        active = [service for service in listed if service.active]
        assert len(active) >= 12, code
        assert {service.level for service in active} == set(ServiceLevel)
        assert any(service.residents_only for service in active)
        assert any(not service.residents_only for service in active)
        assert any(not service.active for service in listed)
        assert any(service.min_age == 0 for service in active)
        for service in listed:
            assert services.problems(services.ServiceDetails.of(service)) == {}, service.name
            assert check_uk_phone(PHONE, service.phone) == (service.phone, None)
            assert check_email(EMAIL, service.email)[1] is None
            assert service.email.endswith(f"@{code}.example")
            assert service.website.startswith(f"https://www.{code}.example/")
            assert service.created_by.email == f"admin@{code}.example"
        assert len({service.name for service in listed}) == len(listed)


def test_the_demo_services_are_created_once(app):
    seed_demo(app)
    count = db.session.scalar(select(func.count()).select_from(Service))
    second = seed_demo(app)
    assert "already present" in second
    assert db.session.scalar(select(func.count()).select_from(Service)) == count


def test_a_database_from_before_the_directory_gets_the_demo_services_once(app):
    seed_demo(app)
    count = db.session.scalar(select(func.count()).select_from(Service))
    db.session.execute(delete(Service))
    db.session.commit()
    assert "directory services" in seed_demo(app)
    assert db.session.scalar(select(func.count()).select_from(Service)) == count
    assert seed_services(db.session) == 0


def test_a_demo_practitioner_finds_the_demo_services(app, client):
    seed_demo(app)
    db.session.commit()
    practitioner = db.session.scalars(
        select(User).where(User.email == "practitioner@northgate.example")
    ).one()
    response = client.post_form(
        "/sign-in", {"email": practitioner.email, "password": demo.DEMO_PASSWORD}
    )
    pass_second_step(client, response, practitioner.email, demo.DEMO_TOTP_SECRET)
    names = result_names(client.get("/directory", query_string={"q": "carers", "age": "12"}))
    assert names == ["Young Carers Project"]
    westshire = result_names(client.get("/directory", query_string={"borough": "westshire"}))
    assert "Westshire Family Hub" in westshire
    assert "Toy Library" not in westshire
