"""Changing an account's roles, organisation, DBS check date and training: within the
borough's organisations and roles, audited, and never removing the administrator's own
administrator role. Through HTTP."""

import json
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.useradmin.helpers import account_form, error_messages, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.useradmin import duties, grants


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


def edit_path(account) -> str:
    return f"/admin/users/{account.id}/edit"


def test_edit_page_shows_the_account_as_it_is(admin_client, east):
    person = east["practitioner"]
    page = admin_client.get(edit_path(person)).get_data(as_text=True)
    assert f'value="{person.dbs_check_date.year}"' in page
    assert 'value="practitioner" checked' in page


def test_administrator_changes_roles_organisation_dbs_date_and_training(admin_client, east):
    person = east["practitioner"]
    checked = date.today() - timedelta(days=10)
    response = admin_client.post_form(
        edit_path(person),
        account_form(
            person,
            organisation=str(east["clinic"].id),
            roles=["manager", "borough_caf_contact"],
            caf_trained="no",
            **{
                "dbs_check_date-day": str(checked.day),
                "dbs_check_date-month": str(checked.month),
                "dbs_check_date-year": str(checked.year),
            },
        ),
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.organisation_id == east["clinic"].id
    # The borough CAF contact role waits for a second administrator (test_duties.py).
    assert person.roles == {Role.MANAGER}
    assert grants.waiting_roles(db.session, person) == {Role.BOROUGH_CAF_CONTACT}
    assert person.dbs_check_date == checked
    assert not person.caf_trained
    # The old team belonged to the old organisation.
    assert person.team_id is None


def test_every_change_is_audited_with_before_and_after(admin_client, east):
    person = east["practitioner"]
    old_date = person.dbs_check_date
    admin_client.post_form(
        edit_path(person), account_form(person, roles=["practitioner", "manager"])
    )
    admin_client.post_form(
        edit_path(person),
        account_form(
            person,
            **{"dbs_check_date-day": "", "dbs_check_date-month": "", "dbs_check_date-year": ""},
        ),
    )
    first, second = events("useradmin.account_changed")
    assert first.actor_id == east["admin"].id and first.object_id == str(person.id)
    assert json.loads(first.detail)["changes"] == {
        "roles": [["practitioner"], ["manager", "practitioner"]]
    }
    assert json.loads(second.detail)["changes"] == {"dbs_check_date": [old_date.isoformat(), None]}
    assert "password" not in first.detail + second.detail


def test_saving_without_a_change_changes_and_audits_nothing(admin_client, east):
    person = east["practitioner"]
    response = admin_client.post_form(edit_path(person), account_form(person))
    assert response.status_code == 302
    assert events("useradmin.account_changed") == []
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed" in page


def test_administrator_cannot_remove_their_own_administrator_role(admin_client, east):
    admin = east["admin"]
    response = admin_client.post_form(edit_path(admin), account_form(admin, roles=["manager"]))
    assert response.status_code == 200
    assert error_messages(response) == [
        "You cannot remove your own borough administrator role. Ask another administrator "
        "of your borough to do it"
    ]
    db.session.refresh(admin)
    assert admin.roles == {Role.BOROUGH_ADMIN}


def test_administrator_cannot_give_themselves_a_role_that_reads_records(admin_client, east):
    admin = east["admin"]
    response = admin_client.post_form(
        edit_path(admin), account_form(admin, roles=["borough_admin", "borough_caf_contact"])
    )
    assert response.status_code == 200
    assert error_messages(response) == [duties.ROLES_CONFLICT]
    db.session.refresh(admin)
    assert admin.roles == {Role.BOROUGH_ADMIN}


def test_another_administrator_may_remove_an_administrator_role(admin_client, east):
    other = east["second_admin"]
    admin_client.post_form(edit_path(other), account_form(other, roles=["practitioner"]))
    db.session.refresh(other)
    assert other.roles == {Role.PRACTITIONER}


def test_a_forged_organisation_of_another_borough_is_refused(admin_client, east, world):
    person = east["practitioner"]
    before = person.organisation_id
    response = admin_client.post_form(
        edit_path(person), account_form(person, organisation=str(world["westfold"]["school"].id))
    )
    assert error_messages(response) == ["Select an option from the list"]
    db.session.refresh(person)
    assert person.organisation_id == before


def test_a_forged_system_administrator_role_is_refused(admin_client, east):
    person = east["practitioner"]
    response = admin_client.post_form(
        edit_path(person), account_form(person, roles=["practitioner", "system_admin"])
    )
    assert error_messages(response) == ["Select an option from the list"]
    db.session.refresh(person)
    assert person.roles == {Role.PRACTITIONER}


def test_at_least_one_role_is_needed(admin_client, east):
    person = east["practitioner"]
    data = account_form(person)
    del data["roles"]
    response = admin_client.post_form(edit_path(person), data)
    assert error_messages(response) == ["Select at least one role"]


def test_a_future_dbs_date_is_refused_on_change(admin_client, east):
    person = east["practitioner"]
    future = date.today() + timedelta(days=30)
    response = admin_client.post_form(
        edit_path(person),
        account_form(
            person,
            **{
                "dbs_check_date-day": str(future.day),
                "dbs_check_date-month": str(future.month),
                "dbs_check_date-year": str(future.year),
            },
        ),
    )
    assert error_messages(response) == ["The date of the DBS check must be today or in the past"]
    db.session.refresh(person)
    assert person.dbs_check_date != future


def test_recording_an_in_date_dbs_check_lets_the_person_search_the_child_index(
    admin_client, east, other_client
):
    person = east["practitioner"]
    person.dbs_check_date = date.today() - timedelta(days=5 * 365)
    db.session.commit()
    sign_in(other_client, person)
    assert other_client.get("/child-index").status_code == 403
    today = date.today()
    admin_client.post_form(
        edit_path(person),
        account_form(
            person,
            **{
                "dbs_check_date-day": str(today.day),
                "dbs_check_date-month": str(today.month),
                "dbs_check_date-year": str(today.year),
            },
        ),
    )
    assert other_client.get("/child-index").status_code == 200


def _seen_on_page(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one("input[name='seen']")["value"]


def test_a_change_made_meanwhile_by_another_administrator_is_not_overwritten(
    admin_client, other_client, east
):
    person = east["practitioner"]
    seen = _seen_on_page(admin_client.get(edit_path(person)))
    # What the first administrator enters on that page: training not done, roles as they were.
    answers = {**account_form(person, caf_trained="no"), "seen": seen}
    sign_in(other_client, east["second_admin"])
    assert (
        other_client.post_form(
            edit_path(person), account_form(person, roles=["practitioner", "manager"])
        ).status_code
        == 302
    )

    refused = admin_client.post_form(edit_path(person), answers)
    assert refused.status_code == 200
    assert error_messages(refused) == [
        "Another administrator changed the roles while you were editing. Check it and save again"
    ]
    db.session.expire_all()
    assert person.roles == {Role.PRACTITIONER, Role.MANAGER}
    assert person.caf_trained is True
    assert len(events("useradmin.account_changed")) == 1
    # What they entered is still on the page; saving it again applies it, knowingly.
    page = refused.get_data(as_text=True)
    assert 'value="no" checked' in page
    answers["seen"] = _seen_on_page(refused)
    assert admin_client.post_form(edit_path(person), answers).status_code == 302
    db.session.expire_all()
    assert person.caf_trained is False
    assert person.roles == {Role.PRACTITIONER}


@pytest.mark.parametrize("seen", ["", "not json", "[1, 2]"])
def test_a_missing_or_mangled_record_of_the_page_saves_nothing(admin_client, east, seen):
    person = east["practitioner"]
    response = admin_client.post_form(
        edit_path(person), {**account_form(person, caf_trained="no"), "seen": seen}
    )
    assert response.status_code == 200
    assert len(error_messages(response)) == 4
    db.session.expire_all()
    assert person.caf_trained is True
