"""Opening an uploaded Word document (a zip package) safely, before anything parses it.

Every .docx that reaches eCAF from outside (a borough's template, a signed copy, a copy to
check) goes through `check_word_package` first. The limits are checked on the zip's
central directory before a byte is inflated: how many parts, how big each part and the
whole package say they are, and how much each part is compressed (a "zip bomb" is
compressed far more than any real document). The parts are then read with bounded reads
(a package that lies about its sizes is caught: its checksum no longer matches) and the
XML parts are checked as they stream, so a damaged file is refused here, with a message
the user can act on, rather than failing deep inside the Word library.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from xml.parsers import expat

from flask import current_app, has_app_context

from webapp.config import DEFAULTS

MEGABYTE = 1024 * 1024
#: Parts smaller than this are not held to the compression ratio: short, repetitive XML
#: compresses well and cannot inflate to much.
RATIO_GRACE_BYTES = MEGABYTE
#: How much of a part is read (and fed to the XML check) at a time.
CHUNK_BYTES = 64 * 1024

MAIN_DOCUMENT = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS = "_rels/.rels"
#: The content types a package may give its main document part (.docx, .dotx, .docm, .dotm).
WORD_MAIN_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)

DAMAGED = "The selected file is damaged or is not a Word document (.docx)"

_END_OF_DIRECTORY = b"PK\x05\x06"
_END_OF_DIRECTORY_FORMAT = "<4s4H2LH"
_END_OF_DIRECTORY_SIZE = struct.calcsize(_END_OF_DIRECTORY_FORMAT)


class PackageRefused(ValueError):
    """The package was not opened; the message says why, as a GOV.UK error message."""


class DamagedPackage(PackageRefused):
    """Not a zip, or a zip that does not open as a Word document (damaged, or something
    else: a spreadsheet, an archive of files). Callers say which types they accept."""

    def __init__(self) -> None:
        super().__init__(DAMAGED)


@dataclass(frozen=True)
class PackageLimits:
    max_inflated_bytes: int
    max_part_bytes: int
    max_parts: int
    max_compression_ratio: int

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> PackageLimits:
        return cls(
            max_inflated_bytes=int(config["DOCUMENT_PACKAGE_MAX_INFLATED_BYTES"]),
            max_part_bytes=int(config["DOCUMENT_PACKAGE_MAX_PART_BYTES"]),
            max_parts=int(config["DOCUMENT_PACKAGE_MAX_PARTS"]),
            max_compression_ratio=int(config["DOCUMENT_PACKAGE_MAX_COMPRESSION_RATIO"]),
        )

    @classmethod
    def current(cls) -> PackageLimits:
        """The running app's limits (the defaults outside a request or command)."""
        return cls.from_config(current_app.config if has_app_context() else DEFAULTS)


def setting(name: str) -> object:
    """A configuration value of the running app (the default outside a request or command)."""
    return (current_app.config if has_app_context() else DEFAULTS)[name]


def _size(limit: int) -> str:
    megabytes = limit / MEGABYTE
    return f"{megabytes:g}MB" if megabytes >= 1 else f"{limit} bytes"


def _too_big(limits: PackageLimits) -> PackageRefused:
    return PackageRefused(
        f"The selected Word document must be smaller than {_size(limits.max_inflated_bytes)} "
        "when opened"
    )


def _too_many_parts(limits: PackageLimits) -> PackageRefused:
    return PackageRefused(
        f"The selected file has too many parts to be a Word document (more than {limits.max_parts})"
    )


def _declared_part_count(content: bytes) -> int | None:
    """How many parts the zip's end-of-directory record declares (None: no such record),
    read before the zip library builds an entry for each of them."""
    position = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - 65536 - 64))
    if position == -1 or len(content) - position < _END_OF_DIRECTORY_SIZE:
        return None
    fields = struct.unpack_from(_END_OF_DIRECTORY_FORMAT, content, position)
    return fields[4]  # entries in the whole directory (0xFFFF: a zip64 directory)


def _check_directory(archive: zipfile.ZipFile, limits: PackageLimits) -> list[zipfile.ZipInfo]:
    parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise _too_many_parts(limits)
    names = [part.filename for part in parts]
    if len(set(names)) != len(names):
        raise DamagedPackage
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:  # encrypted
            raise PackageRefused(
                "The selected file is protected with a password. Remove the password and "
                "upload it again"
            )
        if part.file_size > limits.max_part_bytes:
            raise PackageRefused(
                "Each part of the selected Word document must be smaller than "
                f"{_size(limits.max_part_bytes)} when opened"
            )
        if (
            part.file_size > RATIO_GRACE_BYTES
            and part.file_size > limits.max_compression_ratio * max(part.compress_size, 1)
        ):
            raise PackageRefused(
                "The selected file cannot be opened safely: it is compressed far more than a "
                "Word document can be"
            )
        total += part.file_size
        if total > limits.max_inflated_bytes:
            raise _too_big(limits)
    if not {MAIN_DOCUMENT, CONTENT_TYPES, PACKAGE_RELATIONSHIPS} <= set(names):
        raise DamagedPackage
    return parts


def _refuse_declarations(*_arguments) -> None:
    # Word never writes a document type declaration; one can only be there to make an
    # XML parser expand entities or fetch something.
    raise DamagedPackage


class ContentTypes:
    """What `[Content_Types].xml` declares, read as it streams past."""

    def __init__(self) -> None:
        self.overrides: dict[str, str] = {}
        self.defaults: dict[str, str] = {}

    def element(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]
        if local == "Override":
            self.overrides[attributes.get("PartName", "").lower()] = attributes.get(
                "ContentType", ""
            )
        elif local == "Default":
            self.defaults[attributes.get("Extension", "").lower()] = attributes.get(
                "ContentType", ""
            )

    def of(self, part_name: str) -> str:
        """The content type of a part (named as in the zip, without the leading slash)."""
        declared = self.overrides.get("/" + part_name.lower())
        if declared is not None:
            return declared
        return self.defaults.get(part_name.rsplit(".", 1)[-1].lower(), "")


def _xml_checker(content_types: ContentTypes | None = None) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    if content_types is not None:
        parser.StartElementHandler = content_types.element
    return parser


def _read_part(
    archive: zipfile.ZipFile,
    part: zipfile.ZipInfo,
    limits: PackageLimits,
    inflated_so_far: int,
    parser: expat.XMLParserType | None,
) -> int:
    """Inflate one part in bounded chunks (the zip library checks its checksum at the end),
    feeding XML to `parser`; the number of bytes it really holds."""
    size = 0
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limits.max_part_bytes or inflated_so_far + size > limits.max_inflated_bytes:
                raise _too_big(limits)
            if parser is not None:
                parser.Parse(chunk, False)
    if parser is not None:
        parser.Parse(b"", True)
    return size


def is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def check_word_package(content: bytes, limits: PackageLimits | None = None) -> dict[str, int]:
    """Refuse (PackageRefused) a Word document that is too big once opened or is damaged:
    a zip bomb, too many parts, a truncated or corrupted zip, XML that is not well formed,
    a missing main part or content type. When the bytes are safe to parse: the size of
    each part, as read."""
    limits = limits or PackageLimits.current()
    declared = _declared_part_count(content)
    if declared is None:
        raise DamagedPackage
    if declared > limits.max_parts:
        raise _too_many_parts(limits)
    content_types = ContentTypes()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _check_directory(archive, limits)
            sizes: dict[str, int] = {}
            inflated = 0
            for part in parts:
                if part.is_dir():
                    continue
                if part.filename == CONTENT_TYPES:
                    parser = _xml_checker(content_types)
                else:
                    parser = _xml_checker() if is_xml(part.filename) else None
                sizes[part.filename] = _read_part(archive, part, limits, inflated, parser)
                inflated += sizes[part.filename]
    except PackageRefused:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        expat.ExpatError,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,  # a compression method Word does not use
        RuntimeError,  # encrypted parts
    ) as error:
        raise DamagedPackage from error
    if content_types.of(MAIN_DOCUMENT) not in WORD_MAIN_TYPES:
        raise DamagedPackage
    return sizes
