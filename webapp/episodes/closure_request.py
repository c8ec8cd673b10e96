"""The closure request made where the closure form is submitted: its check your answers
page submits the form and requests closure in one press, in one transaction, when the
person may request closure now but for the form itself."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.episodes import workflow
from webapp.episodes.models import Episode

#: The step, and the form of its transition (`form: closure`) that it submits with it.
REQUEST_CLOSURE = "request_closure"
CLOSURE_FORM = "closure"


def offered(db_session: Session, episode: Episode, user: User) -> bool:
    """Whether `user` could request closure once the closure form is submitted: the
    step's every other condition and role already hold."""
    engine = workflow.engine_for(episode)
    transition = engine.definition.find_transition(REQUEST_CLOSURE, episode.state)
    if transition is None or transition.form != CLOSURE_FORM:
        return False
    facts = replace(workflow.facts_for(db_session, episode), closure_form_complete=True)
    return engine.check(transition, facts, workflow.actor_for(user, episode)).allowed
