"""Two people firing at the same moment, and definitions that must stop the app starting."""

import threading

import pytest
from sqlalchemy import select

from tests.factories import make_borough, make_child, make_episode, make_organisation, make_user
from webapp import create_app, db
from webapp.episodes import workflow
from webapp.episodes.models import Episode, EpisodeTransition
from webapp.workflow import StaleState


def test_two_simultaneous_transitions_exactly_one_succeeds(app):
    organisation = make_organisation(make_borough("riverside"))
    lead, coordinator = make_user(organisation), make_user(organisation)
    episode = make_episode(
        make_child(organisation.borough),
        lead,
        state="delivering",
        lead_professional=lead,
        coordinator=coordinator,
    )
    db.session.commit()
    sessions = app.extensions["caf_db"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user_id: int) -> None:
        with app.app_context():
            session = sessions()
            user = session.get(type(lead), user_id)
            user.roles  # noqa: B018 - load what the step needs, then end the read
            session.commit()  # release SQLite's write lock before meeting the other thread
            barrier.wait(timeout=30)
            try:
                workflow.fire(
                    session, episode.id, "start_review", user, expected_state="delivering"
                )
                session.commit()
                outcomes.append("done")
            except StaleState:
                session.rollback()
                outcomes.append("stale")
            except Exception as error:  # reported by the assertion below, not lost in a thread
                session.rollback()
                outcomes.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=act, args=(user.id,)) for user in (lead, coordinator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["done", "stale"]
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).state == "reviewing"
    assert len(db.session.scalars(select(EpisodeTransition)).all()) == 1


def test_an_invalid_workflow_definition_stops_the_app_naming_the_file_and_key(tmp_path):
    (tmp_path / "caf.yaml").write_text(
        "id: caf\nversion: 1\ntitle: Broken\ninitial: identified\n"
        "states:\n  identified: {title: Identified, view: [assessor]}\n"
        "  closed: {title: Closed, terminal: true, view: [assessor]}\n"
        "transitions:\n  - trigger: close\n    title: Close\n    source: identified\n"
        "    dest: nowhere\n    roles: [assessor]\n"
    )
    with pytest.raises(workflow.WorkflowConfigurationError) as refused:
        create_app(
            {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "WORKFLOWS_PATH": str(tmp_path)}
        )
    message = str(refused.value)
    assert "caf.yaml" in message
    assert "nowhere" in message


def test_an_invalid_form_definition_stops_the_app_naming_the_file(tmp_path):
    from webapp.assessments.library import FormDefinitionConfigurationError

    national = tmp_path / "national"
    national.mkdir()
    (national / "closure.v1.yaml").write_text("id: closure\nversion: 1\ntitle: x\nsections: 7\n")
    with pytest.raises(FormDefinitionConfigurationError) as refused:
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "FORMDEFS_PATH": str(tmp_path)})
    assert "closure.v1.yaml" in str(refused.value)
