"""Synthetic episodes for measuring reports at scale: children, their CAF episodes, the
steps in each one's history and, once reviewed, how its plan and its latest review or
closure rated the needs, loaded in bulk into one borough. Everything is made up.

    flask --app webapp caf reports generate --borough riverside --episodes 50000
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.assessments.models import FormResponse, ResponseStatus
from webapp.boroughs.models import Borough
from webapp.children.matching import postcode_key
from webapp.children.models import Child, Gender
from webapp.db import utcnow
from webapp.episodes.models import Episode, EpisodeTransition

BATCH = 5000
DISTRICTS = ("SE1", "SE5", "SE15", "SE22", "SW2", "SW9", "E8", "E9", "N1", "N4", "NW5", "W12")
GIVEN_NAMES = ("Ada", "Ben", "Cara", "Dev", "Ela", "Finn", "Gita", "Hal", "Isla", "Jay")
# (state, share): where the synthetic episodes are now.
STATES = (
    ("identified", 4),
    ("assessing", 10),
    ("assessed", 6),
    ("delivering", 30),
    ("reviewing", 8),
    ("closure_requested", 2),
    ("closed", 35),
    ("referred_to_social_care", 4),
    ("transferred", 1),
)
REACHED_ASSESSMENT = {"assessed", "delivering", "reviewing", "closure_requested", "closed"}
REACHED_REVIEW = {"reviewing", "closure_requested", "closed"}


def generate(db_session: Session, borough: Borough, episodes: int, seed: int = 2026) -> int:
    """Add `episodes` synthetic children, each with one episode, to the borough; assessors
    are drawn from the borough's accounts. Returns how many were added."""
    chance = random.Random(seed)
    assessors = list(db_session.scalars(select(User.id).where(User.borough_id == borough.id)))
    prefix = f"SYN{seed % 1000:03d}{borough.id:04d}"
    now = utcnow()
    states, weights = zip(*STATES, strict=True)
    added = 0
    while added < episodes:
        size = min(BATCH, episodes - added)
        numbers = range(added, added + size)
        children = [_child(chance, borough, f"{prefix}{number:07d}", now) for number in numbers]
        ids = _inserted(db_session, Child, Child.unique_reference, children, "unique_reference")
        rows, history = [], []
        for child in children:
            state = chance.choices(states, weights)[0]
            rows.append(
                _episode(chance, child, ids[child["unique_reference"]], state, assessors, now)
            )
        episode_ids = _inserted(db_session, Episode, Episode.reference, rows, "reference")
        for row in rows:
            history += _history(chance, row, episode_ids[row["reference"]])
        if history:
            db_session.execute(insert(EpisodeTransition), history)
        rated = [
            form
            for row in rows
            for form in _rated_forms(chance, row, episode_ids[row["reference"]], now)
        ]
        if rated:
            db_session.execute(insert(FormResponse), rated)
        added += size
    return added


def _inserted(db_session: Session, model, key_column, rows: list[dict], key: str) -> dict:
    """Insert the rows in one statement; their ids, by `key`."""
    db_session.execute(insert(model), rows)
    found = select(key_column, model.id).where(key_column.in_([row[key] for row in rows]))
    return dict(db_session.execute(found).all())


def _child(chance: random.Random, borough: Borough, reference: str, now: datetime) -> dict:
    unborn = chance.random() < 0.02
    born = (now - timedelta(days=chance.randint(0, 17 * 365))).date()
    if unborn:
        born = (now + timedelta(days=chance.randint(10, 200))).date()
    district = chance.choice(DISTRICTS)
    letters = "".join(chance.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    postcode = f"{district} {chance.randint(1, 9)}{letters}"
    return {
        "unique_reference": reference,
        "borough_id": borough.id,
        "given_names": chance.choice(GIVEN_NAMES),
        "family_name": f"Synthetic{reference[-5:]}",
        "gender": chance.choice(list(Gender)),
        "date_of_birth": None if unborn else born,
        "expected_delivery_date": born if unborn else None,
        "postcode": postcode,
        "postcode_key": postcode_key(postcode),
        "reference_key": reference,
        "born_on": born,
        "created_at": now,
    }


def _episode(
    chance: random.Random, child: dict, child_id: int, state: str, assessors: list[int], now
) -> dict:
    opened = now - timedelta(days=chance.randint(1, 3 * 365), minutes=chance.randint(0, 1440))
    assessor = chance.choice(assessors) if assessors else None
    closed = state in ("closed", "transferred", "consent_refused")
    closed_at = opened + timedelta(days=chance.randint(30, 400)) if closed else None
    if closed_at and closed_at > now:
        closed_at = now - timedelta(days=1)
    return {
        "reference": f"SYN-{child['unique_reference']}",
        "child_id": child_id,
        "borough_id": child["borough_id"],
        "state": state,
        "workflow_id": "caf",
        "workflow_version": 1,
        "assessor_id": assessor,
        "lead_professional_id": assessor,
        "opened_at": opened,
        "closed_at": closed_at,
        "last_activity_at": closed_at or now - timedelta(days=chance.randint(0, 120)),
        "next_review_on": None
        if closed
        else (now + timedelta(days=chance.randint(-30, 84))).date(),
        "lock_version": 1,
        "sharing_suspended": False,
    }


def _step(episode: dict, episode_id: int, at: datetime, state: str) -> dict:
    return {
        "episode_id": episode_id,
        "occurred_at": at,
        "actor_id": episode["assessor_id"],
        "trigger": state,
        "title": state,
        "from_state": "",
        "to_state": state,
        "comment": "",
        "workflow_id": "caf",
        "workflow_version": 1,
    }


def _history(chance: random.Random, episode: dict, episode_id: int) -> list[dict]:
    steps = []
    at = episode["opened_at"]
    for state, reached in (("assessed", REACHED_ASSESSMENT), ("reviewing", REACHED_REVIEW)):
        if episode["state"] not in reached:
            break
        at = at + timedelta(days=chance.randint(5, 90))
        steps.append(_step(episode, episode_id, at, state))
    if episode["state"] in ("referred_to_social_care", "transferred"):
        at = episode["closed_at"] or at + timedelta(days=20)
        steps.append(_step(episode, episode_id, at, episode["state"]))
    return steps


def _rated_form(episode: dict, episode_id: int, form_id: str, review: int, rating: float, at):
    return {
        "episode_id": episode_id,
        "form_id": form_id,
        "sequence": 1,
        "review_number": review,
        "form_version": 3 if form_id == "delivery_plan_review" else 2,
        "status": ResponseStatus.COMPLETED,
        "created_by_id": episode["assessor_id"],
        "created_at": at,
        "completed_by_id": episode["assessor_id"],
        "completed_at": at,
        "needs_rating": rating,
    }


def _rated_forms(chance: random.Random, episode: dict, episode_id: int, now) -> list[dict]:
    """A reviewed episode's plan and its review (or closure), each rating the needs."""
    if episode["state"] not in REACHED_REVIEW or episode["assessor_id"] is None:
        return []
    planned = chance.choice((0.0, 0.25, 0.5))
    latest = min(1.0, max(0.0, planned + chance.choice((-0.25, 0.0, 0.25, 0.5))))
    closed = episode["state"] == "closed"
    return [
        _rated_form(episode, episode_id, "delivery_plan_review", 0, planned, episode["opened_at"]),
        _rated_form(
            episode,
            episode_id,
            "closure" if closed else "delivery_plan_review",
            0 if closed else 1,
            latest,
            episode["closed_at"] or now,
        ),
    ]
