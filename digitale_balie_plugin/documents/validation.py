"""What makes an upload acceptable: its size, its name, its extension *and* its content, which must agree.

Every check raises :class:`DocumentRefused` with a message the uploader reads (in their language); the
reason code goes to the audit log. Nothing here stores anything: the service stores only what passed.

Defences, in order: an empty file; a name reduced to a safe display name (never used as a path);
an extension allowed on this site; content sniffed from its magic bytes, which must be the type the
extension says (so a ZIP, an SVG, an HTML page or an executable renamed ``.pdf`` is refused, and so is
an archive whatever it is called); images decoded with a pixel limit (decompression bombs) and
re-encoded, which drops metadata (location, camera) and anything appended (polyglots); PDFs parsed,
refused when damaged, encrypted, or carrying active content (JavaScript, launch actions, embedded files),
and refused when bytes precede the ``%PDF`` header or follow the last ``%%EOF`` (polyglots).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.models.documents import KNOWN_TYPES

#: extension → (content type, sniffed kind)
SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"PK\x03\x04", "archive"),
    (b"PK\x05\x06", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"MZ", "executable"),
    (b"\x7fELF", "executable"),
]
#: An image larger than this many pixels is refused before it is decoded (a small file can unpack huge).
MAX_PIXELS = 40_000_000
ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|SubmitForm)\b")


class DocumentRefused(CounterError):
    """The upload is refused; ``code`` is for the audit log."""

    def __init__(self, message, code: str):
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    content: bytes


def safe_name(raw: str) -> str:
    """A display name: the last path part, no control or bidi characters, at most 120 characters.

    Never used to build a path (files are stored under random names); this only keeps lists readable
    and stops ``../../etc/passwd`` or a right-to-left override from misleading the reader.
    """
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "document"
    stem, dot, ext = name.rpartition(".")
    if dot and len(name) > 120:
        return stem[: 119 - len(ext)] + "." + ext
    return name[:120]


def sniff(head: bytes) -> str:
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    text = head[:512].lstrip().lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html", b"<script")):
        return "markup"
    return "unknown"


def check(name: str, content: bytes, allowed: set[str]) -> CheckedFile:
    if not content:
        raise DocumentRefused(_("This file is empty."), "empty")
    display = safe_name(name)
    extension = display.rpartition(".")[2].lower() if "." in display else ""
    if extension not in allowed or extension not in KNOWN_TYPES:
        kinds = ", ".join(sorted(allowed)).upper()
        raise DocumentRefused(
            _("This type of file is not allowed. You can send: %(kinds)s.") % {"kinds": kinds}, "type"
        )
    content_type, expected = KNOWN_TYPES[extension]
    found = sniff(content[:1024])
    if found == "archive":
        raise DocumentRefused(_("Archives (such as ZIP files) are not allowed. Send the files themselves."), "archive")
    if found != expected:
        raise DocumentRefused(
            _("The content of this file does not match its name (.%(extension)s). Send the original file.")
            % {"extension": extension},
            "mismatch",
        )
    cleaned = _clean_image(content, expected) if expected in ("jpeg", "png") else _check_pdf(content)
    return CheckedFile(display, extension, content_type, cleaned)


def _clean_image(content: bytes, kind: str) -> bytes:
    """Decode (with a pixel limit) and encode again: metadata and anything hidden after the image go."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise DocumentRefused(_("This image is too large (too many pixels)."), "pixels")
            image.load()
            output = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                image.save(output, "PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DocumentRefused(_("This image is damaged and cannot be opened."), "damaged") from exc
    return output.getvalue()


def _check_pdf(content: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.startswith(b"%PDF-") or content.rstrip().rfind(b"%%EOF") < len(content.rstrip()) - 5:
        raise DocumentRefused(_("This PDF has extra data around it. Send the original file."), "polyglot")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise DocumentRefused(_("This PDF is protected with a password. Send it without a password."), "encrypted")
        pages = [page.mediabox for page in reader.pages]  # parses the page tree: a damaged file fails here
        active = not pages or _active_catalog(reader.trailer["/Root"])
    except DocumentRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentRefused(_("This PDF is damaged and cannot be opened."), "damaged") from exc
    if active or ACTIVE_PDF.search(content):
        raise DocumentRefused(
            _("This PDF contains scripts or attached files, which are not allowed. Print it to a new PDF first."),
            "active",
        )
    return content


def _active_catalog(root) -> bool:
    """Active content named in the document catalog, also when its objects sit in compressed streams."""
    names = root.get("/Names") or {}
    names = names.get_object() if hasattr(names, "get_object") else names
    if "/JavaScript" in names or "/EmbeddedFiles" in names:
        return True
    action = root.get("/OpenAction")
    action = action.get_object() if hasattr(action, "get_object") else action
    if isinstance(action, dict) and action.get("/S") in ("/JavaScript", "/Launch"):
        return True
    form = root.get("/AcroForm")
    form = form.get_object() if hasattr(form, "get_object") else form
    return isinstance(form, dict) and "/XFA" in form
