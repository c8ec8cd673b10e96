"""Time-based steps: reviews due or overdue, and idle episodes (run from cron)."""

import click


@click.group("reminders")
def reminders() -> None:
    """Reminders for reviews due and idle episodes."""
