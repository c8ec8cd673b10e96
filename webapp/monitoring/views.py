"""Access histories and urgent access, in the browser.

A child's history is read by the CAF contact of the child's borough, a person's by the
managers of their team and the CAF contacts of their borough; anyone else is answered 404,
audited, whatever the id. Reading a history, and exporting one, are audited too."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from webapp import db, flashes
from webapp.access.permissions import Permission, Role
from webapp.access.policy import may, refuse, requires, requires_child, visible_or_404
from webapp.accounts.models import User
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited, audited_about
from webapp.children.models import Child
from webapp.monitoring import break_glass, export, history, kinds
from webapp.monitoring.forms import ANY, BreakGlassForm, HistoryFilterForm, ReviewForm
from webapp.monitoring.kinds import AccessKind
from webapp.monitoring.models import ReviewOutcome
from webapp.monitoring.reviews import AlreadyReviewed
from webapp.pages import first_answer_stands

bp = Blueprint("monitoring", __name__)

PEOPLE_LIMIT = 200


def _filters(form: HistoryFilterForm) -> history.Filters | None:
    """The filters asked for, or None when one is wrong (the page says which)."""
    if request.args and not form.validate():
        return None
    person = form.person.data if form.person else None
    kind = form.kind.data
    return history.Filters(
        since=form.since.data,
        until=form.until.data,
        actor_id=int(person) if person and person != ANY else None,
        kind=AccessKind(kind) if kind and kind != ANY else None,
    )


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and 0 < int(number) <= 100_000 else 1


def _history_form(people: list[User]) -> HistoryFilterForm:
    form = HistoryFilterForm(request.args)
    form.person.choices = [(ANY, "Anyone")] + [
        (str(person.id), f"{person.full_name}, {person.organisation.name}") for person in people
    ]
    return form


def _history_page(
    template: str,
    form: HistoryFilterForm,
    read: Callable[[history.Filters, int], history.Page],
    action: str,
    about: dict[str, object],
    **context: object,
):
    """A history's page, as filtered; reading it is audited with the filters asked for."""
    filters = _filters(form)
    page = read(filters, _page_number()) if filters else None
    audited(action, filters=filters.described() if filters else None, **about)
    db.session.commit()
    return render_template(template, form=form, page=page, query=_query(), **context)


def _readable_child(child_id: int) -> Child:
    return visible_or_404(Permission.AUDIT_VIEW, db.session.get(Child, child_id))


def _about_child(child: Child) -> dict[str, object]:
    return {"object_type": "child", "object_id": child.id, "child_id": child.id}


@bp.route("/children/<int:child_id>/access-history")
@requires_child(Permission.AUDIT_VIEW, refused_by_view=True)
def child_history(child_id: int):
    child = _readable_child(child_id)
    return _history_page(
        "monitoring/child_history.html",
        _history_form(history.people_in_child_history(db.session, child)),
        lambda filters, number: history.child_page(db.session, child, filters, number),
        "monitoring.child_history_viewed",
        _about_child(child),
        child=child,
    )


@bp.route("/children/<int:child_id>/access-history.csv")
@requires_child(Permission.AUDIT_VIEW, refused_by_view=True)
def export_child_history(child_id: int):
    child = _readable_child(child_id)
    filters = _filters(_history_form(history.people_in_child_history(db.session, child)))
    if filters is None:
        return redirect(url_for(".child_history", child_id=child.id, **_query()))
    entries = history.child_export(db.session, child, filters)
    audited(
        kinds.EXPORTED_CHILD_HISTORY,
        filters=filters.described(),
        rows=len(entries),
        **_about_child(child),
    )
    db.session.commit()
    file_name = "access-history-" + re.sub(r"[^A-Za-z0-9-]", "", child.unique_reference) + ".csv"
    return Response(
        export.write(entries),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _query() -> dict[str, str]:
    """The filters of this request, to keep in links (the page number aside)."""
    return {name: value for name, value in request.args.items() if name != "page"}


@bp.route("/people/<int:user_id>/access-history")
@requires(Permission.AUDIT_VIEW)
def person_history(user_id: int):
    person = visible_or_404(Permission.AUDIT_VIEW, db.session.get(User, user_id))
    form = _history_form([])
    del form.person
    return _history_page(
        "monitoring/person_history.html",
        form,
        lambda filters, number: history.person_page(db.session, person, filters, number),
        "monitoring.person_history_viewed",
        {"object_type": "user", "object_id": person.id},
        person=person,
    )


@bp.route("/access-monitoring/people")
@requires(Permission.AUDIT_VIEW)
def people():
    """The people whose access history the user may read: a manager's team, a CAF
    contact's borough (found by name)."""
    name = (request.args.get("name") or "").strip()[:120]
    if current_user.has_role(Role.BOROUGH_CAF_CONTACT):
        statement = select(User).where(User.borough_id == current_user.borough_id)
        if name:
            statement = statement.where(User.full_name.ilike(f"%{_escaped(name)}%", escape="\\"))
    elif current_user.team_id is not None:
        statement = select(User).where(User.team_id == current_user.team_id)
    else:
        statement = select(User).where(False)
    found = [
        person
        for person in db.session.scalars(statement.order_by(User.full_name).limit(PEOPLE_LIMIT))
        if may(current_user, Permission.AUDIT_VIEW, person)
    ]
    return render_template(
        "monitoring/people.html",
        people=found,
        name=name,
        searches_by_name=current_user.has_role(Role.BOROUGH_CAF_CONTACT),
        limit=PEOPLE_LIMIT,
    )


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _child_for_urgent_access(child_id: int) -> Child:
    """The child, if the user may take urgent access and found them in the index in the
    last hour; otherwise 404, audited."""
    child = visible_or_404(Permission.EPISODE_BREAK_GLASS, db.session.get(Child, child_id))
    if not break_glass.found_recently(db.session, current_user, child):
        refuse(404, "not found in a recent search", child, Permission.EPISODE_BREAK_GLASS)
    return child


@bp.route("/children/<int:child_id>/urgent-access", methods=["GET", "POST"])
@requires_child(Permission.EPISODE_BREAK_GLASS, refused_by_view=True)
def urgent_access(child_id: int):
    child = _child_for_urgent_access(child_id)
    episode = break_glass.episode_of(db.session, child)
    if episode is None:
        flashes.important("This child has no CAF to open")
        return redirect(url_for("children.search"))
    if may(current_user, Permission.EPISODE_VIEW, episode):
        flashes.important(f"You can already see CAF {episode.reference}")
        return redirect(url_for("episodes.show", episode_id=episode.id))
    form = BreakGlassForm()
    if form.validate_on_submit():
        minutes = current_app.config["BREAK_GLASS_MINUTES"]
        break_glass.grant(
            db.session, current_user, episode, form.reason.data, minutes, client_address()
        )
        db.session.commit()
        flash(
            f"You have urgent access to CAF {episode.reference} for {minutes} minutes. "
            "The borough CAF contact has been told and will review it."
        )
        return redirect(url_for("episodes.show", episode_id=episode.id))
    return render_template(
        "monitoring/urgent_access.html",
        child=child,
        episode=episode,
        form=form,
        minutes=current_app.config["BREAK_GLASS_MINUTES"],
    )


@bp.route("/urgent-access")
@requires(Permission.BREAK_GLASS_REVIEW)
def reviews():
    return render_template(
        "monitoring/reviews.html",
        waiting=break_glass.to_review(db.session, current_user),
        reviewed=break_glass.recently_reviewed(db.session, current_user),
    )


def _review_page(grant, form: ReviewForm):
    return render_template("monitoring/review.html", grant=grant, form=form)


@bp.route("/urgent-access/<int:grant_id>")
@requires(Permission.BREAK_GLASS_REVIEW)
def review(grant_id: int):
    grant = visible_or_404(Permission.BREAK_GLASS_REVIEW, break_glass.find(db.session, grant_id))
    audited_about(
        "break_glass.review_viewed", grant, episode_id=grant.episode_id, child_id=grant.child_id
    )
    db.session.commit()
    return _review_page(grant, ReviewForm())


@bp.route("/urgent-access/<int:grant_id>", methods=["POST"])
@requires(Permission.BREAK_GLASS_REVIEW)
def record_review(grant_id: int):
    grant = visible_or_404(Permission.BREAK_GLASS_REVIEW, break_glass.find(db.session, grant_id))
    form = ReviewForm()
    if grant.is_reviewed or not form.validate_on_submit():
        return _review_page(grant, form)
    return first_answer_stands(
        lambda: break_glass.review(
            db.session,
            grant,
            current_user,
            ReviewOutcome(form.outcome.data),
            form.comment.data or "",
            client_address(),
        ),
        AlreadyReviewed,
        taken="Someone else has already reviewed this urgent access",
        back=url_for(".review", grant_id=grant_id),
        recorded="Review recorded",
        then=url_for(".reviews"),
    )
