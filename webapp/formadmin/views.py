"""Borough administrators' form pages: drafts, changes, preview, comparison, publication.

Every page is for the administrator's own borough: a draft of another borough answers 404.
Each change is checked exactly as the command line checks a YAML file; a change that would
not apply is refused with the reason, and nothing of it is saved."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import url_for as real_url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.assessments import pages
from webapp.assessments.forms import SectionForm
from webapp.assessments.library import form_library
from webapp.documents import context as document_context
from webapp.documents import sources
from webapp.documents.render import TemplateUnusable, render_docx
from webapp.documents.services import templates_root
from webapp.documents.templates import find_template
from webapp.documents.types import for_form
from webapp.documents.views import cannot_produce
from webapp.formadmin import choices, drafts, services
from webapp.formadmin.forms import (
    AddFieldForm,
    AddOptionsForm,
    AddSectionForm,
    HintForm,
    RelabelForm,
    ReorderForm,
    StartDraftForm,
    StepForm,
    TargetForm,
    YamlForm,
)
from webapp.formadmin.models import OverlayDraft
from webapp.formadmin.step_page import step_page
from webapp.formdefs import FormDefinition, validate_section
from webapp.formdefs.problems import UnknownFormError

bp = Blueprint("formadmin", __name__, url_prefix="/admin/forms")


@bp.context_processor
def _form_titles() -> dict:
    return {"draft_title": services.form_title}


CHANGES = {
    "add-question": ("Add a question", AddFieldForm),
    "add-section": ("Add a section", AddSectionForm),
    "add-options": ("Add options to a question", AddOptionsForm),
    "relabel": ("Relabel a question or section", RelabelForm),
    "hint": ("Add or change a hint", HintForm),
    "require": ("Make an optional question required", TargetForm),
    "hide": ("Hide an optional question", TargetForm),
    "reorder": ("Reorder the questions of a section", ReorderForm),
}


def _draft(draft_id: int) -> OverlayDraft:
    draft = services.find_draft(db.session, current_user, draft_id)
    if draft is None:
        abort(404)
    return draft


def _borough() -> str:
    return current_user.borough.code


def _form_or_404(form_key: str) -> FormDefinition:
    try:
        return services.current_form(form_library(), _borough(), form_key)
    except UnknownFormError:
        abort(404)


@bp.route("")
@requires(Permission.BOROUGH_ADMINISTER)
def index():
    rows = services.borough_forms(db.session, _borough())
    return render_template(
        "formadmin/index.html",
        rows=rows,
        start_form=StartDraftForm(),
        awaiting=[
            row for row in rows if row.draft is not None and row.draft.state == "awaiting_approval"
        ],
    )


@bp.route("/<form_key>/drafts", methods=["POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def start(form_key: str):
    _form_or_404(form_key)
    form = StartDraftForm()
    if not form.validate_on_submit():
        abort(400)
    base_version = int(form.base_version.data) if (form.base_version.data or "").isdigit() else None
    try:
        draft = services.start_draft(
            db.session,
            current_user,
            form_key,
            from_national=form.start_from.data == "national",
            base_version=base_version,
        )
    except UnknownFormError:
        abort(404)
    db.session.commit()
    return redirect(url_for(".draft", draft_id=draft.id))


def _draft_page(draft: OverlayDraft, status: int = 200, **extra):
    library = form_library()
    result = services.checked(draft, library)
    editable = services.engine().may_edit(
        draft.state, "overlay", services.actor_for(current_user, draft)
    )
    return render_template(
        "formadmin/draft.html",
        draft=draft,
        result=result,
        fields=_field_rows(result.form) if result.form else [],
        changes=[
            drafts.describe(operation, result.base, result.form) for operation in result.operations
        ],
        change_pages=CHANGES,
        editable=editable,
        steps=services.available(draft, current_user),
        state=services.engine().state(draft.state),
        undo_form=StepForm(),
        **extra,
    ), status


def _field_rows(form: FormDefinition):
    return [(section, [field for field in section.fields]) for section in form.sections]


@bp.route("/drafts/<int:draft_id>")
@requires(Permission.BOROUGH_ADMINISTER)
def draft(draft_id: int):
    return _draft_page(_draft(draft_id))


def _prepare(kind: str, change_form, form: FormDefinition) -> None:
    if kind == "add-question":
        change_form.place.choices = choices.place_choices(form)
        change_form.visible_if_field.choices = choices.condition_choices(form)
    elif kind == "add-section":
        change_form.after.choices = choices.section_choices(form, "Select a section")
    elif kind == "add-options":
        change_form.field.choices = choices.option_field_choices(form)
    elif kind in ("relabel", "hint"):
        change_form.target.choices = choices.text_choices(form, core=kind == "hint")
    elif kind == "require":
        change_form.target.choices = choices.requirable_choices(form)
    elif kind == "hide":
        change_form.target.choices = choices.hideable_choices(form)
    elif kind == "reorder":
        change_form.section.choices = choices.section_choices(form, "Select the section")


def _operation(kind: str, change_form) -> dict:
    if kind == "require":
        return {"require": change_form.target.data}
    if kind == "hide":
        return {"hide": change_form.target.data}
    return change_form.operation()


@bp.route("/drafts/<int:draft_id>/changes/<kind>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def change(draft_id: int, kind: str):
    draft = _draft(draft_id)
    if kind not in CHANGES:
        abort(404)
    title, form_class = CHANGES[kind]
    result = services.checked(draft)
    if result.form is None:
        flashes.important("Fix the draft in the YAML view first")
        return redirect(url_for(".yaml_view", draft_id=draft.id))
    change_form = form_class()
    _prepare(kind, change_form, result.form)
    if request.method == "GET":
        change_form.lock_version.data = str(draft.lock_version)
    status = 200
    if change_form.validate_on_submit():
        document = drafts.with_operation(services.document_of(draft), _operation(kind, change_form))
        try:
            services.save(
                db.session,
                draft,
                current_user,
                document,
                expected_lock=int(change_form.lock_version.data or 0),
                what=kind,
            )
        except services.InvalidDraft as invalid:
            db.session.rollback()
            change_form.form_errors.extend(_messages(invalid.checked))
            status = 400
        except services.DraftRefused as refused:
            db.session.rollback()
            change_form.form_errors.append(str(refused))
            status = 409 if isinstance(refused, services.StaleDraft) else 403
        else:
            db.session.commit()
            flash(f"{title}: done. The change is in the draft, not yet published.")
            return redirect(url_for(".draft", draft_id=draft.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "formadmin/change.html", draft=draft, kind=kind, title=title, form=change_form
    ), status


def _messages(result: drafts.Checked) -> list[str]:
    """Each problem, in words that say where and how to fix it."""
    messages = []
    for problem in result.problems:
        match = re.match(r"operations\[(\d+)\]\.?(.*)", problem.key)
        if match:
            where = f"change {int(match.group(1)) + 1}, {match.group(2) or 'the change'}"
        else:
            where = problem.key
        messages.append(f"{problem.message} ({where})" if where else problem.message)
    return messages


@bp.route("/drafts/<int:draft_id>/changes/<int:index>/undo", methods=["POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def undo(draft_id: int, index: int):
    draft = _draft(draft_id)
    step = StepForm()
    if not step.validate_on_submit():
        abort(400)
    try:
        document = drafts.without_operation(services.document_of(draft), index)
    except IndexError:
        abort(404)
    try:
        services.save(
            db.session,
            draft,
            current_user,
            document,
            expected_lock=int(request.form.get("lock_version", "0") or 0),
            what=f"undo change {index + 1}",
        )
    except services.InvalidDraft as invalid:
        db.session.rollback()
        return _draft_page(draft, 400, problems=_messages(invalid.checked))
    except services.DraftRefused as refused:
        db.session.rollback()
        return _draft_page(draft, 409, problems=[str(refused)])
    db.session.commit()
    flash("The change was taken out of the draft")
    return redirect(url_for(".draft", draft_id=draft.id))


@bp.route("/drafts/<int:draft_id>/yaml", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def yaml_view(draft_id: int):
    """The advanced mode: the draft as YAML, checked like a file on the command line."""
    draft = _draft(draft_id)
    form = YamlForm()
    status = 200
    if request.method == "GET":
        form.source.data = draft.source_yaml
        form.lock_version.data = str(draft.lock_version)
    elif form.validate_on_submit():
        document = services.document_of(draft)
        result = drafts.check_text(
            form_library(),
            form.source.data,
            borough=draft.borough,
            form_id=draft.form_id,
            version=int(document.get("version", 1)),
        )
        if result.problems:
            form.source.errors = _messages(result)
            status = 400
        else:
            try:
                services.save(
                    db.session,
                    draft,
                    current_user,
                    result.data,
                    expected_lock=int(form.lock_version.data or 0),
                    what="yaml",
                )
            except services.InvalidDraft as invalid:
                db.session.rollback()
                form.source.errors = _messages(invalid.checked)
                status = 400
            except services.DraftRefused as refused:
                db.session.rollback()
                form.source.errors = [str(refused)]
                status = 409
            else:
                db.session.commit()
                flash("The draft was checked and saved")
                return redirect(url_for(".draft", draft_id=draft.id))
    else:
        status = 400
    return render_template("formadmin/yaml.html", draft=draft, form=form), status


@bp.route("/drafts/<int:draft_id>/compare")
@requires(Permission.BOROUGH_ADMINISTER)
def compare(draft_id: int):
    draft = _draft(draft_id)
    library = form_library()
    result = services.checked(draft, library)
    differences = (
        drafts.compare(services.starting_form(draft, library), result.form) if result.form else []
    )
    return render_template(
        "formadmin/compare.html", draft=draft, result=result, differences=differences
    )


# --- preview: the real practitioner pages, drawn from the draft ---------------------------


def _preview_form(draft: OverlayDraft) -> FormDefinition:
    result = services.checked(draft)
    if result.form is None:
        abort(404)
    return result.form


def _preview_context(draft: OverlayDraft, form: FormDefinition) -> dict:
    """The names the practitioner templates use, for a sample episode that does not exist,
    with their links pointing back into the preview."""

    def preview_url_for(endpoint: str, **values):
        if endpoint == "assessments.section":
            return real_url_for(
                "formadmin.preview_section", draft_id=draft.id, section_key=values["section_key"]
            )
        if endpoint in ("assessments.task_list", "assessments.check"):
            return real_url_for("formadmin.preview", draft_id=draft.id)
        if endpoint == "assessments.overview":  # out of the preview: back to the draft
            return real_url_for("formadmin.draft", draft_id=draft.id)
        return real_url_for(endpoint, **values)

    episode = SimpleNamespace(
        id=0,
        reference="PREVIEW",
        child=SimpleNamespace(display_name="Sample Child"),
        borough=SimpleNamespace(code=draft.borough, name=current_user.borough.name),
    )
    response = SimpleNamespace(id=0, sequence=1, review_number=0, is_completed=False)
    return {
        "url_for": preview_url_for,
        "episode": episode,
        "response": response,
        "response_title": f"Preview of {form.title}",
        "preview_draft": draft,
    }


@bp.route("/drafts/<int:draft_id>/preview")
@requires(Permission.BOROUGH_ADMINISTER)
def preview(draft_id: int):
    draft = _draft(draft_id)
    form = _preview_form(draft)
    statuses = {section.id: "Not yet started" for section in form.sections}
    return render_template(
        "assessments/task_list.html",
        **_preview_context(draft, form),
        definition=form,
        sections=list(form.sections),
        statuses=statuses,
        all_complete=False,
        completed_count=0,
    )


@bp.route("/drafts/<int:draft_id>/preview/<section_key>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def preview_section(draft_id: int, section_key: str):
    """A section page as a practitioner will see it; answers typed here are checked (so the
    error messages can be seen too) and never stored."""
    draft = _draft(draft_id)
    form = _preview_form(draft)
    section = form.find_section(section_key)
    if section is None:
        abort(404)
    section_form = SectionForm()
    section_form.section_version.data = "0"
    raw: dict = {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not section_form.validate_on_submit():
            abort(400)
        raw = pages.parse_section(section, request.form or MultiDict())
        errors = validate_section(section, raw).errors
        status = 400 if errors else 200
        if not errors:
            flash("These answers are valid. Nothing is saved in a preview.")
    nodes = pages.build_nodes(section, raw, errors, {}, offer_restriction=False)
    return render_template(
        "assessments/section.html",
        **_preview_context(draft, form),
        section=section,
        nodes=nodes,
        error_list=pages.error_list(nodes, errors),
        section_form=section_form,
        pages=pages,
    ), status


@bp.route("/drafts/<int:draft_id>/preview/document")
@requires(Permission.BOROUGH_ADMINISTER)
def preview_document(draft_id: int):
    """The Word document the draft's form will produce (a blank copy, as printed)."""
    draft = _draft(draft_id)
    form = _preview_form(draft)
    document_type = for_form(draft.form_id)
    if document_type is None:
        abort(404)
    source = find_template(templates_root(), document_type, draft.borough, db_session=db.session)
    context = document_context.build(
        document={
            **dict.fromkeys(document_context.DOCUMENT_KEYS, ""),
            "id": "PREVIEW",
            "title": document_type.title,
            "type": document_type.name,
            "reference": "PREVIEW",
            "form_id": form.id,
            "form_title": form.title,
            "form_version": str(form.version),
            "version_label": f"{form.title}, draft of {draft.borough}'s next version",
            "borough": current_user.borough.name,
            "generated_by": current_user.full_name,
            "generated_by_organisation": current_user.organisation.name,
            "prepared_for": "Preview only: not for use with a family",
            "status": "Preview of a draft",
            "notice": "A preview of a draft form. Do not use it.",
        },
        child={"name": "Sample Child"},
        sections=sources.form_sections(list(form.sections), {}, blank=True),
        answers=dict.fromkeys(sources.form_field_ids(form), ""),
        signatures=sources.signatures_for(document_type.name),
    )
    try:
        content = render_docx(source.read(), context)
    except TemplateUnusable as unusable:
        return cannot_produce(
            document_type,
            unusable,
            back=url_for(".preview", draft_id=draft.id),
            attempted="preview of a draft form",
            problems_shown=True,
        )
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"preview-{draft.borough}-{draft.form_id}.docx",
        max_age=0,
    )


# --- the publication workflow ------------------------------------------------------------


@bp.route("/drafts/<int:draft_id>/steps/<trigger>", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def step(draft_id: int, trigger: str):
    draft = _draft(draft_id)
    return step_page(
        draft,
        trigger,
        publication=services.PUBLICATION,
        messages=_messages,
        caption=f"Draft {draft.id}: {draft.form_id}",
        back=url_for(".draft", draft_id=draft.id),
    )


# --- published versions and the national base ------------------------------------------------


@bp.route("/<form_key>/versions/<int:version>")
@requires(Permission.BOROUGH_ADMINISTER)
def version(form_key: str, version: int):
    """A published version of the borough's form, as it is (old versions stay viewable)."""
    library = form_library()
    try:
        form = library.effective(_borough(), form_key, None, version)
    except UnknownFormError:
        abort(404)
    published = next(
        (
            row
            for row in services.published_versions(db.session, _borough(), form_key)
            if row.version == version
        ),
        None,
    )
    return render_template(
        "formadmin/version.html",
        definition=form,
        published=published,
        fields=_field_rows(form),
    )


@bp.route("/<form_key>/rebase")
@requires(Permission.BOROUGH_ADMINISTER)
def rebase(form_key: str):
    """What changed in the national form since the borough's overlay was made, and whether
    the overlay still applies to the newest national version, field by field."""
    library = form_library()
    borough = _borough()
    _form_or_404(form_key)
    newest = library.get_base(form_key).version
    overlay_version = services.newest_overlay_version(library, borough, form_key)
    if overlay_version is None:
        abort(404)
    overlay = library.overlays[(borough, form_key, overlay_version)]
    changes, conflicts = drafts.rebase_report(library, overlay, newest)
    return render_template(
        "formadmin/rebase.html",
        form_key=form_key,
        overlay=overlay,
        newest=newest,
        changes=changes,
        conflicts=conflicts,
        start_form=StartDraftForm(),
    )
