"""The command that adds synthetic episodes to measure reports with."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.reports.world import tables
from webapp import db
from webapp.episodes.models import Episode, EpisodeTransition


def test_the_command_adds_episodes_that_the_report_counts(world, signed_in, runner_cli):
    result = runner_cli.invoke(
        args=["caf", "reports", "generate", "--borough", "riverside", "--episodes", "300"]
    )
    assert result.exit_code == 0, result.output
    assert "Added 300 synthetic episodes" in result.output
    synthetic = select(func.count(Episode.id)).where(Episode.reference.like("SYN-%"))
    assert db.session.scalar(synthetic) == 300
    assert db.session.scalar(select(func.count(EpisodeTransition.id))) > 100
    found = tables(signed_in(world.caf_contact).get("/reports"))
    assert int(found["summary"]["CAFs open today"].replace(",", "")) > 150
    assert found["waiting-times"]["From the start of the CAF to the first review"].endswith("days")


def test_the_command_refuses_an_unknown_borough(app, runner_cli):
    result = runner_cli.invoke(args=["caf", "reports", "generate", "--borough", "nowhere"])
    assert result.exit_code != 0
    assert "There is no borough with the code 'nowhere'" in result.output
