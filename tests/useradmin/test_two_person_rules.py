"""The second person of every two-person rule (form publication, role grants, workflow
choices) is a distinct person whose account existed before the request and was neither
created nor last changed by the one who asked. Each rule is tried through HTTP against each
way round it — the same person, an account the requester created (and had approved), an
account the requester changed last, an account created after the request — and then decided
by an independent administrator, which works."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import sign_in
from tests.factories import make_user
from tests.mailbox import last_link_to
from tests.two_factor import pass_second_step
from tests.useradmin.helpers import account_form, events, make_accounts_world
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.db import utcnow
from webapp.formadmin.models import OverlayDraft, OverlayVersion
from webapp.useradmin import grants
from webapp.useradmin.models import RequestOutcome, RoleGrantRequest
from webapp.workflowchoices.models import WorkflowChoiceRequest, WorkflowChoiceVersion

ADD_QUESTION = {
    "field_id": "school_attended",
    "field_type": "text",
    "label": "School attended",
    "hint": "",
    "required": "no",
    "data_class": "basic",
    "options": "",
    "place": "after:date_of_birth",
    "visible_if_field": "",
    "visible_if_value": "",
}


# Accounts made through the pages set their own password through the e-mailed link.
OWN_PASSWORD = "a long and personal passphrase"
MADE_THROUGH_THE_PAGES: set[str] = set()


def client_of(user: User):
    """A browser signed in as `user`; one made through the pages sets up its two-factor
    sign-in on this, its first sign-in."""
    client = current_app.test_client()
    if user.email not in MADE_THROUGH_THE_PAGES:
        sign_in(client, user)
        return client
    signed_in = client.post_form("/sign-in", {"email": user.email, "password": OWN_PASSWORD})
    assert signed_in.status_code == 302
    set_up = pass_second_step(client, signed_in, user.email)
    assert "Two-factor sign-in is set up" in page_text(set_up)
    return client


def page_text(response) -> str:
    return " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text().split()
    )


def new_account(client, email: str, roles: list[str], organisation) -> User:
    response = client.post_form(
        "/admin/users/new",
        {
            "full_name": email.split("@")[0].title(),
            "email": email,
            "organisation": str(organisation.id),
            "roles": roles,
            "caf_trained": "yes",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    path = last_link_to(current_app, email)
    chosen = current_app.test_client().post_form(
        path, {"password": OWN_PASSWORD, "confirm": OWN_PASSWORD}
    )
    assert chosen.status_code == 302
    MADE_THROUGH_THE_PAGES.add(email)
    return db.session.scalars(select(User).where(User.email == email)).one()


def approve_role(client, request: RoleGrantRequest):
    return client.post_form(f"/admin/role-requests/{request.id}", {"decision": "approve"})


# --- the three two-person rules: how to ask, how to decide, whether it took effect ---------


@dataclass
class Rule:
    ask: Callable[[object, dict], object]  # (requester's client, world) -> what was asked
    decide: Callable[[object, object], object]  # (decider's client, what) -> response
    took_effect: Callable[[object], bool]


def ask_role(client, east) -> RoleGrantRequest:
    account = new_account(client, "casey@eastmoor.example", ["borough_caf_contact"], east["school"])
    (request,) = grants.waiting_for(db.session, account)
    return request


def role_took_effect(request: RoleGrantRequest) -> bool:
    db.session.expire_all()
    return request.account.has_role(Role.BOROUGH_CAF_CONTACT)


def ask_choices(client, east) -> WorkflowChoiceRequest:
    response = client.post_form(
        "/admin/workflow-choices",
        {"choice_closure_approver": "borough_caf_contact", "reason": "The panel agreed"},
        token_from="/admin/workflow-choices",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(WorkflowChoiceRequest)).one()


def decide_choices(client, request: WorkflowChoiceRequest):
    return client.post_form(
        f"/admin/workflow-choices/requests/{request.id}", {"decision": "approve"}
    )


def choices_took_effect(_request) -> bool:
    return db.session.scalars(select(WorkflowChoiceVersion)).first() is not None


def step(client, draft, trigger: str, comment: str = ""):
    path = f"/admin/forms/drafts/{draft.id}/steps/{trigger}"
    page = client.get(path).get_data(as_text=True)
    state = re.search(r'name="expected_state"[^>]*value="([a-z_]*)"', page).group(1)
    return client.post_form(path, {"expected_state": state, "comment": comment}, token_from=path)


def ask_publication(client, east) -> OverlayDraft:
    response = client.post_form(
        "/admin/forms/caf_assessment/drafts", {"start_from": "current"}, token_from="/admin/forms"
    )
    assert response.status_code == 302
    draft = db.session.scalars(select(OverlayDraft)).one()
    path = f"/admin/forms/drafts/{draft.id}/changes/add-question"
    html = client.get(path).get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', html).group(1)
    changed = client.post_form(path, {"lock_version": lock, **ADD_QUESTION}, token_from=path)
    assert changed.status_code == 302
    assert step(client, draft, "submit_for_approval", "Schools asked for it").status_code == 302
    return draft


def publication_took_effect(_draft) -> bool:
    return db.session.scalars(select(OverlayVersion)).first() is not None


RULES = {
    "role grant": Rule(ask_role, approve_role, role_took_effect),
    "workflow choices": Rule(ask_choices, decide_choices, choices_took_effect),
    "form publication": Rule(
        ask_publication,
        lambda client, draft: step(client, draft, "approve_and_publish"),
        publication_took_effect,
    ),
}


# --- the ways round the rule -----------------------------------------------------------------


def same_person(requester_client, world, ask):
    """The requester decides their own request."""
    return requester_client, ask()


def account_the_requester_created(requester_client, world, ask):
    """The requester makes a second account, with the administrator role (which an
    independent administrator approves, as the rule for that role asks), then asks."""
    east = world["eastmoor"]
    made = new_account(
        requester_client, "my-other-self@eastmoor.example", ["borough_admin"], east["school"]
    )
    (request,) = grants.waiting_for(db.session, made)
    assert approve_role(client_of(east["second_admin"]), request).status_code == 302
    db.session.refresh(made)
    assert made.has_role(Role.BOROUGH_ADMIN) and made.created_by_id == east["admin"].id
    return client_of(made), ask()


def account_the_requester_changed_last(requester_client, world, ask):
    """Another administrator's account, last changed by the requester (a DBS date)."""
    east = world["eastmoor"]
    other = make_user(east["school"], Role.BOROUGH_ADMIN)
    db.session.commit()
    changed = requester_client.post_form(
        f"/admin/users/{other.id}/edit", account_form(other, caf_trained="no")
    )
    assert changed.status_code == 302
    db.session.refresh(other)
    assert other.changed_by_id == east["admin"].id
    return client_of(other), ask()


def account_created_after_the_request(requester_client, world, ask):
    """An administrator account made, by someone else, after the request was made."""
    east = world["eastmoor"]
    asked = ask()
    late = new_account(
        client_of(east["second_admin"]), "late@eastmoor.example", ["borough_admin"], east["clinic"]
    )
    (request,) = grants.waiting_for(db.session, late)
    assert approve_role(client_of(world["system_admin"]), request).status_code == 302
    db.session.refresh(late)
    assert late.has_role(Role.BOROUGH_ADMIN) and late.created_by_id != east["admin"].id
    return client_of(late), asked


BYPASSES = {
    "same person": same_person,
    "account created by the requester": account_the_requester_created,
    "account last changed by the requester": account_the_requester_changed_last,
    "account created after the request": account_created_after_the_request,
}


@pytest.fixture
def world(app):
    return make_accounts_world()


@pytest.mark.parametrize("bypass", list(BYPASSES))
@pytest.mark.parametrize("rule_name", list(RULES))
def test_the_second_person_is_independent_of_the_requester(world, rule_name, bypass):
    east = world["eastmoor"]
    rule = RULES[rule_name]
    requester = client_of(east["admin"])

    decider, asked = BYPASSES[bypass](requester, world, lambda: rule.ask(requester, east))
    refused = rule.decide(decider, asked)

    assert refused.status_code == 400
    assert "There is a problem" in page_text(refused)
    assert not rule.took_effect(asked)
    # An independent administrator of the borough can decide it.
    decided = rule.decide(client_of(east["second_admin"]), asked)
    assert decided.status_code == 302, page_text(decided)
    assert rule.took_effect(asked)


@pytest.mark.parametrize("rule_name", ["role grant", "workflow choices"])
def test_a_refused_decision_is_audited_and_the_request_still_waits(world, rule_name):
    east = world["eastmoor"]
    requester = client_of(east["admin"])
    asked = RULES[rule_name].ask(requester, east)

    RULES[rule_name].decide(requester, asked)

    action = {
        "role grant": "useradmin.role_grant_refused",
        "workflow choices": "workflow.choices_change_refused",
    }[rule_name]
    (event,) = events(action)
    assert event.actor_id == east["admin"].id and event.object_id == str(asked.id)
    db.session.refresh(asked)
    assert asked.outcome is None and asked.decided_by_id is None


def test_the_requester_is_shown_they_cannot_decide_and_is_given_no_form(world):
    east = world["eastmoor"]
    requester = client_of(east["admin"])
    request = ask_role(requester, east)

    page = requester.get(f"/admin/role-requests/{request.id}")

    assert page.status_code == 200
    assert "You asked for this change" in page_text(page)
    assert 'name="decision"' not in page.get_data(as_text=True)
    listed = page_text(requester.get("/admin/role-requests"))
    assert "No: You asked for this change" in listed
    home = BeautifulSoup(requester.get("/").get_data(as_text=True), "html.parser")
    assert "Nothing is waiting for your approval" in home.select_one("[data-approvals]").text


def test_the_second_administrator_finds_the_request_on_their_home_page(world):
    east = world["eastmoor"]
    request = ask_role(client_of(east["admin"]), east)
    second = client_of(east["second_admin"])

    home = BeautifulSoup(second.get("/").get_data(as_text=True), "html.parser")

    link = home.select_one(f"[data-approvals] a[href='/admin/role-requests/{request.id}']")
    assert link is not None
    assert "Give Casey the role Borough CAF contact" in link.text
    assert approve_role(second, request).status_code == 302
    db.session.refresh(request)
    assert request.outcome == RequestOutcome.APPROVED
    assert request.decided_by_id == east["second_admin"].id


# --- the database holds the same rule, whatever path writes the decision --------------------


def decided_role_grant(east, requester, approver):
    request = RoleGrantRequest(
        account_id=east["manager"].id,
        borough_id=east["borough"].id,
        role=Role.BOROUGH_CAF_CONTACT,
        requested_by_id=requester.id,
        comment="",
    )
    db.session.add(request)
    db.session.flush()
    request.decided_by_id = approver.id
    request.decided_at = utcnow()
    request.outcome = RequestOutcome.APPROVED


def decided_choice_change(east, requester, approver):
    request = WorkflowChoiceRequest(
        borough_id=east["borough"].id,
        workflow_id="caf",
        selections_json="{}",
        reason="x",
        requested_by_id=requester.id,
        comment="",
    )
    db.session.add(request)
    db.session.flush()
    request.decided_by_id = approver.id
    request.decided_at = utcnow()
    request.outcome = RequestOutcome.APPROVED


def published_version(east, requester, approver):
    db.session.add(
        OverlayVersion(
            borough="eastmoor",
            form_id="caf_assessment",
            version=1,
            base_version=1,
            source_yaml="borough: eastmoor\n",
            published_by_id=requester.id,
            approved_by_id=approver.id,
        )
    )


WRITES = {
    "role grant": decided_role_grant,
    "workflow choices": decided_choice_change,
    "form publication": published_version,
}


@pytest.mark.parametrize("approver_kind", ["the requester", "created by", "changed by"])
@pytest.mark.parametrize("write", list(WRITES))
def test_the_database_refuses_a_second_person_who_is_not_independent(world, write, approver_kind):
    east = world["eastmoor"]
    requester = east["admin"]
    approver = requester
    if approver_kind != "the requester":
        approver = make_user(east["school"], Role.BOROUGH_ADMIN)
        setattr(approver, f"{approver_kind.split()[0]}_by_id", requester.id)
    db.session.commit()

    WRITES[write](east, requester, approver)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    WRITES[write](east, requester, east["second_admin"])  # an independent one is accepted
    db.session.flush()
    db.session.rollback()
