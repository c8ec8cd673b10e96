"""The CAF workflow engine: declarative workflow definitions (YAML in `workflows/`) and the
rules for moving an episode between their states.

Plain Python on purpose: nothing here knows about Flask, requests or the database. The app
supplies what the engine cannot know (the episode's facts, the acting user's roles) and
carries out the effects the engine names, inside or after its database transaction.

Typical use by the app::

    catalogue = load_catalogue(Path("workflows"))          # once, at start-up
    definition = catalogue.for_borough("riverside")        # for a new episode
    engine = Engine(catalogue.get(episode.workflow_id, episode.workflow_version))
    engine.available(episode.state, facts, actor)          # buttons and reasons
    firing = engine.fire(trigger, state=episode.state, expected_state=posted_state,
                         facts=facts, actor=actor, comment=comment)
"""

from webapp.workflow.catalogue import Catalogue, UnknownWorkflow
from webapp.workflow.definition import (
    ConditionUse,
    State,
    Transition,
    WorkflowDefinition,
    WorkflowRef,
    Worklist,
)
from webapp.workflow.engine import (
    Availability,
    CommentRequired,
    Engine,
    Firing,
    StaleState,
    TransitionNotAllowed,
    UnknownState,
    UnknownTransition,
    WorkflowError,
)
from webapp.workflow.expressions import Needs
from webapp.workflow.loader import load_catalogue, load_directory
from webapp.workflow.problems import DefinitionError, Problem
from webapp.workflow.registry import (
    DEFAULT_REGISTRY,
    Actor,
    Condition,
    Effect,
    EffectPhase,
    EpisodeFacts,
    EpisodeSnapshot,
    Registry,
)

__all__ = [
    "DEFAULT_REGISTRY",
    "Actor",
    "Availability",
    "Catalogue",
    "CommentRequired",
    "Condition",
    "ConditionUse",
    "DefinitionError",
    "Effect",
    "EffectPhase",
    "Engine",
    "EpisodeFacts",
    "EpisodeSnapshot",
    "Needs",
    "Firing",
    "Problem",
    "Registry",
    "StaleState",
    "State",
    "Transition",
    "TransitionNotAllowed",
    "UnknownState",
    "UnknownTransition",
    "UnknownWorkflow",
    "WorkflowDefinition",
    "WorkflowError",
    "WorkflowRef",
    "Worklist",
    "load_catalogue",
    "load_directory",
]
