"""E-mail that is really sent, and never loses the change it tells of.

A message is written to the outbox table in the same transaction as the change it is about
(`outbox.queue`); once that transaction has committed, the request that made it delivers
it after its response has gone (`init_app`), by SMTP or, with no mail server configured,
as an `.eml` file in `instance/outbox/`. A message that could not be sent stays queued
and `flask --app webapp caf mail send` (cron) tries it again, backing off; the system
administrator sees the outbox's subjects and recipients, never its bodies."""

from __future__ import annotations

from functools import partial

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from webapp.mail.outbox import PENDING

COMMITTED = "caf_mail_committed"  # flask.g key: messages of this request, committed


def _committed(db_session: Session) -> None:
    queued = db_session.info.pop(PENDING, [])
    # A message added in a savepoint that was rolled back is not in the database.
    ids = [message.id for message in queued if inspect(message).persistent]
    if ids and has_app_context():
        g.setdefault(COMMITTED, []).extend(ids)


def _rolled_back(db_session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        db_session.info.pop(PENDING, None)


def _deliver_after_response(app: Flask, message_ids: list[int]) -> None:
    from webapp import db
    from webapp.mail import outbox

    with app.app_context():
        try:
            outbox.deliver(db.session, message_ids)
        except Exception:  # the cron command tries again; the user's change is kept
            db.session.rollback()
            app.logger.exception("E-mail delivery after a request failed")


def _schedule_delivery(response: Response) -> Response:
    message_ids = g.pop(COMMITTED, None)
    if message_ids:
        from flask import current_app

        # After the response has gone: the person does not wait for the mail server, and
        # the time an answer takes does not tell whether a message was sent.
        response.call_on_close(
            partial(_deliver_after_response, current_app._get_current_object(), message_ids)
        )
    return response


def init_app(app: Flask) -> None:
    from webapp.mail.transports import TLS_CHOICES

    if str(app.config["SMTP_TLS"]).strip().lower() not in TLS_CHOICES:
        raise ValueError(f"CAF_SMTP_TLS must be one of: {', '.join(TLS_CHOICES)}")
    event.listen(app.extensions["caf_db"], "after_commit", _committed)
    event.listen(app.extensions["caf_db"], "after_soft_rollback", _rolled_back)
    app.after_request(_schedule_delivery)
