"""The outbox, as the system administrator sees it: what was sent, what waits and what
failed, by subject and recipient. No page shows a message's body: it may hold a link."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import func, select

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.audit.requests import audited
from webapp.mail import outbox
from webapp.mail.models import MailStatus, OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")

PAGE_SIZE = 50


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and len(number) < 6 else 1


@bp.route("")
@requires(Permission.SYSTEM_ADMINISTER)
def index():
    wanted = request.args.get("status", "")
    status = MailStatus(wanted) if wanted in {s.value for s in MailStatus} else None
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(_page_number(), pages)
    messages = list(
        db.session.scalars(
            query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    audited(
        "mail.outbox_viewed",
        status=status.value if status else "all",
        page=page,
    )
    db.session.commit()
    return render_template(
        "mail/outbox.html",
        messages=messages,
        counts=outbox.counts(db.session),
        status=status,
        statuses=list(MailStatus),
        total=total,
        max_attempts=outbox.MAX_ATTEMPTS,
        page=page,
        pages=pages,
        page_url=lambda number: url_for(
            ".index", status=status.value if status else None, page=number
        ),
    )
