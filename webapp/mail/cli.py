"""`flask --app webapp caf mail send`: deliver the messages whose (next) attempt is due."""

from __future__ import annotations

import click

from webapp import db
from webapp.mail import outbox


@click.group("mail")
def mail() -> None:
    """E-mail: the outbox."""


@mail.command("send")
def send() -> None:
    """Send queued messages that are due, backing off those that fail (cron, each minute)."""
    delivery = outbox.deliver_due(db.session)
    waiting = outbox.counts(db.session)[outbox.MailStatus.QUEUED]
    click.echo(
        f"{len(delivery.sent)} sent, {len(delivery.retrying)} to retry, "
        f"{len(delivery.failed)} failed; {waiting} queued."
    )
    if delivery.failed:
        # Given up for good: cron's mail to the operator says so. A message still being
        # retried is normal while a mail server is briefly away.
        raise click.exceptions.Exit(1)
