"""A client that asks for JSON (an API caller, not a browser) gets 403 or 409 with a JSON
body saying why, and the episode does not change."""

from __future__ import annotations

from tests.conftest import sign_in
from tests.episodes.test_workflow_steps import audit_actions, episode_in, reload, team  # noqa: F401

JSON = {"Accept": "application/json", "Referer": "https://localhost/"}


def post_json(client, episode, trigger, expected_state, comment=""):
    token = client.csrf_token(f"/episodes/{episode.id}")
    return client.post(
        f"/episodes/{episode.id}/steps/{trigger}",
        data={"csrf_token": token, "expected_state": expected_state, "comment": comment},
        headers=JSON,
    )


def test_a_step_without_the_role_answers_403_in_json(client, team):  # noqa: F811
    episode = episode_in(
        team, "closure_requested", closure_requested_by_id=team["lead_professional"].id
    )
    sign_in(client, team["assessor"])
    response = post_json(client, episode, "send_back_closure", "closure_requested", "Not yet")
    assert response.status_code == 403
    assert response.is_json
    body = response.get_json()
    assert body["status"] == 403 and "manager" in body["error"].lower()
    assert reload(episode).state == "closure_requested"
    assert "episode.transition.refused" in audit_actions(episode)


def test_a_stale_step_answers_409_in_json(client, team):  # noqa: F811
    episode = episode_in(team, "delivering")
    sign_in(client, team["lead_professional"])
    response = post_json(client, episode, "start_review", "assessed")
    assert response.status_code == 409
    assert response.is_json and response.get_json()["status"] == 409
    assert reload(episode).state == "delivering"
