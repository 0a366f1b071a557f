"""Evidence files: the type is decided by the content (never by the name or the browser's
claim), the size is limited, and metadata is stripped before anything is stored: photos are
decoded and written afresh from their pixels (no EXIF, GPS, XMP or ICC survives), PDFs are
rewritten without their document information and XMP.

Allowed: JPEG, PNG and WebP images, and PDF documents.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from convenant.core.errors import ActionError

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanFile:
    """A checked, metadata-free file ready to store."""

    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def stored_name(self) -> str:
        return f"signals/{secrets.token_hex(16)}.{EXTENSIONS[self.content_type]}"


def max_bytes() -> int:
    return int(getattr(settings, "SIGNALS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "SIGNALS_MAX_ATTACHMENTS", 5))


def _safe_name(name: str, content_type: str) -> str:
    """A display name without paths or odd characters, with the extension of the real type."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_")[:80].strip() or "file"
    return f"{stem}.{EXTENSIONS[content_type]}"


def _clean_image(data: bytes, kind: str, name: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Any = Image.open(io.BytesIO(data))
            if image.format != IMAGE_TYPES[kind] or image.width * image.height > MAX_PIXELS:
                raise ValueError("format or size")
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo upright without EXIF
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise ActionError(
            _("“%(name)s” is not a readable image.") % {"name": name}, field="evidence"
        ) from None
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    mode = "RGBA" if has_alpha and kind != "image/jpeg" else "RGB"
    pixels = image.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())  # no info, no EXIF, no ICC
    out = io.BytesIO()
    fresh.save(out, format=IMAGE_TYPES[kind], **({"quality": 90} if kind != "image/png" else {}))
    return out.getvalue()


def _clean_pdf(data: bytes, name: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValueError("encrypted")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.add_metadata({"/Producer": "convenant"})
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        raise ActionError(
            _("“%(name)s” is not a readable PDF (an encrypted PDF cannot be accepted).")
            % {"name": name},
            field="evidence",
        ) from None
    return out.getvalue()


def clean_upload(name: str, data: bytes) -> CleanFile:
    """Check one upload and strip its metadata, or raise a clear ``ActionError``."""
    if len(data) > max_bytes():
        raise ActionError(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)},
            field="evidence",
        )
    if not data:
        raise ActionError(_("“%(name)s” is empty.") % {"name": name}, field="evidence")
    guessed = filetype.guess_mime(data)
    if guessed in IMAGE_TYPES:
        content = _clean_image(data, guessed, name)
    elif guessed == "application/pdf":
        content = _clean_pdf(data, name)
    else:
        raise ActionError(
            _(
                "“%(name)s” is not a photo (JPEG, PNG, WebP) or a PDF, whatever its name says. "
                "Only these types can be sent."
            )
            % {"name": name},
            field="evidence",
        )
    return CleanFile(_safe_name(name, guessed), guessed, content)


def clean_uploads(files: list[tuple[str, bytes]]) -> list[CleanFile]:
    """All uploads of one report, checked before any is stored."""
    if len(files) > max_files():
        raise ActionError(_("Send at most %(n)s files.") % {"n": max_files()}, field="evidence")
    return [clean_upload(name, data) for name, data in files]
