"""`flask --app webapp caf access-reviews remind [--today YYYY-MM-DD]` (cron, daily): remind
the managers of every team whose quarterly access review is overdue, once each."""

from __future__ import annotations

from datetime import datetime

import click

from webapp import db
from webapp.mail import outbox
from webapp.monitoring import access_reviews


@click.group("access-reviews")
def access_review_commands() -> None:
    """Quarterly access reviews."""


@access_review_commands.command("remind")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD); default: today.",
)
def remind(today: datetime | None) -> None:
    """Remind (notification and e-mail) the managers of teams whose review is overdue.
    Safe to run as often as you like."""
    day = today.date() if today else access_reviews.today()
    queued = access_reviews.remind(db.session, day)
    db.session.commit()
    delivery = outbox.deliver(db.session, queued) if queued else None
    sent = len(delivery.sent) if delivery else 0
    click.echo(
        f"Access reviews overdue on {day.isoformat()}: {len(queued)} manager(s) reminded; "
        f"{sent} emailed."
    )
    if len(queued) != sent:
        # The reminders are recorded and their e-mail kept in the outbox; cron should alert.
        raise click.exceptions.Exit(1)
