"""Every uploaded Word document is opened within limits before anything parses it.

A zip bomb, a package with too many parts, one huge part or too much in all, and damaged
packages (content types, XML, missing parts, truncated, a wrong checksum, sizes that lie)
are refused on every route that takes a .docx: a borough's template, a signed copy, a
signed consent statement and "check a document". Each answers a clear GOV.UK error,
quickly, never a 500, and nothing is kept. The bombs are built here, in memory, from
deflated zeros: a few hundred kilobytes at most."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.documents.wordfiles import pack, read_parts, repack, word_file
from tests.sharing.world import audit_events, build_world, error_messages
from webapp import db
from webapp.consent.models import Consent
from webapp.documents.models import SignedCopy, UploadedTemplate
from webapp.uploads.models import StoredFile
from webapp.uploads.packages import CHUNK_BYTES

MB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def base() -> bytes:
    return word_file("Signed by the family", "{{ child.name }}")


def noise(size: int, seed: int) -> bytes:
    """Bytes that do not compress (a picture, as far as deflate is concerned)."""
    return random.Random(seed).randbytes(size)


def document_xml(filler: bytes) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p>'
        "<w:r><w:t>".encode()
        + filler
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    return repack(content, replace={name: data})


def patched(content: bytes, name: str, **fields: int) -> bytes:
    """The zip with a part's method, crc, compressed or real size changed in both its local
    header and its directory entry, as a hand-made (or hostile) zip could have them."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
        directory_start = archive.start_dir
    data = bytearray(content)
    # (offset in the local header, offset in the directory entry, struct format)
    layout = {
        "method": (8, 10, "<H"),
        "crc": (14, 16, "<I"),
        "compressed": (18, 20, "<I"),
        "size": (22, 24, "<I"),
    }
    entry = data.index(b"PK\x01\x02", directory_start)
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    for field, value in fields.items():
        local, central, layout_format = layout[field]
        struct.pack_into(layout_format, data, info.header_offset + local, value)
        struct.pack_into(layout_format, data, entry + central, value)
    return bytes(data)


def truncated_entry() -> bytes:
    """word/document.xml holds only the first half of its deflated stream."""
    parts = read_parts(base())
    document = parts["word/document.xml"]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(document) + compressor.flush()
    parts["word/document.xml"] = deflated[: len(deflated) // 2]
    stored = pack(parts, zipfile.ZIP_STORED)
    return patched(
        stored,
        "word/document.xml",
        method=zipfile.ZIP_DEFLATED,
        crc=zlib.crc32(document),
        size=len(document),
    )


def bad_checksum() -> bytes:
    content = base()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        crc = archive.getinfo("word/document.xml").CRC
    return patched(content, "word/document.xml", crc=crc ^ 0x5A5A)


def lying_sizes() -> bytes:
    """A 30MB part whose headers say it holds 2KB."""
    bomb = with_part(base(), "word/media/image1.png", bytes(30 * MB))
    return patched(bomb, "word/media/image1.png", size=2048)


def many_parts() -> bytes:
    parts = read_parts(base())
    for number in range(1200):
        parts[f"customXml/item{number}.xml"] = b""
    return pack(parts, zipfile.ZIP_STORED)


def too_much_in_all() -> bytes:
    """Three parts of 22MB, each compressed only 80 times or so: 66MB once opened."""
    parts = read_parts(base())
    for number in range(3):
        parts[f"word/media/image{number}.png"] = noise(260_000, number) + bytes(22 * MB)
    return pack(parts)


@dataclass(frozen=True)
class Attack:
    build: object  # () -> bytes
    #: The message for every route, or None: the route's own "not a Word document" message.
    message: str | None


ATTACKS = {
    "zip bomb": Attack(
        lambda: with_part(base(), "word/document.xml", document_xml(b" " * (20 * MB))),
        "The selected file cannot be opened safely: it is compressed far more than a Word "
        "document can be",
    ),
    "40MB document from 95KB": Attack(
        lambda: with_part(base(), "word/document.xml", document_xml(b"A" * (40 * MB))),
        "Each part of the selected Word document must be smaller than 24MB when opened",
    ),
    "many parts": Attack(
        many_parts,
        "The selected file has too many parts to be a Word document (more than 1000)",
    ),
    "one huge part": Attack(
        lambda: with_part(base(), "word/media/image1.png", noise(300_000, 1) + bytes(25 * MB)),
        "Each part of the selected Word document must be smaller than 24MB when opened",
    ),
    "too much in all": Attack(
        too_much_in_all, "The selected Word document must be smaller than 64MB when opened"
    ),
    "malformed content types": Attack(
        lambda: with_part(base(), "[Content_Types].xml", b'<Types><Default Extension="xml'),
        None,
    ),
    "content types without the document": Attack(
        lambda: with_part(
            base(),
            "[Content_Types].xml",
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="xml" ContentType="application/xml"/></Types>',
        ),
        None,
    ),
    "broken XML": Attack(
        lambda: with_part(
            base(), "word/document.xml", f'<w:document xmlns:w="{W}"><w:body><w:p>'.encode()
        ),
        None,
    ),
    "XML entity declarations": Attack(
        lambda: with_part(
            base(),
            "word/document.xml",
            b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
            + document_xml(b"&b;&b;&b;"),
        ),
        None,
    ),
    "missing content types": Attack(
        lambda: repack(base(), replace={"[Content_Types].xml": None}), None
    ),
    "missing document": Attack(lambda: repack(base(), replace={"word/document.xml": None}), None),
    "truncated zip": Attack(lambda: base()[: len(base()) * 2 // 3], None),
    "truncated entry": Attack(truncated_entry, None),
    "bad checksum": Attack(bad_checksum, None),
    "sizes that lie": Attack(lying_sizes, None),
}


@cache
def attack_bytes(name: str) -> bytes:
    return ATTACKS[name].build()


# --- the routes -----------------------------------------------------------------------------


@pytest.fixture
def world(app):
    return build_world(state="assessed")


@dataclass(frozen=True)
class Route:
    not_a_word_document: str
    #: The status of a refusal (the consent statement page answers its errors with 200).
    status: int

    def send(self, client, world, content: bytes):
        raise NotImplementedError

    def person(self, world):
        return world.assessor

    def kept_nothing(self, world) -> bool:
        raise NotImplementedError


class TemplateUpload(Route):
    def send(self, client, world, content):
        page = "/admin/documents/caf_assessment"
        return client.post_form(
            page, {"template": (io.BytesIO(content), "caf.docx")}, token_from=page
        )

    def person(self, world):
        return world.borough_admin

    def kept_nothing(self, world):
        return db.session.scalar(select(func.count()).select_from(UploadedTemplate)) == 0


class SignedCopyUpload(Route):
    def send(self, client, world, content):
        documents = f"/episodes/{world.episode.id}/documents"
        return client.post_form(
            f"{documents}/signed",
            {
                "signed-document_type": "caf_assessment",
                "signed-signed_copy": (io.BytesIO(content), "signed.docx", DOCX_TYPE),
            },
            token_from=documents,
            content_type="multipart/form-data",
        )

    def kept_nothing(self, world):
        refused = audit_events("upload.refused", world.assessor)
        return (
            db.session.scalars(select(SignedCopy)).all() == []
            and db.session.scalars(select(StoredFile)).all() == []
            and len(refused) == 1
        )


class SignedStatementUpload(Route):
    def send(self, client, world, content):
        return client.post_form(
            f"/episodes/{world.episode.id}/consent/{world.consent.id}/statement",
            {"statement": (io.BytesIO(content), "statement.docx", DOCX_TYPE)},
            content_type="multipart/form-data",
        )

    def kept_nothing(self, world):
        return (
            db.session.get(Consent, world.consent.id).signed_statement_id is None
            and db.session.scalars(select(StoredFile)).all() == []
        )


class CheckDocument(Route):
    def send(self, client, world, content):
        return client.post_form(
            "/documents/check",
            {"document": (io.BytesIO(content), "copy.docx", DOCX_TYPE)},
            content_type="multipart/form-data",
        )

    def kept_nothing(self, world):
        return audit_events("document.checked") == []


ROUTES = {
    "template upload": TemplateUpload("The file must be a Word document (.docx)", 400),
    "signed copy": SignedCopyUpload(
        "The selected file must be a PDF, JPG, PNG or Word document", 400
    ),
    "signed consent statement": SignedStatementUpload(
        "The selected file must be a PDF, JPG, PNG or Word document", 200
    ),
    "check a document": CheckDocument("The selected file must be a Word document (.docx)", 400),
}


@dataclass
class Inflated:
    bytes: int = 0


@contextmanager
def inflation_counted():
    """Count every byte any zip part yields while the block runs, on the real reading path
    (the zip library's own stream), whoever opens the package."""
    inflated = Inflated()
    read = zipfile.ZipExtFile.read

    def counted(stream, *arguments):
        chunk = read(stream, *arguments)
        inflated.bytes += len(chunk)
        return chunk

    zipfile.ZipExtFile.read = counted
    try:
        yield inflated
    finally:
        zipfile.ZipExtFile.read = read


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("route", ROUTES)
def test_each_route_refuses_each_bad_package_quickly_and_keeps_nothing(
    client, world, route, attack
):
    content = attack_bytes(attack)
    assert len(content) < 1 * MB, "the test's packages stay small"
    handler = ROUTES[route]
    sign_in(client, handler.person(world))

    with inflation_counted() as inflated:
        response = handler.send(client, world, content)

    assert response.status_code == handler.status
    assert error_messages(response) == [ATTACKS[attack].message or handler.not_a_word_document]
    assert handler.kept_nothing(world)
    # Quickly: the work a package costs is what it inflates, and the route stops within one
    # chunk of the limit however much the package claims or really holds.
    limit = client.application.config["DOCUMENT_PACKAGE_MAX_INFLATED_BYTES"] + CHUNK_BYTES
    assert inflated.bytes <= limit, f"{attack} inflated {inflated.bytes} bytes"


def a_real_document_with_pictures() -> bytes:
    """A Word document as a borough might really send: some text and 4MB of pictures."""
    content = word_file("Common Assessment Framework", "Signed by the family")
    parts = read_parts(content)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>'
    )
    for number in range(4):
        parts[f"word/media/image{number}.png"] = b"\x89PNG\r\n\x1a\n" + noise(MB, number)
    return pack(parts)


@pytest.mark.parametrize("route", ROUTES)
def test_a_real_document_with_a_few_megabytes_of_pictures_is_accepted(client, world, route):
    handler = ROUTES[route]
    sign_in(client, handler.person(world))

    response = handler.send(client, world, a_real_document_with_pictures())

    assert response.status_code in (200, 302)
    assert error_messages(response) == []
    assert not handler.kept_nothing(world)
