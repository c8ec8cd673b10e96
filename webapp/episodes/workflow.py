"""Runs each episode's workflow: the bridge between the engine (webapp/workflow) and the
database. One user action is one transaction: the state change, its history entry, its
in-transaction effects and its audit event commit together, or not at all."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from webapp import db
from webapp.access import policy
from webapp.access.relationships import acts_for_lead_professional, workflow_roles
from webapp.accounts.models import User
from webapp.assessments.library import file_library, form_library
from webapp.audit import services as audit
from webapp.db import utcnow, violates
from webapp.definitions_cache import load_once
from webapp.episodes import effects
from webapp.episodes.models import OPEN_EPISODE_PER_CHILD, Episode, EpisodeTransition
from webapp.formadmin.published import library_for
from webapp.formdefs import DefinitionError as FormDefinitionError
from webapp.formdefs import FormLibrary, load_library
from webapp.workflow import (
    Actor,
    Availability,
    Catalogue,
    DefinitionError,
    Engine,
    EpisodeSnapshot,
    Firing,
    Transition,
    TransitionNotAllowed,
    WorkflowDefinition,
    load_catalogue,
)
from webapp.workflow.expressions import LibraryForms
from webapp.workflow.registry import ON_DEMAND_FACTS
from webapp.workflowadmin import published
from webapp.workflowchoices import services as choice_services


class WorkflowConfigurationError(RuntimeError):
    """The workflow definitions are invalid: the app must not start."""


def init_app(app: Flask) -> None:
    """Load the definitions and check that every effect they name has an implementation:
    so the domains register theirs (`register_effect`) before this runs."""
    path = Path(app.config["WORKFLOWS_PATH"])
    forms = _forms(Path(app.config["FORMDEFS_PATH"]))
    try:
        catalogue = load_once(
            f"workflows with the forms of {id(forms)}",
            path,
            lambda folder: load_catalogue(folder, forms=forms),
        )
    except DefinitionError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise WorkflowConfigurationError(
            f"eCAF cannot start: the workflow definitions in {path} are invalid:\n{problems}"
        ) from None
    effects.check_every_effect_is_implemented(catalogue)
    app.extensions["caf_workflows"] = catalogue
    app.extensions["caf_engines"] = {}
    policy.use_states(app, EpisodeStates())


#: One LibraryForms per loaded form library (by identity: the cache keeps each library).
_LIBRARY_FORMS: dict[int, LibraryForms] = {}


def _library_forms(library: FormLibrary) -> LibraryForms:
    return _LIBRARY_FORMS.setdefault(id(library), LibraryForms(library))


def _forms(path: Path) -> LibraryForms | None:
    """The form definitions structured conditions are checked against; None when they are
    invalid (the form library refuses to start the app with its own messages)."""
    try:
        return _library_forms(load_once("formdefs", path, load_library))
    except FormDefinitionError:
        return None


def file_catalogue() -> Catalogue:
    """The definitions in `workflows/` alone, as loaded at start-up."""
    return current_app.extensions["caf_workflows"]


def catalogue(db_session: Session | None = None) -> Catalogue:
    """The files in `workflows/` with the versions published in the browser, as this
    request sees them (looked up once per request, through `db_session` when the caller
    works in a session of its own)."""
    if "caf_workflow_catalogue" not in g:
        session = db_session or db.session
        forms = _library_forms(library_for(session, file_library()))
        g.caf_workflow_catalogue = published.catalogue_for(
            session, file_catalogue(), Path(current_app.config["WORKFLOWS_PATH"]), forms
        )
    return g.caf_workflow_catalogue


def live_forms() -> LibraryForms:
    """The forms structured conditions are checked against: the files in `formdefs/` with
    the form changes published in the browser."""
    return _library_forms(form_library())


def definition_for(episode: Episode) -> WorkflowDefinition:
    """The rules the episode runs under: its pinned workflow version narrowed by the
    borough's workflow choices pinned when it started (or the defaults, if none)."""
    return engine_for(episode).definition


def engine_for(episode: Episode) -> Engine:
    # Both the definition and a choice version are immutable, so the engine can be kept.
    engines = current_app.extensions["caf_engines"]
    key = (episode.workflow_id, episode.workflow_version, episode.workflow_choices_id)
    if key not in engines:
        # Read through the session the episode was loaded in; a version in `workflows/`
        # needs no query at all.
        session = object_session(episode) or db.session
        definition = file_catalogue().find(episode.workflow_id, episode.workflow_version)
        if definition is None:
            definition = catalogue(session).get(episode.workflow_id, episode.workflow_version)
        selections = choice_services.selections_of(session, episode.workflow_choices_id)
        engines[key] = Engine(definition.with_choices(selections))
    return engines[key]


def actor_for(user: User, episode: Episode) -> Actor:
    return Actor(user.id, workflow_roles(user, episode))


def may_view(user: User, episode: Episode) -> bool:
    return engine_for(episode).may_view(episode.state, actor_for(user, episode))


def may_edit(user: User, episode: Episode, part: str) -> bool:
    return engine_for(episode).may_edit(episode.state, part, actor_for(user, episode))


class EpisodeStates:
    """What the access policy asks of an episode's state: the policy takes it from here
    at start-up instead of importing this module, which imports the policy."""

    def may_view(self, user: User, episode: Episode) -> bool:
        return may_view(user, episode)

    def may_edit(self, user: User, episode: Episode, part: str) -> bool:
        return may_edit(user, episode, part)


SNAPSHOT_FACTS = frozenset(fact.name for fact in fields(EpisodeSnapshot)) - ON_DEMAND_FACTS


def facts_for(db_session: Session, episode: Episode) -> EpisodeSnapshot:
    """What the workflow's conditions judge: the episode's own fields, and the facts each
    domain reads from its records (consent, forms, transfers; registered in its init_app).
    The answers, counts and state entries that structured conditions read are read only
    when the episode's definition has such conditions, and only those they name."""
    facts = {
        # A parent can be lead professional without an account: the nomination is what counts.
        "lead_professional_id": episode.lead_professional_id or episode.lead_member_id,
        "closure_requested_by_id": episode.closure_requested_by_id,
        **effects.facts(db_session, episode),
    }
    # A fact nobody provides would quietly take its default and open or shut steps.
    if missing := SNAPSHOT_FACTS - facts.keys():
        raise RuntimeError(f"no provider of the workflow facts {sorted(missing)}")
    engine = engine_for(episode)
    needs = engine.needs
    if needs.answers or needs.counts:
        facts.update(effects.needed_facts(db_session, episode, needs))
    if needs.states:
        facts["entered_states"] = _entered(db_session, episode, engine.definition, needs.states)
    facts["today"] = utcnow().date()
    return EpisodeSnapshot(**facts)


def _entered(
    db_session: Session, episode: Episode, definition: WorkflowDefinition, states: frozenset[str]
) -> dict[str, datetime]:
    """When the episode last entered each of `states` (the initial state: when it opened,
    until a step leads back into it)."""
    rows = db_session.execute(
        select(EpisodeTransition.to_state, func.max(EpisodeTransition.occurred_at))
        .where(EpisodeTransition.episode_id == episode.id)
        .where(EpisodeTransition.to_state.in_(sorted(states)))
        .group_by(EpisodeTransition.to_state)
    )
    entered: dict[str, datetime] = {state: when for state, when in rows}
    if definition.initial in states:
        entered.setdefault(definition.initial, episode.opened_at)
    return entered


def available_actions(
    db_session: Session, episode: Episode, user: User, facts: EpisodeSnapshot | None = None
) -> tuple[Availability, ...]:
    """Every step out of the episode's stage for `user`, allowed or refused with reasons
    (`facts`, when the caller has read them already, are not read again)."""
    return engine_for(episode).available(
        episode.state, facts or facts_for(db_session, episode), actor_for(user, episode)
    )


@dataclass(frozen=True)
class Outcome:
    firing: Firing
    history: EpisodeTransition


def fire(
    db_session: Session,
    episode_id: int,
    trigger: str,
    user: User,
    *,
    expected_state: str,
    comment: str | None = None,
    form_data: dict | None = None,
    client_address: str = "",
) -> Outcome:
    """Take one step. Raises the engine's WorkflowError subclasses; the caller rolls back,
    audits the refusal and tells the user. After-commit effects are the caller's to run
    (`run_after_commit`) once its commit has succeeded."""
    episode = _locked(db_session, episode_id)
    engine = engine_for(episode)
    transition = engine.definition.find_transition(trigger, episode.state)
    firing = engine.fire(
        trigger,
        state=episode.state,
        expected_state=expected_state,
        facts=facts_for(db_session, episode),
        actor=actor_for(user, episode),
        comment=comment,
        came_from=came_from(db_session, episode) if transition and transition.returns else None,
    )
    on_behalf_of = _on_behalf_of(user, episode, firing)
    return _record(
        db_session,
        episode,
        firing,
        user,
        form_data=form_data,
        client_address=client_address,
        on_behalf_of=on_behalf_of,
    )


def fire_timed(
    db_session: Session, episode_id: int, transition: Transition, reason: str
) -> Outcome:
    """The system takes a timed step whose time has come (the scheduler found it due),
    in the caller's transaction, recorded and audited like any step, with `reason`. Raises
    the engine's errors when the episode has moved on or the step's conditions fail."""
    episode = _locked(db_session, episode_id)
    engine = engine_for(episode)
    firing = engine.fire_timed(
        transition,
        state=episode.state,
        facts=facts_for(db_session, episode),
        reason=reason,
        came_from=came_from(db_session, episode) if transition.returns else None,
    )
    return _record(db_session, episode, firing, None)


def _locked(db_session: Session, episode_id: int) -> Episode:
    return db_session.scalars(
        select(Episode).where(Episode.id == episode_id).with_for_update()
    ).one()


def came_from(db_session: Session, episode: Episode) -> str | None:
    """The state the episode was in before it entered its current one: the latest step
    of its history into that state from another (None: it started there)."""
    return db_session.scalars(
        select(EpisodeTransition.from_state)
        .where(
            EpisodeTransition.episode_id == episode.id,
            EpisodeTransition.to_state == episode.state,
            EpisodeTransition.from_state != episode.state,
        )
        .order_by(EpisodeTransition.id.desc())
        .limit(1)
    ).first()


def _record(
    db_session: Session,
    episode: Episode,
    firing: Firing,
    user: User | None,
    *,
    form_data: dict | None = None,
    client_address: str = "",
    on_behalf_of: int | None = None,
) -> Outcome:
    """The step's history entry, new state, in-transaction effects and audit event; `user`
    None: the system took it (a timed step)."""
    engine = engine_for(episode)
    now = utcnow()
    history = EpisodeTransition(
        episode=episode,
        occurred_at=now,
        actor_id=user.id if user else None,
        trigger=firing.trigger,
        title=firing.transition.title,
        from_state=firing.source,
        to_state=firing.dest,
        comment=firing.comment or "",
        workflow_id=episode.workflow_id,
        workflow_version=episode.workflow_version,
        on_behalf_of_member_id=on_behalf_of,
    )
    db_session.add(history)
    episode.state = firing.dest
    episode.last_activity_at = now
    destination = engine.definition.states[firing.dest]
    if destination.terminal and episode.closed_at is None:
        episode.closed_at = now
    elif not destination.terminal and episode.closed_at is not None:
        _check_no_other_open_episode(db_session, episode, firing)
        episode.closed_at = None
    context = effects.EffectContext(
        db_session, episode, firing, user, form_data or {}, on_behalf_of_member_id=on_behalf_of
    )
    for effect in firing.in_transaction:
        effects.run(effect.name, context)
    audit.record_for_episode(
        db_session,
        "episode.transition",
        episode,
        actor_id=user.id if user else None,
        client_address=client_address,
        trigger=firing.trigger,
        from_state=firing.source,
        to_state=firing.dest,
        comment=firing.comment or "",
        **effects.on_behalf_detail(on_behalf_of),
        **({} if user else {"by": "system"}),
    )
    try:
        db_session.flush()  # the optimistic lock on the episode row is checked here
    except IntegrityError as error:
        if violates(error, OPEN_EPISODE_PER_CHILD):  # reopened as another CAF was started
            raise _another_open(firing) from None
        raise
    return Outcome(firing, history)


def _on_behalf_of(user: User, episode: Episode, firing: Firing) -> int | None:
    """The lead professional (a team member without an account) for whom `user` took the
    step, when only acting for them let `user` take it; None when they acted in their own
    right (a coordinator starting a review, say)."""
    if not acts_for_lead_professional(user, episode):
        return None
    own_roles = workflow_roles(user, episode) - {"lead_professional"}
    if firing.transition.permits(own_roles):
        return None
    return episode.lead_member_id


def _another_open(firing: Firing) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        firing.transition,
        (
            "This child has another open CAF. Work on that one, or close it before reopening "
            "this one",
        ),
    )


def _check_no_other_open_episode(db_session: Session, episode: Episode, firing: Firing) -> None:
    other = db_session.scalars(Episode.open_for_child(episode.child_id)).first()
    if other is not None and other.id != episode.id:
        raise _another_open(firing)


def run_after_commit(
    db_session: Session, episode_id: int, outcome: Outcome, user: User | None
) -> None:
    """Effects that leave the database (notifications, email) run once the step is safe."""
    episode = db_session.get(Episode, episode_id)
    context = effects.EffectContext(db_session, episode, outcome.firing, user, {})
    for effect in outcome.firing.after_commit:
        try:
            effects.run(effect.name, context)
            db_session.commit()
        except Exception:  # a failed notification must never undo the committed step
            db_session.rollback()
            current_app.logger.exception("After-commit effect %s failed", effect.name)
