"""The form pages of an episode: overview, task list, section pages, check your answers,
read-only view, comparison of versions and the conflict page.

Viewing needs EPISODE_VIEW on the episode (404 otherwise); editing also needs EPISODE_EDIT
and the workflow's permission for the form's part in the episode's current state. The
rules on what may be stored (consent, completed forms, stale versions) are enforced by
`services`, whatever the page sent. Every read and write is audited."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import (
    may_edit_part,
    requires,
    requires_episode,
    visible_episode,
)
from webapp.access.rules import EVERY_PART
from webapp.accounts.sessions import client_address
from webapp.assessments import (
    consent_record,
    display,
    drafts,
    pages,
    pins,
    prefill,
    read_back,
    service_choices,
    services,
)
from webapp.assessments.forms import ConfirmForm, SectionForm
from webapp.assessments.kinds import KINDS
from webapp.assessments.models import FormResponse
from webapp.audit.requests import audited_episode
from webapp.children import shielding
from webapp.episodes import closure_request
from webapp.episodes.models import Episode
from webapp.formdefs import FormDefinition, Section, validate_section
from webapp.govuk_dates import govuk_date_time

bp = Blueprint("assessments", __name__)
bp.add_app_template_filter(display.section_title, "section_title")


@bp.app_template_global("consent_section_of")
def consent_section_of(response: FormResponse) -> str | None:
    """The section of `response` that shows the consent record (none for most forms)."""
    return services.kind(response).consent_section


# --- helpers ------------------------------------------------------------------------------


def _response(episode: Episode, response_id: int) -> FormResponse:
    response = services.find_response(db.session, episode.id, response_id)
    if response is None:
        abort(404)
    return response


def _may_edit(episode: Episode, response: FormResponse) -> bool:
    return not response.is_completed and may_edit_part(
        current_user, episode, services.kind(response).part
    )


def _audit(action: str, episode: Episode, response: FormResponse | None = None, **detail: Any):
    if response is not None:
        detail.update(read_back.audit_detail(response))
    audited_episode(action, episode, **detail)


def _refused(
    episode: Episode, response: FormResponse | None, reason: str, status: int, **detail: Any
):
    db.session.rollback()
    _audit("form.refused", episode, response, reason=reason, **detail)
    db.session.commit()
    return render_template(
        "assessments/refused.html",
        episode=episode,
        response=response,
        reason=reason,
        title="This cannot be saved",
    ), status


_title = read_back.title


def _section(response: FormResponse, form: FormDefinition, section_key: str) -> Section:
    wanted = {section.id: section for section in services.sections(response, form)}
    if section_key not in wanted:
        abort(404)
    return wanted[section_key]


def _common(episode: Episode, response: FormResponse) -> dict[str, Any]:
    return {"episode": episode, "response": response, "response_title": _title(response)}


# --- overview -------------------------------------------------------------------------------


@bp.route("/episodes/<int:episode_id>/forms")
@requires(Permission.EPISODE_VIEW)
def overview(episode_id: int):
    episode = visible_episode(episode_id)
    responses = services.responses_of(db.session, episode.id)
    groups = []
    for kind in KINDS.values():
        mine = [response for response in responses if services.kind(response) is kind]
        mine.sort(key=lambda response: (response.review_number, response.sequence))
        startable = (
            not kind.started_by_workflow
            and may_edit_part(current_user, episode, kind.part)
            and not any(not response.is_completed for response in mine)
        )
        groups.append({"kind": kind, "responses": mine, "startable": startable})
    newer = [
        move.current
        for move in (pins.plan_move(db.session, episode, form_id) for form_id in pins.EPISODE_FORMS)
        if move.is_newer
    ]
    _audit("forms.listed", episode)
    db.session.commit()
    return render_template(
        "assessments/overview.html",
        episode=episode,
        groups=groups,
        newer=newer,
        title_of=_title,
        form=None,
        confirm=ConfirmForm(),
    )


@bp.route("/episodes/<int:episode_id>/forms/start/<kind_name>", methods=["POST"])
@requires_episode(Permission.EPISODE_EDIT, part=EVERY_PART)
def start(episode_id: int, kind_name: str):
    episode = visible_episode(episode_id)
    kind = KINDS.get(kind_name)
    if kind is None or kind.started_by_workflow:
        abort(404)
    if not may_edit_part(current_user, episode, kind.part):
        return _refused(episode, None, "You cannot start this form now.", 403, kind=kind_name)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        response = services.start_response(
            db.session, episode, kind_name, current_user, client_address=client_address()
        )
    except services.FormRefused as refusal:
        return _refused(episode, None, refusal.reason, 403, kind=kind_name)
    db.session.commit()
    return redirect(url_for(".task_list", episode_id=episode.id, response_id=response.id))


# --- task list and read-only view -------------------------------------------------------------


@bp.route("/episodes/<int:episode_id>/forms/<int:response_id>")
@requires(Permission.EPISODE_VIEW)
def task_list(episode_id: int, response_id: int):
    episode = visible_episode(episode_id)
    response = _response(episode, response_id)
    form = services.definition(response)
    if not _may_edit(episode, response):
        return _read_only(episode, response, form)
    statuses = services.statuses(response, form)
    _audit("form.task_list_viewed", episode, response)
    db.session.commit()
    return render_template(
        "assessments/task_list.html",
        **_common(episode, response),
        definition=form,
        sections=services.sections(response, form),
        statuses=statuses,
        all_complete=all(status == services.COMPLETED for status in statuses.values()),
        completed_count=sum(status == services.COMPLETED for status in statuses.values()),
    )


def _summaries(response: FormResponse, form: FormDefinition, answers: dict[str, Any]):
    return read_back.summaries(db.session, response, form, answers)


def _answers_page(
    template: str,
    action: str,
    episode: Episode,
    response: FormResponse,
    form: FormDefinition,
    **context: Any,
):
    """A page that reads back the answers the user may see; the reading is audited."""
    answers = services.visible_answers(response, current_user, form)
    _audit(action, episode, response)
    db.session.commit()
    return render_template(
        template,
        **_common(episode, response),
        definition=form,
        summaries=_summaries(response, form, answers),
        **context,
    )


def _read_only(episode: Episode, response: FormResponse, form: FormDefinition):
    return _answers_page(
        "assessments/show.html",
        "form.viewed",
        episode,
        response,
        form,
        others=[
            other
            for other in services.responses_of(db.session, episode.id)
            if other.form_id == response.form_id
            and other.id != response.id
            and services.kind(other) is services.kind(response)
        ],
    )


# --- a section page -------------------------------------------------------------------------


@bp.route(
    "/episodes/<int:episode_id>/forms/<int:response_id>/sections/<section_key>",
    methods=["GET", "POST"],
)
@requires_episode(Permission.EPISODE_EDIT, part=EVERY_PART)
def section(episode_id: int, response_id: int, section_key: str):
    episode = visible_episode(episode_id)
    response = _response(episode, response_id)
    form = services.definition(response)
    page_section = _section(response, form, section_key)
    if not may_edit_part(current_user, episode, services.kind(response).part):
        return _refused(
            episode, response, "You cannot change this form now.", 403, section=section_key
        )
    if response.is_completed and request.method == "GET":
        return redirect(url_for(".task_list", episode_id=episode.id, response_id=response.id))
    row = response.section_rows().get(page_section.id)
    if page_section.id == services.kind(response).consent_section:
        if request.method == "POST":
            reason = services.ConsentRecordedElsewhere.reason
            return _refused(episode, response, reason, 403, section=page_section.id)
        return _consent_section(episode, response, page_section, row)
    context = services.context_for(response, page_section.id)
    section_form = SectionForm()
    if request.method == "GET":
        section_form.section_version.data = str(row.version if row else 0)
        shown = services.visible_values(row, current_user)
        # A section never saved starts from what the service already holds (bindings).
        filled = (
            prefill.for_section(db.session, response, page_section, current_user)
            if row is None
            else prefill.Prefilled()
        )
        raw = pages.raw_from_stored(page_section.visible_fields, {**filled.values, **shown})
        kept = drafts.find(db.session, response, page_section.id, current_user)
        if kept is not None:
            raw = pages.parse_section(page_section, _draft_formdata(kept.values))
        _audit(
            "form.section_viewed",
            episode,
            response,
            section=page_section.id,
            **({"prefilled": sorted(filled.values)} if filled.values else {}),
        )
        db.session.commit()
        not_shared = row.not_shared if row is not None else frozenset()
        return _render_section(
            episode,
            response,
            page_section,
            section_form,
            raw,
            {},
            context,
            row,
            not_shared,
            origins=filled.origins if kept is None else {},
            kept_draft=kept,
        )
    return _save_section(episode, response, page_section, section_form, row, context)


def _after(response: FormResponse, section_id: str) -> str:
    """Where "Save and continue" goes: the form's next section, as GOV.UK services do; the
    task list after the last one."""
    order = [section.id for section in services.sections(response)]
    following = order[order.index(section_id) + 1 :] if section_id in order else []
    if following:
        return url_for(
            ".section",
            episode_id=response.episode_id,
            response_id=response.id,
            section_key=following[0],
        )
    return url_for(".task_list", episode_id=response.episode_id, response_id=response.id)


def _consent_section(episode: Episode, response: FormResponse, page_section: Section, row):
    """The assessment's consent section: the episode's consent record, read-only, with a
    link to change it on the consent pages. Consent answers stored on the form before it
    was recorded once are kept; where they differ, the page and the audit event say so."""
    consents = consent_record.current_consents(db.session, episode.id)
    record = consent_record.record_answers(consents)
    stored = services.visible_values(row, current_user) if row is not None else {}
    differing = consent_record.differences(stored, record)
    shown = consent_record.with_record(stored, record)
    # what the record says, and answers typed here before that it does not cover
    rows = [
        row
        for row in display.summary_rows(page_section, shown)
        if shown.get(row.field_id) not in (None, "", [])
    ]
    detail: dict[str, Any] = {"section": page_section.id, "from_consent_record": True}
    if differing:
        detail["consent_answers_differ"] = differing
    _audit("form.section_viewed", episode, response, **detail)
    db.session.commit()
    names = {item.id: item.name for item in page_section.fields}
    return render_template(
        "assessments/consent_section.html",
        **_common(episode, response),
        section=page_section,
        rows=rows,
        recorded=bool(consents),
        differing=[names.get(field_id, field_id) for field_id in differing],
        next_page=_after(response, page_section.id),
    )


def _render_section(
    episode,
    response,
    page_section,
    section_form,
    raw,
    errors,
    context,
    row,
    not_shared: frozenset[str],
    status: int = 200,
    origins: dict[str, str] | None = None,
    kept_draft=None,
):
    """The page, as the current user may see it: answers another agency recorded as not to
    be shared are never put in the page (nor are answers elsewhere that would tell them)."""
    withheld = services.withheld(row, current_user)
    shielded = (
        shielding.FAMILY_CONTACT_FIELDS
        if services.contacts_hidden(response, current_user)
        else frozenset()
    )
    options, _ = service_choices.choices(
        db.session, episode, page_section, row.values if row else {}
    )
    nodes = pages.build_nodes(
        page_section,
        raw,
        errors,
        services.visible_context(response, page_section.id, current_user),
        withheld=withheld,
        shielded=shielded,
        not_shared=frozenset() if withheld else not_shared,
        offer_restriction=not withheld,
        service_options=options,
        origins=origins or {},
    )
    return render_template(
        "assessments/section.html",
        **_common(episode, response),
        section=page_section,
        nodes=nodes,
        error_list=pages.error_list(nodes, errors),
        section_form=section_form,
        pages=pages,
        kept_draft=kept_draft,
    ), status


def _draft_formdata(values: dict[str, Any]) -> MultiDict:
    """A kept draft as the form data it came from, to be parsed against the page as it is
    now: whatever was stored is read only as a page's answers."""
    formdata = MultiDict()
    for key, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                formdata.add(key, item)
    return formdata


# What a section form sends that is not an answer.
NOT_ANSWERS = frozenset({"csrf_token", "section_version", "answers_json", "_action"})


def _draft_values(formdata: MultiDict) -> dict[str, list[str]]:
    """The answers as the page sent them, each name with its values: parsed against the
    page only when the draft is shown again."""
    return {key: formdata.getlist(key) for key in formdata if key not in NOT_ANSWERS}


def _editable_section(episode_id: int, response_id: int, section_key: str):
    episode = visible_episode(episode_id)
    response = _response(episode, response_id)
    page_section = _section(response, services.definition(response), section_key)
    if not may_edit_part(current_user, episode, services.kind(response).part):
        abort(403)
    return episode, response, page_section


@bp.route(
    "/episodes/<int:episode_id>/forms/<int:response_id>/sections/<section_key>/draft",
    methods=["POST"],
)
@requires_episode(Permission.EPISODE_EDIT, part=EVERY_PART)
def keep_draft(episode_id: int, response_id: int, section_key: str):
    """What the person is typing, sent every few seconds by forms-autosave.mjs: kept apart
    from the saved answers, for its author only. Answers JSON; refusals are 4xx."""
    episode, response, page_section = _editable_section(episode_id, response_id, section_key)
    if page_section.id == services.kind(response).consent_section:
        return {"error": services.ConsentRecordedElsewhere.reason}, 409
    section_form = SectionForm()
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        abort(415)
    if not section_form.validate_on_submit() or section_form.answers_json.data:
        abort(400)
    try:
        kept = drafts.keep(
            db.session,
            response,
            page_section.id,
            _draft_values(request.form),
            int(section_form.section_version.data or 0),
            current_user,
            client_address(),
        )
    except drafts.DraftRefused as refusal:
        db.session.rollback()
        return {"error": str(refusal)}, 413
    except services.FormRefused as refusal:
        db.session.rollback()
        return {"error": refusal.reason}, 409
    db.session.commit()
    return {"saved_at": govuk_date_time(kept.saved_at)}


@bp.route(
    "/episodes/<int:episode_id>/forms/<int:response_id>/sections/<section_key>/draft/discard",
    methods=["POST"],
)
@requires_episode(Permission.EPISODE_EDIT, part=EVERY_PART)
def discard_draft(episode_id: int, response_id: int, section_key: str):
    episode, response, page_section = _editable_section(episode_id, response_id, section_key)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    drafts.discard(db.session, response, page_section.id, current_user, client_address())
    db.session.commit()
    flash("What you were typing has been discarded: the page shows the saved answers")
    return redirect(
        url_for(
            ".section",
            episode_id=episode.id,
            response_id=response.id,
            section_key=page_section.id,
        )
    )


def _submitted_answers(page_section: Section, section_form: SectionForm) -> dict[str, Any]:
    if section_form.answers_json.data:
        try:
            raw = json.loads(section_form.answers_json.data)
        except (ValueError, RecursionError):
            abort(400)
        if not isinstance(raw, dict):
            abort(400)
        return raw
    return pages.parse_section(page_section, request.form)


def _save_section(episode, response, page_section, section_form, row, context):
    if not section_form.validate_on_submit():
        abort(400)
    expected = int(section_form.section_version.data or 0)
    raw = _submitted_answers(page_section, section_form)
    not_shared = frozenset(
        value for value in request.form.getlist("_not_shared") if isinstance(value, str)
    )
    try:
        services.check_restriction(page_section, not_shared)
    except services.NotShareable as refusal:
        return _refused(
            episode,
            response,
            refusal.reason,
            403,
            section=page_section.id,
            not_shared=sorted(not_shared)[:50],
        )
    action, group, index = pages.parse_action(request.form, page_section)
    current = row.version if row is not None else 0
    if current != expected:
        return _conflict(episode, response, page_section, row, raw, context, not_shared)
    raw = services.keep_unseen_on_page(page_section, raw, row, current_user)
    render = (episode, response, page_section, section_form, raw)
    if action in (pages.ADD, pages.REMOVE):
        pages.change_items(raw, action, group, index)
        return _render_section(*render, {}, context, row, not_shared)
    # A `service` question may name only the episode's borough's services (see service_choices).
    _, service_ids = service_choices.choices(
        db.session, episode, page_section, row.values if row else {}
    )
    full = validate_section(page_section, raw, context=context, service_ids=service_ids)
    draft = validate_section(
        services.draft_section(page_section), raw, context=context, service_ids=service_ids
    )
    if action == "draft" and not draft.is_valid:
        return _render_section(*render, draft.errors, context, row, not_shared)
    complete = action != "draft" and full.is_valid
    if not draft.is_valid:  # nothing valid enough to keep: show what to correct
        return _render_section(*render, full.errors, context, row, not_shared)
    try:
        saved = services.save_section(
            db.session,
            response,
            page_section.id,
            full.values if complete else draft.values,
            expected_version=expected,
            complete=complete,
            actor=current_user,
            client_address=client_address(),
            not_shared=not_shared,
        )
    except services.StaleSection:
        db.session.rollback()
        fresh = _response(episode, response.id)
        return _conflict(
            episode,
            fresh,
            page_section,
            fresh.section_rows().get(page_section.id),
            raw,
            context,
            not_shared,
        )
    except services.UnknownSection:
        abort(404)
    except services.ResponseLocked as refusal:
        return _refused(episode, response, refusal.reason, 409, section=page_section.id)
    except services.FormRefused as refusal:
        return _refused(episode, response, refusal.reason, 403, section=page_section.id)
    drafts.discard(
        db.session, response, page_section.id, current_user, client_address(), reason="saved"
    )
    db.session.commit()
    if complete or action == "draft":
        flash(f"‘{page_section.title}’ saved" + ("" if complete else " as a draft"))
        if action == "draft":
            return redirect(url_for(".task_list", episode_id=episode.id, response_id=response.id))
        return redirect(_after(response, page_section.id))
    # Saved what was valid; the page shows what still needs an answer.
    section_form.section_version.data = str(saved.row.version)
    section_form.answers_json.data = ""
    return _render_section(
        episode,
        response,
        page_section,
        section_form,
        raw,
        full.errors,
        context,
        saved.row,
        saved.row.not_shared,
    )


def _conflict(episode, response, page_section, row, raw, context, not_shared=frozenset()):
    """Someone saved this section since the page was opened: show both, let the user choose.
    Answers not shared with this user's agency are shown as such on both sides, and are not
    carried in the page (the save keeps them as stored)."""
    db.session.rollback()
    hidden = services.withheld_ids(row, current_user)
    raw = {key: value for key, value in raw.items() if key not in hidden}
    if services.contacts_hidden(response, current_user):
        raw = shielding.without_contacts(raw)
    _, service_ids = service_choices.choices(
        db.session, episode, page_section, row.values if row else {}
    )
    mine = validate_section(
        services.draft_section(page_section), raw, context=context, service_ids=service_ids
    )
    theirs = services.visible_values(row, current_user)
    shown_context = services.visible_context(response, page_section.id, current_user)
    mine_values = services.hide_withheld(
        {**mine.values, **dict.fromkeys(hidden, services.NOT_SHARED)}, row, current_user
    )
    links = {
        **service_choices.links(db.session, [page_section], theirs),
        **service_choices.links(db.session, [page_section], mine_values),
    }
    _audit(
        "form.section_conflict",
        episode,
        response,
        section=page_section.id,
        their_version=row.version if row else 0,
    )
    db.session.commit()
    keep_mine = SectionForm(formdata=None)
    keep_mine.section_version.data = str(row.version if row else 0)
    keep_mine.answers_json.data = json.dumps(raw, ensure_ascii=False)
    return render_template(
        "assessments/conflict.html",
        **_common(episode, response),
        section=page_section,
        theirs=display.summary_rows(page_section, {**shown_context, **theirs}, links),
        mine=display.summary_rows(page_section, {**shown_context, **mine_values}, links),
        not_shared=sorted(not_shared) if not hidden else [],
        their_author=row.updated_by.full_name if row else "someone else",
        their_time=row.updated_at if row else None,
        keep_mine=keep_mine,
    ), 409


# --- check your answers, completion and comparison -------------------------------------------


@bp.route("/episodes/<int:episode_id>/forms/<int:response_id>/check", methods=["GET", "POST"])
@requires(Permission.EPISODE_VIEW)
def check(episode_id: int, response_id: int):
    episode = visible_episode(episode_id)
    response = _response(episode, response_id)
    form = services.definition(response)
    kind = services.kind(response)
    editable = _may_edit(episode, response)
    confirm = ConfirmForm()
    if request.method == "POST":
        if not editable:
            return _refused(episode, response, "You cannot submit this form now.", 403)
        if kind.started_by_workflow:
            abort(405)  # an assessment is completed by its workflow step
        if not confirm.validate_on_submit():
            abort(400)
        try:
            services.complete_response(
                db.session, response, current_user, client_address=client_address()
            )
        except services.Incomplete:
            db.session.rollback()
        except services.FormRefused as refusal:
            return _refused(episode, response, refusal.reason, 403)
        else:
            db.session.commit()
            flash(f"{_title(response)} submitted. It can no longer be changed.")
            # the episode page says what happens next
            return redirect(url_for("episodes.show", episode_id=episode.id))
    statuses = services.statuses(response, form)
    incomplete = [
        section
        for section in services.sections(response, form)
        if statuses[section.id] != services.COMPLETED
    ]
    return _answers_page(
        "assessments/check.html",
        "form.answers_checked",
        episode,
        response,
        form,
        incomplete=incomplete,
        editable=editable,
        kind=kind,
        confirm=confirm,
        may_complete_assessment=kind.started_by_workflow
        and editable
        and episode.state == "assessing",
        requests_closure=kind.name == closure_request.CLOSURE_FORM
        and editable
        and not incomplete
        and closure_request.offered(db.session, episode, current_user),
    )


@bp.route("/episodes/<int:episode_id>/forms/<int:response_id>/compare/<int:other_id>")
@requires(Permission.EPISODE_VIEW)
def compare(episode_id: int, response_id: int, other_id: int):
    episode = visible_episode(episode_id)
    response = _response(episode, response_id)
    other = _response(episode, other_id)
    if other.form_id != response.form_id or services.kind(other) is not services.kind(response):
        abort(404)
    before, after = sorted((response, other), key=lambda item: (item.review_number, item.sequence))
    before_answers = services.visible_answers(before, current_user)
    after_answers = services.visible_answers(after, current_user)
    changes = display.compare(
        services.sections(before),
        before_answers,
        services.sections(after),
        after_answers,
        {
            **service_choices.links(db.session, services.sections(before), before_answers),
            **service_choices.links(db.session, services.sections(after), after_answers),
        },
    )
    _audit("form.compared", episode, response, other_id=other.id)
    db.session.commit()
    return render_template(
        "assessments/compare.html",
        episode=episode,
        before=before,
        after=after,
        before_title=_title(before),
        after_title=_title(after),
        changes=changes,
    )
