"""The page of one step of a publication workflow (ask for approval, approve and publish,
send back, withdraw, discard), the same for every kind of draft."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from webapp import db
from webapp.formadmin.forms import StepForm
from webapp.formadmin.models import PublicationDraft
from webapp.formadmin.publishing import InvalidDraft, Publication, actor_for
from webapp.workflow.engine import StaleState, WorkflowError


def step_page(
    draft: PublicationDraft,
    trigger: str,
    *,
    publication: Publication,
    messages: Callable[[object], list[str]],
    caption: str,
    back: str,
):
    """GET: the step, with why it cannot be taken yet; POST: take it, back to `back`."""
    engine = publication.engine()
    transition = engine.definition.find_transition(trigger, draft.state)
    if transition is None:
        abort(404)
    form = StepForm()
    if request.method == "GET":
        form.expected_state.data = draft.state
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                publication.fire(
                    db.session,
                    draft,
                    current_user,
                    trigger,
                    expected_state=form.expected_state.data or "",
                    comment=form.comment.data,
                )
            except WorkflowError as error:
                db.session.rollback()
                form.comment.errors = [str(error)]
                status = 409 if isinstance(error, StaleState) else 400
            except InvalidDraft as invalid:
                db.session.rollback()
                form.comment.errors = messages(invalid.checked)
            else:
                db.session.commit()
                flash(f"{transition.title}: done")
                return redirect(back)
    availability = engine.check(
        transition, publication.facts(draft), actor_for(current_user, draft)
    )
    return render_template(
        "publication_step.html",
        caption=caption,
        back=back,
        transition=transition,
        availability=availability,
        form=form,
    ), status
