"""Shielding a child's record through HTTP: only the borough CAF contact of the child's
borough marks or unmarks it, with a reason; the child index then hides the address from
everyone else; every attempt by anyone else is refused, changes nothing and is audited."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, error_messages
from webapp import db
from webapp.children.models import Child
from webapp.children.shielding_models import ShieldingChange

REASON = "Mother and child have moved to a refuge; father must not find them."


@pytest.fixture
def world(app):
    return build_world(address_line_1="12 Safe Street", postcode="SE5 7RR")


def shielding_path(world) -> str:
    return f"/children/{world.child.id}/shielding"


def reloaded(world) -> Child:
    db.session.expire_all()
    return db.session.get(Child, world.child.id)


def changes() -> list[ShieldingChange]:
    return list(db.session.scalars(select(ShieldingChange)))


def search_page(client, world) -> str:
    response = client.post_form(
        "/child-index",
        {"reason": "concern", "family_name": world.child.family_name, "given_name": "Ada"},
    )
    page = response.get_data(as_text=True)
    assert world.child.family_name in page
    return page


def test_the_caf_contact_shields_a_record_and_the_index_then_hides_its_address(app, client, world):
    searcher = app.test_client()
    sign_in(searcher, world.colleague)
    assert "12 Safe Street" in search_page(searcher, world)
    sign_in(client, world.caf_contact)

    response = client.post_form(shielding_path(world), {"shielded": "yes", "reason": REASON})

    assert response.status_code == 302
    assert reloaded(world).shielded is True
    (change,) = changes()
    assert (change.shielded, change.reason, change.changed_by_id) == (
        True,
        REASON,
        world.caf_contact.id,
    )
    (event,) = audit_events("child.shielded", world.caf_contact)
    assert json.loads(event.detail)["reason"] == REASON
    page = search_page(searcher, world)
    assert "12 Safe Street" not in page
    assert "SE5 7RR" not in page
    assert REASON in client.get(shielding_path(world)).get_data(as_text=True)


def test_removing_the_shielding_shows_the_address_again_and_is_audited(app, client, world):
    world.child.shielded = True
    db.session.commit()
    sign_in(client, world.caf_contact)
    response = client.post_form(
        shielding_path(world), {"shielded": "no", "reason": "Family rehoused; risk has passed"}
    )
    assert response.status_code == 302
    assert reloaded(world).shielded is False
    assert audit_events("child.unshielded", world.caf_contact)
    searcher = app.test_client()
    sign_in(searcher, world.colleague)
    assert "12 Safe Street" in search_page(searcher, world)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"shielded": "yes", "reason": ""}, "Enter the reason"),
        ({"shielded": "perhaps", "reason": REASON}, "Select an option from the list"),
        ({"reason": REASON}, "Select whether this record should be shielded"),
        ({"shielded": "no", "reason": REASON}, "This record is not shielded"),
        ({"shielded": "yes", "reason": "x" * 2001}, "The reason must be 2000 characters or fewer"),
    ],
)
def test_a_change_without_a_reason_or_with_a_forged_answer_is_refused(client, world, data, message):
    sign_in(client, world.caf_contact)
    response = client.post_form(shielding_path(world), data)
    assert response.status_code == 200
    assert message in error_messages(response)
    assert reloaded(world).shielded is False
    assert changes() == []
    assert audit_events("child.shielding_refused", world.caf_contact)


@pytest.mark.parametrize(
    "person",
    [
        "assessor",
        "manager",
        "northgate_contact",
        "northgate_practitioner",
        "borough_admin",
        "system_admin",
    ],
)
def test_nobody_else_can_see_or_change_the_shielding_and_the_attempt_is_audited(
    client, world, person
):
    sign_in(client, world.person(person))
    assert client.get(shielding_path(world)).status_code == 404
    response = client.post_form(
        shielding_path(world), {"shielded": "yes", "reason": REASON}, token_from="/"
    )
    assert response.status_code == 404
    assert reloaded(world).shielded is False
    assert changes() == []
    refused = audit_events("child.shielding_refused", world.person(person))
    assert [event.child_id for event in refused] == [world.child.id, world.child.id]


def test_a_guessed_child_id_answers_404_and_is_audited(client, world):
    sign_in(client, world.caf_contact)
    assert client.get("/children/999999/shielding").status_code == 404
    (event,) = audit_events("child.shielding_refused", world.caf_contact)
    assert (event.object_id, event.child_id) == ("999999", None)
