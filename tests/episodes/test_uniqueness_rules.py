"""The domain's uniqueness rules are held by the database, and its counters allocated
atomically: requests at the same moment never make a second open CAF for a child or take one
reference twice, and the loser is told, never shown a 500."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from tests.concurrency import Post, post_at_once
from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import counters, db
from webapp.access.permissions import Role
from webapp.documents.models import UploadedTemplate
from webapp.episodes.models import Episode
from webapp.formadmin.models import OverlayDraft
from webapp.tac.models import LeadProfessionalChange, MemberKind, MemberStatus, TacMember

AT_ONCE = 10


@pytest.fixture
def riverside(app):
    borough = make_borough("riverside", name="London Borough of Riverside")
    school = make_organisation(borough, name="Riverside Primary")
    db.session.commit()
    return {"borough": borough, "school": school}


def _search_for(client, child) -> None:
    response = client.post_form(
        "/child-index",
        {
            "reason": "existing_caf",
            "given_name": child.given_names,
            "family_name": child.family_name,
            "date_of_birth-day": str(child.date_of_birth.day),
            "date_of_birth-month": str(child.date_of_birth.month),
            "date_of_birth-year": str(child.date_of_birth.year),
        },
    )
    assert response.status_code == 200


def _start_at_once(app, starts: list[tuple[object, int]]) -> list[object]:
    """Each (signed-in client, child id) posts "Start a CAF" at the same moment."""
    return post_at_once(
        app,
        [
            Post(
                client,
                f"/children/{child_id}/episodes",
                {"social_care": "not_known"},
                token_from="/child-index",
            )
            for client, child_id in starts
        ],
    )


def _practitioners(app, riverside, count: int) -> list:
    users = [
        make_user(riverside["school"], email=f"practitioner{number}@riverside.example")
        for number in range(count)
    ]
    db.session.commit()
    clients = []
    for user in users:
        client = app.test_client()
        sign_in(client, user)
        clients.append(client)
    return clients


def test_ten_simultaneous_starts_for_one_child_open_one_caf_and_tell_the_others(app, riverside):
    child = make_child(riverside["borough"], date_of_birth=date(2015, 4, 1))
    db.session.commit()
    clients = _practitioners(app, riverside, AT_ONCE)
    for client in clients:
        _search_for(client, child)

    responses = _start_at_once(app, [(client, child.id) for client in clients])

    assert all(not isinstance(response, Exception) for response in responses), responses
    assert [response.status_code for response in responses] == [302] * AT_ONCE
    episodes = db.session.scalars(select(Episode).where(Episode.child_id == child.id)).all()
    assert len(episodes) == 1
    started = [r for r in responses if r.location.endswith(f"/episodes/{episodes[0].id}")]
    told = [r for r in responses if f"/children/{child.id}/join" in r.location]
    assert (len(started), len(told)) == (1, AT_ONCE - 1)


def test_ten_simultaneous_starts_for_different_children_take_ten_references(app, riverside):
    children = [
        make_child(riverside["borough"], date_of_birth=date(2015, 4, number + 1))
        for number in range(AT_ONCE)
    ]
    db.session.commit()
    clients = _practitioners(app, riverside, AT_ONCE)
    for client, child in zip(clients, children, strict=True):
        _search_for(client, child)

    responses = _start_at_once(
        app, [(client, child.id) for client, child in zip(clients, children, strict=True)]
    )

    assert all(not isinstance(response, Exception) for response in responses), responses
    assert [response.status_code for response in responses] == [302] * AT_ONCE
    references = db.session.scalars(select(Episode.reference)).all()
    year = datetime.now().year
    assert sorted(references) == [f"RIV-{year}-{number:05d}" for number in range(1, 11)]


def test_references_carry_on_after_those_already_taken_beyond_five_digits(app, riverside):
    year = datetime.now().year
    make_episode(
        make_child(riverside["borough"], date_of_birth=date(2015, 1, 1)),
        reference=f"RIV-{year}-99999",
    )
    child = make_child(riverside["borough"], date_of_birth=date(2015, 1, 2))
    db.session.commit()
    client = _practitioners(app, riverside, 1)[0]
    _search_for(client, child)

    response = client.post_form(
        f"/children/{child.id}/episodes", {"social_care": "not_known"}, token_from="/child-index"
    )

    assert response.status_code == 302
    opened = db.session.scalars(select(Episode).where(Episode.child_id == child.id)).one()
    assert opened.reference == f"RIV-{year}-100000"


def test_a_closed_caf_is_not_reopened_while_the_child_has_another_open_one(client, app, riverside):
    manager = make_user(riverside["school"], Role.MANAGER)
    child = make_child(riverside["borough"], date_of_birth=date(2015, 1, 1))
    closed = make_episode(child, manager, state="closed", closed_at=datetime(2026, 1, 5))
    make_consent(closed, manager)
    make_episode(child, manager)
    db.session.commit()
    sign_in(client, manager)

    response = client.post_form(
        f"/episodes/{closed.id}/steps/reopen",
        {"expected_state": "closed", "comment": "New concerns"},
    )

    assert response.status_code == 403
    assert "another open CAF" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Episode, closed.id).closed_at is not None


def _member(episode, user, inviter, status=MemberStatus.ACTIVE) -> dict:
    return {
        "episode_id": episode.id,
        "kind": MemberKind.PRACTITIONER,
        "status": status,
        "user_id": user.id,
        "name": user.full_name,
        "invited_by_id": inviter.id,
    }


def _overlay_draft(borough_code: str, user, state: str) -> dict:
    return {
        "borough": borough_code,
        "form_id": "caf_assessment",
        "base_version": 1,
        "source_yaml": "{}",
        "state": state,
        "created_by_id": user.id,
    }


def _template(version: int, user) -> dict:
    return {
        "borough": "riverside",
        "document_type": "caf_form",
        "version": version,
        "filename": "caf.docx",
        "content": b"PK",
        "sha256": "0" * 64,
        "size_bytes": 2,
        "active": True,
        "uploaded_by_id": user.id,
    }


def _rows_breaking_each_rule(riverside):
    """For each rule: a first row, and a second one that breaks the rule with it."""
    practitioner = make_user(riverside["school"])
    colleague = make_user(riverside["school"])
    child = make_child(riverside["borough"], date_of_birth=date(2015, 1, 1))
    episode = make_episode(child, practitioner)
    member = TacMember(**_member(episode, colleague, practitioner))
    db.session.add(member)
    db.session.flush()
    handover = {
        "episode_id": episode.id,
        "to_member_id": member.id,
        "status": "proposed",
        "proposed_by_id": practitioner.id,
    }
    draft = _overlay_draft("riverside", practitioner, "draft")
    return {
        "one open CAF per child": (
            Episode,
            {
                "reference": "EP-SECOND",
                "child_id": child.id,
                "borough_id": child.borough_id,
                "state": "identified",
                "workflow_id": "caf",
                "workflow_version": 1,
            },
        ),
        "a practitioner in a team once": (
            TacMember,
            _member(episode, colleague, practitioner, MemberStatus.INVITED),
        ),
        "one handover waiting per episode": (LeadProfessionalChange, handover, handover),
        "one active Word template per borough and type": (
            UploadedTemplate,
            _template(1, practitioner),
            _template(2, practitioner),
        ),
        "one open form draft per borough and form": (
            OverlayDraft,
            draft,
            _overlay_draft("riverside", practitioner, "awaiting_approval"),
        ),
    }


def test_every_uniqueness_rule_is_held_by_the_database_not_only_by_the_services(app, riverside):
    """Rows written straight to the tables, bypassing every check in Python."""
    rules = _rows_breaking_each_rule(riverside)
    db.session.commit()
    for rule, (model, *rows) in rules.items():
        for row in rows[:-1]:
            db.session.execute(insert(model).values(**row))
        with pytest.raises(IntegrityError):
            db.session.execute(insert(model).values(**rows[-1]))
            db.session.flush()
        db.session.rollback()
        assert rule  # named in the failure report of pytest.raises above


def test_the_rules_allow_what_they_should(app, riverside):
    """A closed CAF beside an open one, a former member invited again, a decided handover
    beside a new one, a published draft beside a new one."""
    practitioner = make_user(riverside["school"])
    colleague = make_user(riverside["school"])
    child = make_child(riverside["borough"], date_of_birth=date(2015, 1, 1))
    make_episode(child, practitioner, state="closed", closed_at=datetime(2026, 1, 1))
    episode = make_episode(child, practitioner)
    db.session.add(TacMember(**_member(episode, colleague, practitioner, MemberStatus.REMOVED)))
    db.session.add(TacMember(**_member(episode, colleague, practitioner)))
    db.session.add(OverlayDraft(**_overlay_draft("riverside", practitioner, "published")))
    db.session.add(OverlayDraft(**_overlay_draft("riverside", practitioner, "draft")))
    db.session.add(UploadedTemplate(**{**_template(1, practitioner), "active": False}))
    db.session.add(UploadedTemplate(**_template(2, practitioner)))
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(Episode)) == 2


def test_a_counter_hands_out_each_number_once_and_starts_after_the_highest_taken(app):
    assert counters.allocate(db.session, "test:a") == 1
    assert counters.allocate(db.session, "test:a") == 2
    assert counters.allocate(db.session, "test:b", select(func.max(41)).scalar_subquery()) == 42
    assert counters.allocate(db.session, "test:b", select(func.max(99)).scalar_subquery()) == 43
    db.session.rollback()
    assert counters.allocate(db.session, "test:a") == 1  # a rolled-back number is given back
