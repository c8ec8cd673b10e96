"""What each e-mail says, sent through the pages that cause it: an invitation to a team
around the child, a closure sent back, a change of roles. None names the child or quotes
the record: it says what happened and links to the service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from tests.mailbox import html_of, text_of
from tests.useradmin.helpers import account_form
from webapp import db
from webapp.access.permissions import Role
from webapp.boroughs.models import Sector
from webapp.consent.models import ConsentAgency
from webapp.mail.models import MailKind, OutboxMessage
from webapp.tac.models import TacMember

CHILD = ("Zebedee", "Quillfeather")


@pytest.fixture
def world(app):
    borough = make_borough("eastmoor", name="Eastmoor Council")
    school = make_organisation(borough, Sector.SCHOOL, name="Eastmoor Primary")
    health = make_organisation(borough, Sector.HEALTH, name="Eastmoor Health")
    assessor = make_user(school, email="assessor@eastmoor.example")
    lead = make_user(school, email="lead@eastmoor.example")
    people = {
        "assessor": assessor,
        "lead": lead,
        "manager": make_user(school, Role.MANAGER, email="manager@eastmoor.example"),
        "nurse": make_user(health, email="nurse@eastmoor.example"),
        "admin": make_user(school, Role.BOROUGH_ADMIN, email="admin@eastmoor.example"),
        "child": make_child(borough, given_names=CHILD[0], family_name=CHILD[1]),
    }
    db.session.commit()
    return people


def never_names_the_child(message) -> None:
    whole = message.as_string()
    assert CHILD[0] not in whole and CHILD[1] not in whole


def only_message_to(mail_server, address: str):
    [message] = mail_server.to(address)
    never_names_the_child(message)
    return message


def test_an_invitation_to_a_team_says_sign_in_to_see_it(client, world, mail_server):
    episode = make_episode(world["child"], world["assessor"], state="assessed")
    consent = make_consent(episode, world["assessor"])
    consent.agencies = [ConsentAgency(organisation_id=world["nurse"].organisation_id)]
    db.session.commit()
    sign_in(client, world["assessor"])

    response = client.post_form(
        f"/episodes/{episode.id}/tac/invite",
        {"invite-email": world["nurse"].email, "invite-role": "School nurse"},
        token_from=f"/episodes/{episode.id}/tac",
    )

    assert response.status_code == 302
    message = only_message_to(mail_server, world["nurse"].email)
    assert message["Subject"] == "You have been invited to join a team around the child"
    member = db.session.scalars(
        select(TacMember).where(TacMember.user_id == world["nurse"].id)
    ).one()
    link = f"https://localhost/tac/invitations/{member.id}"
    assert link in text_of(message) and link in html_of(message)
    assert episode.reference not in message.as_string()


def test_a_closure_sent_back_tells_the_person_who_asked(client, world, mail_server):
    episode = make_episode(
        world["child"],
        world["assessor"],
        lead_professional=world["lead"],
        state="closure_requested",
        closure_requested_by_id=world["lead"].id,
    )
    db.session.commit()
    sign_in(client, world["manager"])

    response = client.post_form(
        f"/episodes/{episode.id}/steps/send_back_closure",
        {"expected_state": "closure_requested", "comment": f"{CHILD[0]} still misses school"},
        token_from=f"/episodes/{episode.id}",
    )

    assert response.status_code == 302
    message = only_message_to(mail_server, world["lead"].email)
    assert message["Subject"] == f"Closure of CAF {episode.reference} sent back"
    assert f"https://localhost/episodes/{episode.id}" in text_of(message)
    assert "still misses school" not in message.as_string()  # the comment stays in eCAF
    assert mail_server.to(world["manager"].email) == []


def test_a_change_of_roles_is_emailed_to_the_person(client, world, mail_server):
    person = world["nurse"]
    sign_in(client, world["admin"])

    response = client.post_form(
        f"/admin/users/{person.id}/edit", account_form(person, roles=["practitioner", "manager"])
    )

    assert response.status_code == 302
    message = only_message_to(mail_server, person.email)
    assert message["Subject"] == "Your eCAF roles have changed"
    assert "* Practitioner" in text_of(message) and "* Manager" in text_of(message)
    assert "<li>Manager</li>" in html_of(message)
    # Other changes than roles send nothing.
    db.session.expire_all()
    client.post_form(f"/admin/users/{person.id}/edit", account_form(person, caf_trained="no"))
    assert len(mail_server.to(person.email)) == 1
    kinds = [row.kind for row in db.session.scalars(select(OutboxMessage))]
    assert kinds == [MailKind.ROLES_CHANGED]
