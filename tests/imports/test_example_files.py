"""The example files the README points to import as they are, organisations first."""

from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from tests.imports.helpers import upload
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


def test_the_documented_example_files_import(client):
    borough = make_borough("fenwick", name="London Borough of Fenwick")
    admin = make_user(make_organisation(borough, name="Fenwick Council"), Role.BOROUGH_ADMIN)
    db.session.commit()
    sign_in(client, admin)
    organisations = (EXAMPLES / "organisations.csv").read_bytes()
    response = upload(client, "/admin/import/organisations", organisations, "organisations.csv")
    assert response.status_code == 302
    users = (EXAMPLES / "users.csv").read_bytes()
    assert upload(client, "/admin/import/users", users, "users.csv").status_code == 302
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.borough_id == borough.id)
        )
        == 5
    )
