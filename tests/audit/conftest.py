"""A real audit trail, written by signing in and searching the child index over HTTP, and the
`caf audit` commands run through the CLI."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_borough, make_child, make_organisation, make_user
from webapp import db
from webapp.audit.models import AuditEvent


@pytest.fixture
def practitioner(app):
    borough = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(borough, name="Riverside Primary")
    make_child(
        borough,
        given_names="Zoë",
        family_name="O'Brien",
        date_of_birth=date(2014, 3, 7),
        unique_reference="RIV0000001",
    )
    user = make_user(school)
    db.session.commit()
    return user


def search_the_child_index(client, times: int = 1) -> None:
    for _ in range(times):
        response = client.post_form(
            "/child-index", {"reason": "existing_caf", "reference": "RIV0000001"}
        )
        assert response.status_code == 200


@pytest.fixture
def trail(client, practitioner) -> list[AuditEvent]:
    """Every event of a sign-in and four searches, in chain order."""
    sign_in(client, practitioner)
    search_the_child_index(client, times=4)
    return all_events()


def all_events() -> list[AuditEvent]:
    db.session.commit()
    return list(
        db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.id).execution_options(populate_existing=True)
        )
    )


@pytest.fixture
def audit_cli(runner_cli):
    """`flask --app webapp caf audit ARGS...`, after the test's own transaction has ended."""

    def invoke(*args: str):
        db.session.commit()
        return runner_cli.invoke(args=["caf", "audit", *args])

    return invoke
