"""Documents on an episode: download a copy, produce one for another agency, upload a
signed copy; and a check that a copy is exactly what eCAF produced.

Downloading is authorised exactly like seeing the episode. Producing a copy for another
agency is sharing: it follows the consent rules and goes into the register."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import (
    may,
    may_edit_part,
    requires,
    requires_episode,
    visible_episode,
)
from webapp.accounts.sessions import client_address
from webapp.audit.requests import audited, audited_episode
from webapp.consent import services as consent_services
from webapp.documents import services
from webapp.documents.forms import CheckDocumentForm, ShareDocumentForm, SignedCopyForm
from webapp.documents.models import SignedCopy
from webapp.documents.render import TemplateUnusable
from webapp.documents.types import DOCUMENT_TYPES, DocumentType
from webapp.episodes.models import Episode
from webapp.errors import render_error
from webapp.sharing import services as sharing
from webapp.sharing.requests import audited_refusal
from webapp.uploads import services as uploads
from webapp.uploads.packages import PackageRefused
from webapp.views_kit import agency_choices

bp = Blueprint("documents", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _may_share(episode: Episode) -> bool:
    return may_edit_part(current_user, episode, "documents")


def _file(produced: services.Produced):
    response = send_file(
        io.BytesIO(produced.content),
        mimetype=DOCX,
        as_attachment=True,
        download_name=produced.record.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def cannot_produce(
    document_type: DocumentType,
    unusable: TemplateUnusable,
    *,
    back: str,
    attempted: str,
    episode: Episode | None = None,
    problems_shown: bool = False,
):
    """The template in use cannot be rendered: nothing the request did is kept, the refusal
    is audited, and the page says what to do (the problems themselves only to the
    borough's administrators, who can correct the template)."""
    db.session.rollback()
    current_app.logger.warning(
        "The %s template of %s cannot be used: %s",
        document_type.name,
        current_user.borough.code,
        unusable,
    )
    audited(
        "document.refused",
        object_type="episode" if episode is not None else "document_type",
        object_id=episode.id if episode is not None else document_type.name,
        episode_id=episode.id if episode is not None else None,
        child_id=episode.child_id if episode is not None else None,
        document_type=document_type.name,
        attempted=attempted,
        reason="the template in use cannot be used",
        problems=unusable.problems[:10],
    )
    db.session.commit()
    return render_template(
        "documents/cannot_produce.html",
        document_type=document_type,
        problems=unusable.problems if problems_shown else [],
        back=back,
    ), 409


def _signed_copies(episode: Episode) -> list[SignedCopy]:
    return list(
        db.session.scalars(
            select(SignedCopy).where(SignedCopy.episode_id == episode.id).order_by(SignedCopy.id)
        )
    )


def _index_page(episode: Episode, signed_form: SignedCopyForm | None = None, status: int = 200):
    may_share = _may_share(episode)
    signed_form = signed_form or SignedCopyForm(prefix="signed")
    signed_form.document_type.choices = _type_choices()
    audited_episode(
        "documents.viewed",
        episode,
    )
    db.session.commit()
    return render_template(
        "documents/index.html",
        episode=episode,
        items=services.available(db.session, episode),
        history=services.history(db.session, episode),
        signed_copies=_signed_copies(episode),
        signed_form=signed_form,
        form=signed_form if signed_form.errors else None,
        may_share=may_share,
        types=DOCUMENT_TYPES,
    ), status


def _type_choices() -> list[tuple[str, str]]:
    return [("", "Select a document")] + [
        (document_type.name, document_type.title) for document_type in DOCUMENT_TYPES.values()
    ]


@bp.route("/episodes/<int:episode_id>/documents")
@requires(Permission.EPISODE_VIEW)
def index(episode_id: int):
    return _index_page(visible_episode(episode_id))


@bp.route("/episodes/<int:episode_id>/documents/download")
@requires(Permission.EPISODE_VIEW)
def download(episode_id: int):
    """A copy for the records of the user's own agency."""
    episode = visible_episode(episode_id)
    item = services.find_available(db.session, episode, request.args.get("item", ""))
    if item is None:
        abort(404)
    try:
        produced = services.generate(
            db.session, episode, current_user, item, client_address=client_address()
        )
    except services.DocumentRefused as refused:
        db.session.rollback()
        return render_error(500, str(refused))
    except TemplateUnusable as unusable:
        return cannot_produce(
            item.document_type,
            unusable,
            back=url_for(".index", episode_id=episode.id),
            attempted="download",
            episode=episode,
        )
    db.session.commit()
    return _file(produced)


@bp.route("/episodes/<int:episode_id>/documents/share", methods=["GET", "POST"])
@requires_episode(Permission.EPISODE_EDIT, part="documents")
def share(episode_id: int):
    episode = visible_episode(episode_id)
    attempted = "produce a document for another agency"
    if not _may_share(episode):
        audited_refusal(
            episode,
            "not allowed to produce documents for other agencies at this stage",
            attempted=attempted,
        )
        db.session.commit()
        return render_error(
            403, "Only the practitioners who hold this part of the episode can share its documents"
        )
    items = services.available(db.session, episode)
    form = ShareDocumentForm()
    form.item.choices = [("", "Select a document")] + [(item.key, item.label) for item in items]
    if request.method == "GET" and request.args.get("item"):
        form.item.data = request.args["item"]
    form.organisation_id.choices = agency_choices(episode, "Select an agency")
    refused = None
    if request.method == "POST":
        if form.validate_on_submit():
            item = next(entry for entry in items if entry.key == form.item.data)
            recipient = services.Recipient(
                form.organisation_id.data,
                (form.recipient_name.data or "").strip(),
                form.public_interest(),
            )
            try:
                produced = services.generate(
                    db.session,
                    episode,
                    current_user,
                    item,
                    recipient,
                    client_address=client_address(),
                )
            except TemplateUnusable as unusable:
                return cannot_produce(
                    item.document_type,
                    unusable,
                    back=url_for(".index", episode_id=episode.id),
                    attempted="produce a document for another agency",
                    episode=episode,
                )
            except sharing.SharingRefused as error:
                db.session.rollback()
                form.organisation_id.errors = [error.reason]
                refused = error
            except sharing.SharingInvalid as error:
                db.session.rollback()
                form.show_problems(error.errors)
                refused = error
            else:
                db.session.commit()
                return _file(produced)
        else:
            refused = "the answers were not valid"
        audited_refusal(episode, refused, attempted=attempted, organisation_id=form.agency_id())
        db.session.commit()
    return render_template(
        "documents/share.html",
        episode=episode,
        form=form,
        consent=consent_services.status(db.session, episode),
    ), (200 if request.method == "GET" or refused is None else 400)


@bp.route("/episodes/<int:episode_id>/documents/signed", methods=["POST"])
@requires_episode(Permission.EPISODE_EDIT, part="documents")
def upload_signed(episode_id: int):
    episode = visible_episode(episode_id)
    if not _may_share(episode):
        audited_episode(
            "upload.refused",
            episode,
            purpose="signed copy",
            reason="not allowed to add documents at this stage",
        )
        db.session.commit()
        return render_error(
            403, "Only the practitioners who hold this part of the episode can add documents"
        )
    form = SignedCopyForm(prefix="signed")
    form.document_type.choices = _type_choices()
    if form.validate_on_submit():
        try:
            stored = uploads.store(
                db.session,
                episode,
                current_user,
                request.files.get(form.signed_copy.name),
                purpose=f"signed copy: {form.document_type.data}",
                client_address=client_address(),
            )
        except uploads.UploadRefused as refused:
            db.session.commit()  # the refusal's audit event
            form.signed_copy.errors = [str(refused)]
        else:
            db.session.add(
                SignedCopy(
                    episode_id=episode.id,
                    document_type=form.document_type.data,
                    stored_file_id=stored.id,
                )
            )
            db.session.commit()
            flash("The signed copy has been uploaded")
            return redirect(url_for(".index", episode_id=episode.id))
    return _index_page(episode, form, status=400)


@bp.route("/documents/check", methods=["GET", "POST"])
@requires(Permission.DOCUMENT_CHECK)
def check():
    """Anyone holding a copy can check it is exactly the file eCAF produced. Which episode
    it belongs to is said only to those who may see the episode: anyone else gets exactly
    the answer for a file eCAF does not know."""
    form = CheckDocumentForm()
    result = None
    checked = False
    if form.validate_on_submit():
        upload = request.files.get(form.document.name)
        content = upload.stream.read(20 * 1024 * 1024 + 1) if upload and upload.filename else b""
        problem = _not_checkable(content)
        if problem:
            form.document.errors = [problem]
        else:
            checked = True
            found = services.matching(db.session, content)
            if found is not None and may(current_user, Permission.EPISODE_VIEW, found.episode):
                result = found
            audited(
                "document.checked",
                object_type="generated_document",
                object_id=found.id if found else "",
                episode_id=found.episode_id if found else None,
                matched=found is not None,
                shown=result is not None,
            )
            db.session.commit()
    return render_template("documents/check.html", form=form, result=result, checked=checked), (
        400 if form.errors else 200
    )


def _not_checkable(content: bytes) -> str | None:
    """Why the bytes cannot be checked (None: they are a Word document)."""
    if not content:
        return "Select a Word document"
    try:
        media_type = uploads.media_type_of(content)
    except PackageRefused as refused:
        return str(refused)
    if media_type != DOCX:
        return "The selected file must be a Word document (.docx)"
    return None
