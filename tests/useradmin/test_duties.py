"""Separation of duties on roles, through HTTP: no account holds an administrator role
beside a role that reads children's records, whether it is created, changed, changed by
its own administrator, given a role through `grants.grant_roles` (what the CSV import
calls) or written straight to the database; the borough CAF contact and administrator
roles wait for a second administrator (or a system administrator), and every role given is
audited and e-mailed to the borough's CAF contacts; an administrator cannot reach a
practitioner's password."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailbox import text_of
from tests.two_factor import pass_second_step
from tests.useradmin.helpers import (
    account_form,
    error_messages,
    events,
    make_accounts_world,
    soup_of,
)
from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import may
from webapp.accounts.models import User, UserRole
from webapp.accounts.passwords import unusable_password_hash
from webapp.useradmin import duties, grants
from webapp.useradmin.models import RequestOutcome

NEW = "/admin/users/new"
RECORD_ROLES = [Role.PRACTITIONER, Role.MANAGER, Role.BOROUGH_CAF_CONTACT]
ADMINISTRATOR_ROLES = [Role.BOROUGH_ADMIN, Role.SYSTEM_ADMIN]
HOLDER = {
    Role.PRACTITIONER: "practitioner",
    Role.MANAGER: "manager",
    Role.BOROUGH_CAF_CONTACT: "caf_contact",
}


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.fixture
def east(world):
    return world["eastmoor"]


@pytest.fixture
def admin_client(client, east):
    sign_in(client, east["admin"])
    return client


def new_account_form(east, email: str, roles: list[str]) -> dict:
    return {
        "full_name": "Casey Jones",
        "email": email,
        "organisation": str(east["school"].id),
        "roles": roles,
        "caf_trained": "yes",
    }


def account_with_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).one_or_none()


# --- an administrator never holds a role that reads children's records ----------------------


@pytest.mark.parametrize("record_role", RECORD_ROLES)
def test_an_account_cannot_be_created_with_an_administrator_and_a_record_role(
    admin_client, east, record_role
):
    response = admin_client.post_form(
        NEW, new_account_form(east, "both@eastmoor.example", ["borough_admin", record_role.value])
    )

    assert response.status_code == 200
    assert error_messages(response) == [duties.ROLES_CONFLICT]
    assert soup_of(response).select_one("#roles-error") is not None
    assert account_with_email("both@eastmoor.example") is None


@pytest.mark.parametrize("record_role", RECORD_ROLES)
def test_an_administrator_account_cannot_be_given_a_record_role(admin_client, east, record_role):
    other_admin = east["second_admin"]

    response = admin_client.post_form(
        f"/admin/users/{other_admin.id}/edit",
        account_form(other_admin, roles=["borough_admin", record_role.value]),
    )

    assert response.status_code == 200
    assert error_messages(response) == [duties.ROLES_CONFLICT]
    db.session.refresh(other_admin)
    assert other_admin.roles == {Role.BOROUGH_ADMIN}
    assert grants.waiting_for(db.session, other_admin) == []


@pytest.mark.parametrize("record_role", RECORD_ROLES)
def test_an_administrator_cannot_give_themselves_a_record_role(admin_client, east, record_role):
    admin = east["admin"]

    response = admin_client.post_form(
        f"/admin/users/{admin.id}/edit",
        account_form(admin, roles=["borough_admin", record_role.value]),
    )

    assert response.status_code == 200
    assert error_messages(response) == [duties.ROLES_CONFLICT]
    db.session.refresh(admin)
    assert admin.roles == {Role.BOROUGH_ADMIN}
    assert not may(admin, Permission.EPISODE_VIEW)


@pytest.mark.parametrize("record_role", RECORD_ROLES)
def test_an_account_that_reads_records_cannot_be_made_an_administrator_beside_it(
    admin_client, east, record_role
):
    holder = east[HOLDER[record_role]]

    response = admin_client.post_form(
        f"/admin/users/{holder.id}/edit",
        account_form(holder, roles=[record_role.value, "borough_admin"]),
    )

    assert response.status_code == 200
    assert error_messages(response) == [duties.ROLES_CONFLICT]
    db.session.refresh(holder)
    assert holder.roles == {record_role}
    assert grants.waiting_for(db.session, holder) == []


@pytest.mark.parametrize("administrator_role", ADMINISTRATOR_ROLES)
@pytest.mark.parametrize("record_role", RECORD_ROLES)
def test_grant_roles_keeps_every_administrator_role_from_every_record_role(
    world, east, administrator_role, record_role
):
    """The function the CSV import and any command call, both ways round."""
    administrator = (
        world["system_admin"] if administrator_role is Role.SYSTEM_ADMIN else east["second_admin"]
    )
    holder = east[HOLDER[record_role]]

    with pytest.raises(duties.DutiesBreached):
        grants.grant_roles(db.session, administrator, [record_role], east["admin"])
    with pytest.raises(duties.DutiesBreached):
        grants.grant_roles(db.session, holder, [administrator_role], east["admin"])

    db.session.rollback()
    assert administrator.roles == {administrator_role} and holder.roles == {record_role}


@pytest.mark.parametrize("administrator_role", ADMINISTRATOR_ROLES)
@pytest.mark.parametrize("record_role", RECORD_ROLES)
@pytest.mark.parametrize("first", ["administrator", "record"])
def test_the_database_refuses_an_administrator_role_beside_a_record_role(
    east, administrator_role, record_role, first
):
    """Whatever path skips the services (a command, a script, SQL), the database refuses."""
    account = User(
        email="direct@eastmoor.example",
        full_name="Direct Write",
        borough_id=east["borough"].id,
        organisation_id=east["school"].id,
        password_hash=unusable_password_hash(),
    )
    db.session.add(account)
    db.session.flush()
    roles = (
        [administrator_role, record_role]
        if first == "administrator"
        else [
            record_role,
            administrator_role,
        ]
    )
    db.session.add(UserRole(user_id=account.id, role=roles[0]))
    db.session.flush()

    db.session.add(UserRole(user_id=account.id, role=roles[1]))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_account_holding_both_from_before_the_rule_reads_no_records(east):
    """Roles given before the rule existed: the access policy gives such an administrator
    none of the permissions that read children's records."""
    legacy = User(
        email="legacy@eastmoor.example",
        full_name="Legacy",
        borough_id=east["borough"].id,
        organisation_id=east["school"].id,
        password_hash=unusable_password_hash(),
        dbs_check_date=east["practitioner"].dbs_check_date,
        active=True,
    )
    legacy.role_grants = [UserRole(role=Role.BOROUGH_ADMIN), UserRole(role=Role.PRACTITIONER)]

    assert may(legacy, Permission.USER_ACCOUNTS_MAINTAIN)
    for permission in (
        Permission.EPISODE_VIEW,
        Permission.CHILD_INDEX_SEARCH,
        Permission.EPISODE_START,
    ):
        assert not may(legacy, permission)
    db.session.expunge_all()


# --- the borough CAF contact and administrator roles wait for a second administrator --------


@pytest.mark.parametrize("role", [Role.BOROUGH_CAF_CONTACT, Role.BOROUGH_ADMIN])
def test_a_role_that_needs_approval_is_not_given_when_an_account_is_created(
    admin_client, east, role
):
    response = admin_client.post_form(
        NEW, new_account_form(east, "casey@eastmoor.example", [role.value])
    )

    assert response.status_code == 302
    account = account_with_email("casey@eastmoor.example")
    assert account.roles == frozenset()
    assert grants.waiting_roles(db.session, account) == {role}
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Another administrator must approve the role {role.title}" in page
    assert "Roles waiting for approval" in page
    (event,) = events("useradmin.role_grant_requested")
    assert event.actor_id == east["admin"].id and event.object_id == str(account.id)


def test_a_role_that_needs_approval_is_not_given_when_an_account_is_changed(admin_client, east):
    manager = east["manager"]

    response = admin_client.post_form(
        f"/admin/users/{manager.id}/edit",
        account_form(manager, roles=["manager", "borough_caf_contact"]),
    )

    assert response.status_code == 302
    db.session.refresh(manager)
    assert manager.roles == {Role.MANAGER}
    assert grants.waiting_roles(db.session, manager) == {Role.BOROUGH_CAF_CONTACT}
    # Asking again does not ask twice.
    admin_client.post_form(
        f"/admin/users/{manager.id}/edit",
        account_form(manager, roles=["manager", "borough_caf_contact"]),
    )
    assert len(grants.waiting_for(db.session, manager)) == 1


def test_a_second_administrator_approves_and_everyone_concerned_is_told(
    admin_client, east, other_client, mail_server
):
    manager = east["manager"]
    admin_client.post_form(
        f"/admin/users/{manager.id}/edit",
        account_form(manager, roles=["manager", "borough_caf_contact"]),
    )
    (request,) = grants.waiting_for(db.session, manager)
    (asked,) = mail_server.to(east["second_admin"].email)
    assert "A change is waiting for your approval" in asked["Subject"]
    assert f"/admin/role-requests/{request.id}" in text_of(asked)
    sign_in(other_client, east["second_admin"])

    page = other_client.get(f"/admin/role-requests/{request.id}")
    assert page.status_code == 200 and 'name="decision"' in page.get_data(as_text=True)
    response = other_client.post_form(
        f"/admin/role-requests/{request.id}", {"decision": "approve", "comment": ""}
    )

    assert response.status_code == 302
    db.session.refresh(manager)
    assert manager.roles == {Role.MANAGER, Role.BOROUGH_CAF_CONTACT}
    db.session.refresh(request)
    assert (request.outcome, request.decided_by_id) == (
        RequestOutcome.APPROVED,
        east["second_admin"].id,
    )
    (decided,) = events("useradmin.role_grant_decided")
    assert decided.actor_id == east["second_admin"].id
    (granted,) = events("useradmin.role_granted")
    assert granted.object_id == str(manager.id)
    mail_server.wait_for(4)
    (told,) = [
        message
        for message in mail_server.to(east["caf_contact"].email)
        if "has been given the role" in message["Subject"]
    ]
    assert told["Subject"] == f"{manager.full_name} has been given the role Borough CAF contact"
    assert east["second_admin"].full_name in text_of(told)
    (answer,) = mail_server.to(east["admin"].email)
    assert "approved your request" in text_of(answer)
    assert [m["Subject"] for m in mail_server.to(manager.email)] == ["Your eCAF roles have changed"]


def test_every_role_given_is_emailed_to_the_boroughs_caf_contacts(admin_client, east, mail_server):
    admin_client.post_form(
        NEW, new_account_form(east, "pat@eastmoor.example", ["practitioner", "manager"])
    )

    subjects = sorted(message["Subject"] for message in mail_server.to(east["caf_contact"].email))
    assert subjects == [
        "Casey Jones has been given the role Manager",
        "Casey Jones has been given the role Practitioner",
    ]
    assert [json_role(event) for event in events("useradmin.role_granted")] == [
        "manager",
        "practitioner",
    ]


def json_role(event) -> str:
    import json

    return json.loads(event.detail)["role"]


def test_a_system_administrator_may_approve(admin_client, east, world, other_client):
    admin_client.post_form(NEW, new_account_form(east, "casey@eastmoor.example", ["borough_admin"]))
    account = account_with_email("casey@eastmoor.example")
    (request,) = grants.waiting_for(db.session, account)
    sign_in(other_client, world["system_admin"])

    assert other_client.get("/admin/role-requests").status_code == 200
    response = other_client.post_form(f"/admin/role-requests/{request.id}", {"decision": "approve"})

    assert response.status_code == 302
    db.session.refresh(account)
    assert account.roles == {Role.BOROUGH_ADMIN}


def test_a_rejection_needs_a_reason_and_gives_nothing(
    admin_client, east, other_client, mail_server
):
    admin_client.post_form(
        NEW, new_account_form(east, "casey@eastmoor.example", ["borough_caf_contact"])
    )
    account = account_with_email("casey@eastmoor.example")
    (request,) = grants.waiting_for(db.session, account)
    sign_in(other_client, east["second_admin"])
    path = f"/admin/role-requests/{request.id}"

    missing = other_client.post_form(path, {"decision": "reject", "comment": " "})
    assert missing.status_code == 400
    assert error_messages(missing) == ["Enter why you are rejecting the request"]
    nothing = other_client.post_form(path, {})
    assert error_messages(nothing) == ["Select whether you approve the request"]
    rejected = other_client.post_form(path, {"decision": "reject", "comment": "Not the CAF team"})

    assert rejected.status_code == 302
    db.session.refresh(account)
    db.session.refresh(request)
    assert account.roles == frozenset()
    assert (request.outcome, request.comment) == (RequestOutcome.REJECTED, "Not the CAF team")
    assert events("useradmin.role_granted") == []
    assert "rejected your request" in text_of(mail_server.to(east["admin"].email)[-1])
    # Decided once: a second decision is refused.
    again = other_client.post_form(path, {"decision": "approve"})
    assert again.status_code == 400
    db.session.refresh(account)
    assert account.roles == frozenset()


def test_another_boroughs_administrator_cannot_see_or_decide_a_request(
    admin_client, east, world, other_client
):
    admin_client.post_form(
        NEW, new_account_form(east, "casey@eastmoor.example", ["borough_caf_contact"])
    )
    (request,) = grants.waiting_for(db.session, account_with_email("casey@eastmoor.example"))
    sign_in(other_client, world["westfold"]["admin"])

    assert other_client.get(f"/admin/role-requests/{request.id}").status_code == 404
    refused = other_client.post_form(
        f"/admin/role-requests/{request.id}", {"decision": "approve"}, token_from="/"
    )
    assert refused.status_code == 404
    assert "Casey" not in other_client.get("/admin/role-requests").get_data(as_text=True)
    assert len(events("access.refused")) == 2
    db.session.refresh(request)
    assert request.outcome is None


@pytest.mark.parametrize("who", ["practitioner", "manager", "caf_contact"])
def test_people_who_do_not_administer_cannot_decide(admin_client, east, other_client, who):
    admin_client.post_form(
        NEW, new_account_form(east, "casey@eastmoor.example", ["borough_caf_contact"])
    )
    (request,) = grants.waiting_for(db.session, account_with_email("casey@eastmoor.example"))
    sign_in(other_client, east[who])

    assert other_client.get("/admin/role-requests").status_code == 403
    response = other_client.post_form(
        f"/admin/role-requests/{request.id}", {"decision": "approve"}, token_from="/"
    )
    assert response.status_code == 403
    db.session.refresh(request)
    assert request.outcome is None


# --- an administrator cannot reach a practitioner's password -------------------------------


def test_an_administrator_cannot_send_a_password_link_for_an_account_with_a_password(
    admin_client, east, mail_server
):
    practitioner = east["practitioner"]
    before = practitioner.password_hash

    response = admin_client.post_form(
        f"/admin/users/{practitioner.id}/set-password-link",
        token_from=f"/admin/users/{practitioner.id}",
    )

    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A new link can only be sent for an active account whose owner has not set" in page
    assert mail_server.messages == []
    db.session.refresh(practitioner)
    assert practitioner.password_hash == before


def test_an_administrator_cannot_redirect_a_practitioners_email_or_set_their_password(
    admin_client, east, mail_server
):
    practitioner = east["practitioner"]
    before = (practitioner.email, practitioner.password_hash)

    admin_client.post_form(
        f"/admin/users/{practitioner.id}/edit",
        account_form(
            practitioner,
            email="admin-controlled@eastmoor.example",
            password="chosen by the administrator",
            caf_trained="no",
        ),
    )
    admin_client.post_form("/account/forgotten-password", {"email": practitioner.email})

    db.session.refresh(practitioner)
    assert (practitioner.email, practitioner.password_hash) == before
    for message in mail_server.wait_for(1):
        assert message["To"] == practitioner.email
    assert mail_server.to("admin-controlled@eastmoor.example") == []
    assert mail_server.to(east["admin"].email) == []


def test_resetting_an_administrators_two_factor_sign_in_makes_them_no_second_person(
    admin_client, east, other_client
):
    """A reset is a change to the account: its holder cannot then approve the resetting
    administrator's requests."""
    other_admin = east["second_admin"]
    admin_client.post_form(
        f"/admin/users/{other_admin.id}/two-factor/reset", {"reason": "Lost phone"}, token_from="/"
    )
    db.session.refresh(other_admin)
    assert other_admin.changed_by_id == east["admin"].id
    admin_client.post_form(
        NEW, new_account_form(east, "casey@eastmoor.example", ["borough_caf_contact"])
    )
    (request,) = grants.waiting_for(db.session, account_with_email("casey@eastmoor.example"))
    signed_in = other_client.post_form(
        "/sign-in", {"email": other_admin.email, "password": PASSWORD}
    )
    set_up = pass_second_step(other_client, signed_in, other_admin.email)  # their app again
    assert "Two-factor sign-in is set up" in set_up.get_data(as_text=True)

    refused = other_client.post_form(f"/admin/role-requests/{request.id}", {"decision": "approve"})

    assert refused.status_code == 400
    assert error_messages(refused) == [duties.CHANGED_BY_REQUESTER]
