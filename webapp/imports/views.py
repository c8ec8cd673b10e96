"""/admin/import: a borough administrator uploads a CSV file of organisations or of user
accounts. A file with any problem is refused whole, with a report of every bad row (row,
column, problem); a good one is imported in one transaction, and each new person is
e-mailed their link to set a password after it has committed."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from webapp import db
from webapp.access.permissions import Permission, Role
from webapp.access.policy import requires
from webapp.accounts.sessions import client_address
from webapp.audit import services as audit
from webapp.boroughs.models import Sector
from webapp.govuk_fields import submit_button
from webapp.imports import organisations as organisation_import
from webapp.imports import users as user_import
from webapp.imports.reading import MAX_BYTES, MAX_ROWS, MAX_SIZE_TEXT, ImportRefused
from webapp.useradmin import services as account_services

bp = Blueprint("imports", __name__, url_prefix="/admin/import")


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description=f"A CSV file saved as UTF-8, smaller than {MAX_SIZE_TEXT}, with at most "
        f"{MAX_ROWS:,} rows.",
    )
    submit = submit_button("Check and import")


def _upload(form: ImportForm) -> tuple[str, bytes] | None:
    """The uploaded file's name and content, or None with the field's error set."""
    file = form.file.data
    if file is None or not getattr(file, "filename", ""):
        form.file.errors = ["Select a CSV file"]
        return None
    content = file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        form.file.errors = [f"The selected file must be smaller than {MAX_SIZE_TEXT}"]
        return None
    return file.filename, content


def _refused(form: ImportForm, kind: str, filename: str, refused: ImportRefused) -> None:
    if refused.file_problems:
        form.file.errors = list(refused.file_problems)
    else:
        rows = refused.bad_rows
        form.file.errors = [
            f"The file has problems on {rows} {'row' if rows == 1 else 'rows'}. Nothing has "
            "been imported: correct every row and upload the file again"
        ]
    db.session.rollback()
    audit.record_by(
        db.session,
        "imports.refused",
        current_user,
        client_address(),
        borough_id=current_user.borough_id,
        filename=filename[:200],
        kind=kind,
        file_problems=refused.file_problems[:5],
        bad_rows=refused.bad_rows,
        problems=len(refused.problems),
    )
    db.session.commit()


def _import(form: ImportForm, kind: str, import_file: Callable[..., list]):
    """Import the uploaded file if the form was sent with one: (what was imported, None),
    committed; (None, the refusal) for a file refused whole; (None, None) when nothing was
    imported (no form sent, or no usable file)."""
    if not form.validate_on_submit() or (upload := _upload(form)) is None:
        return None, None
    filename, content = upload
    try:
        imported = import_file(
            db.session, current_user, filename, content, client_address=client_address()
        )
    except ImportRefused as error:
        _refused(form, kind, filename, error)
        return None, error
    db.session.commit()
    return imported, None


def _page(template: str, form: ImportForm, refused: ImportRefused | None, **extra):
    """The import page; 400 when the file field has an error."""
    return render_template(
        template,
        form=form,
        problems=refused.problems if refused else [],
        max_rows=MAX_ROWS,
        max_size=MAX_SIZE_TEXT,
        **extra,
    ), (400 if form.file.errors else 200)


@bp.route("/organisations", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def organisations():
    form = ImportForm()
    added, refused = _import(form, "organisations", organisation_import.import_file)
    if added is not None:
        flash(f"{len(added)} {'organisation' if len(added) == 1 else 'organisations'} imported")
        return redirect(url_for(".organisations"))
    return _page(
        "imports/organisations.html",
        form,
        refused,
        columns=organisation_import.COLUMNS,
        organisations=account_services.organisations_of(db.session, current_user.borough_id),
        sectors=[sector.title.lower() for sector in Sector],
    )


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def users():
    form = ImportForm()
    created, refused = _import(form, "users", user_import.import_file)
    if created is not None:
        count = len(created)
        flash(
            f"{count} {'account' if count == 1 else 'accounts'} imported. We have sent each "
            "person a link to set their password"
        )
        return redirect(url_for("useradmin.index"))
    return _page(
        "imports/users.html",
        form,
        refused,
        columns=user_import.COLUMNS,
        importable_roles=[role.title.lower() for role in user_import.IMPORTABLE_ROLES],
        other_roles=[
            role.title[0].lower() + role.title[1:]
            for role in (Role.BOROUGH_CAF_CONTACT, Role.BOROUGH_ADMIN)
        ],
    )
