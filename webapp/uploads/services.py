"""Check, store and find uploaded files."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path, PurePath

from flask import current_app
from sqlalchemy.orm import Session

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.episodes.models import Episode
from webapp.uploads.models import DOCX, JPEG, PDF, PNG, StoredFile
from webapp.uploads.packages import DamagedPackage, PackageRefused, check_word_package

SELECT_A_FILE = "Select a file"
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG or Word document"

# The extension a downloaded copy gets for each type the content shows.
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg"), DOCX: (".docx",)}


class UploadRefused(Exception):
    """The file was not stored; the message is shown to the user as a GOV.UK error."""


def too_large_message(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    size = f"{megabytes:g}MB" if megabytes >= 1 else f"{max_bytes} bytes"
    return f"The selected file must be smaller than {size}"


def media_type_of(content: bytes) -> str | None:
    """The type the bytes show (magic numbers), or None: names and browsers are not asked.
    A zip is a Word document only if it opens as one (None if it does not); raises
    PackageRefused for one that is too big once opened."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            check_word_package(content)
        except DamagedPackage:
            return None
        return DOCX
    return None


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    static = Path(current_app.static_folder or current_app.root_path + "/static").resolve()
    if folder == static or static in folder.parents or folder in static.parents:
        raise RuntimeError(f"UPLOAD_FOLDER {folder} must be outside the web root {static}")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def path_of(stored: StoredFile) -> Path:
    folder = upload_folder()
    path = (folder / stored.stored_path).resolve()
    if folder not in path.parents:
        raise FileNotFoundError(stored.stored_path)
    return path


def _clean_filename(name: str, media_type: str) -> str:
    """The name the user chose, without any folders, ending in the extension of its real type."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')[:200].strip()
    if not base or base.startswith("."):
        base = "signed-statement" + base
    if not base.lower().endswith(EXTENSIONS[media_type]):
        base += EXTENSIONS[media_type][0]
    return base


def store(
    db_session: Session,
    episode: Episode,
    user: User,
    upload,  # a werkzeug FileStorage, or None
    *,
    purpose: str,
    client_address: str = "",
) -> StoredFile:
    """Check the upload and store it, or raise UploadRefused (audited either way)."""
    max_bytes = int(current_app.config["UPLOAD_MAX_BYTES"])
    filename = getattr(upload, "filename", "") or ""
    try:
        if upload is None or not filename:
            raise UploadRefused(SELECT_A_FILE)
        content = upload.stream.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise UploadRefused(too_large_message(max_bytes))
        if not content:
            raise UploadRefused("The selected file is empty")
        try:
            media_type = media_type_of(content)
        except PackageRefused as refused:
            raise UploadRefused(str(refused)) from refused
        if media_type is None:
            raise UploadRefused(WRONG_TYPE)
    except UploadRefused as refused:
        audit.record_for_episode(
            db_session,
            "upload.refused",
            episode,
            actor_id=user.id,
            client_address=client_address,
            purpose=purpose,
            reason=str(refused),
            filename=filename[:255],
        )
        raise

    folder = upload_folder()
    stored_path = secrets.token_hex(20)
    descriptor = os.open(folder / stored_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    stored = StoredFile(
        episode_id=episode.id,
        original_filename=_clean_filename(filename, media_type),
        media_type=media_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_path=stored_path,
        uploaded_by_id=user.id,
    )
    db_session.add(stored)
    db_session.flush()
    audit.record_about(
        db_session,
        "upload.stored",
        stored,
        user,
        client_address,
        episode=episode,
        purpose=purpose,
        media_type=media_type,
        size=stored.size_bytes,
        sha256=stored.sha256,
    )
    return stored
