"""`flask --app webapp caf reports ...`: synthetic data to measure reports with."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp import db
from webapp.boroughs.models import Borough


@click.group("reports")
def reports() -> None:
    """Reports: synthetic data for measuring them."""


@reports.command("generate")
@click.option("--borough", "code", required=True, help="The borough's code, like riverside.")
@click.option("--episodes", default=50_000, show_default=True, help="How many to add.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
@with_appcontext
def generate(code: str, episodes: int, seed: int) -> None:
    """Add synthetic children, each with one CAF episode and its history, to a borough
    (for benchmarks and demonstrations only: everything is made up)."""
    from webapp.reports import synthetic

    borough = db.session.scalar(select(Borough).where(Borough.code == code))
    if borough is None:
        raise click.ClickException(f"There is no borough with the code {code!r}")
    if episodes < 1:
        raise click.ClickException("Enter a number of episodes of 1 or more")
    added = synthetic.generate(db.session, borough, episodes, seed)
    db.session.commit()
    click.echo(f"Added {added} synthetic episodes to {borough.name}.")
