"""/admin/documents: a borough administrator's Word templates, one per document type:
which is in use, upload a new one (checked before it is kept), a sample, and going back
to the default. Only the administrator's own borough, always."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.accounts.sessions import client_address
from webapp.assessments.library import form_library
from webapp.documents import uploaded
from webapp.documents.render import TemplateUnusable
from webapp.documents.services import templates_root
from webapp.documents.types import DOCUMENT_TYPES, DocumentType
from webapp.documents.views import cannot_produce
from webapp.govuk_fields import submit_button

bp = Blueprint("documentadmin", __name__, url_prefix="/admin/documents")

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateUploadForm(FlaskForm):
    template = FileField(
        "Upload a Word template",
        widget=GovFileInput(),
        description="A Word document (.docx), smaller than 5MB. Its placeholders are checked "
        "against your borough's form before it is used.",
    )
    submit = submit_button("Upload and use this template")


def _type(name: str) -> DocumentType:
    document_type = DOCUMENT_TYPES.get(name)
    if document_type is None:
        abort(404)
    return document_type


def _borough() -> str:
    return current_user.borough.code


@bp.get("")
@requires(Permission.BOROUGH_ADMINISTER)
def index():
    rows = [
        uploaded.in_use(db.session, templates_root(), _borough(), document_type)
        for document_type in DOCUMENT_TYPES.values()
    ]
    return render_template("documents/admin/index.html", rows=rows)


def _type_page(document_type: DocumentType, form: TemplateUploadForm, status: int = 200):
    return render_template(
        "documents/admin/type.html",
        document_type=document_type,
        using=uploaded.in_use(db.session, templates_root(), _borough(), document_type),
        versions=uploaded.versions(db.session, _borough(), document_type.name),
        form=form,
    ), status


@bp.get("/<document_type_name>")
@requires(Permission.BOROUGH_ADMINISTER)
def document_type(document_type_name: str):
    return _type_page(_type(document_type_name), TemplateUploadForm(formdata=None))


@bp.post("/<document_type_name>")
@requires(Permission.BOROUGH_ADMINISTER)
def upload(document_type_name: str):
    document_type = _type(document_type_name)
    form = TemplateUploadForm()
    if not form.validate_on_submit():
        return _type_page(document_type, form, 400)
    file = form.template.data
    content = file.read(uploaded.MAX_TEMPLATE_BYTES + 1) if file else b""
    try:
        record = uploaded.upload(
            db.session,
            form_library(),
            _borough(),
            document_type,
            (file.filename or "") if file else "",
            content,
            current_user,
            client_address(),
        )
    except uploaded.TemplateRefused as refused:
        db.session.rollback()
        form.template.errors = [refused.problems[0]]
        form.form_errors = refused.problems[1:]
        return _type_page(document_type, form, 400)
    db.session.commit()
    flash(f"Version {record.version} of your {document_type.title.lower()} template is now in use")
    return redirect(url_for(".document_type", document_type_name=document_type.name))


@bp.get("/<document_type_name>/sample")
@requires(Permission.BOROUGH_ADMINISTER)
def sample(document_type_name: str):
    """The template in use, filled in for a sample episode that does not exist."""
    document_type = _type(document_type_name)
    using = uploaded.in_use(db.session, templates_root(), _borough(), document_type)
    try:
        content = uploaded.sample(
            form_library(),
            using.source,
            current_user.borough.name,
            _borough(),
            document_type,
            current_user,
        )
    except TemplateUnusable as unusable:
        return cannot_produce(
            document_type,
            unusable,
            back=url_for(".document_type", document_type_name=document_type.name),
            attempted="sample",
            problems_shown=True,
        )
    return send_file(
        io.BytesIO(content),
        mimetype=DOCX_MEDIA_TYPE,
        as_attachment=True,
        download_name=f"sample-{_borough()}-{document_type.name}.docx",
        max_age=0,
    )


@bp.post("/<document_type_name>/default")
@requires(Permission.BOROUGH_ADMINISTER)
def use_default(document_type_name: str):
    document_type = _type(document_type_name)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    if uploaded.use_default(db.session, _borough(), document_type, current_user, client_address()):
        db.session.commit()
        flash(f"Your {document_type.title.lower()} uses the default template again")
    return redirect(url_for(".document_type", document_type_name=document_type.name))
