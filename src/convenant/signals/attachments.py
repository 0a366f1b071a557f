"""Evidence files: the type is decided by the content (never by the name or the browser's
claim), the size is limited, and metadata is stripped before anything is stored: photos are
decoded and written afresh from their pixels (no EXIF, GPS, XMP or ICC survives), PDFs are
rewritten page by page without their document information and XMP, and the photos inside
them lose their EXIF and XMP too (a photo printed to PDF keeps where it was taken).

Allowed: JPEG, PNG and WebP images, and PDF documents.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from typing import Any, cast

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


# JPEG segments that carry what a photo does not need to be seen: APP1 (EXIF with GPS, XMP),
# APP2 (ICC, MPF with a second picture), APP3–APP13, APP15 and comments. APP0 (JFIF) and
# APP14 (Adobe, needed to read CMYK colours) stay.
_JPEG_DROPPED = {*range(0xE1, 0xEE), 0xEF, 0xFE}
# Page keys that can hold a past state or details of the document: its XMP, an application's
# private data, a thumbnail that may predate a redaction, and files associated with it.
_PAGE_KEYS_DROPPED = ("/Metadata", "/PieceInfo", "/Thumb", "/AF")
# Annotations that carry files or media of their own.
_ANNOTATIONS_DROPPED = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia"}


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without its metadata segments, losslessly (the compressed picture is copied
    as it is); bytes after the end of the image are dropped. ValueError if not a JPEG."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out, i = bytearray(b"\xff\xd8"), 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            raise ValueError("marker expected")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of image
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += data[i : i + 2]
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        end = i + 2 + length
        if length < 2 or end > len(data):
            raise ValueError("truncated segment")
        if marker not in _JPEG_DROPPED:
            out += data[i:end]
        i = end
        if marker == 0xDA:  # start of scan: compressed data up to the next real marker
            j = i
            while True:
                j = data.find(b"\xff", j)
                if j < 0 or j + 1 >= len(data):
                    raise ValueError("truncated scan")
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    j += 1 if following == 0xFF else 2
                    continue
                break
            out += data[i:j]
            i = j
    raise ValueError("no end of image")


def _filters(stream: Any) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    value = value.get_object()
    return [str(f) for f in value] if isinstance(value, list) else [str(value)]


def _clean_xobjects(resources: Any, seen: set[int]) -> None:
    """Strip the images (and the forms' images) a page draws."""

    if resources is None:
        return
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return
    for reference in xobjects.get_object().values():
        xobject = reference.get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        for key in ("/Metadata", "/PieceInfo"):
            xobject.pop(key, None)
        subtype = xobject.get("/Subtype")
        if subtype == "/Form":
            _clean_xobjects(xobject.get("/Resources"), seen)
        elif subtype == "/Image":
            _clean_image_xobject(xobject)


def _clean_image_xobject(image: Any) -> None:
    """A JPEG image loses its metadata segments; one wrapped in Flate is unwrapped first.
    JPEG 2000 (whose boxes can hide metadata) and other chains with JPEG are refused."""
    from pypdf.generic import NameObject, StreamObject

    filters = _filters(image)
    if "/JPXDecode" in filters:
        raise ValueError("JPEG 2000 image")
    if "/DCTDecode" not in filters:
        return  # raw pixel data carries no EXIF; the image's /Metadata is already gone
    if filters[-1] != "/DCTDecode" or any(f != "/FlateDecode" for f in filters[:-1]):
        raise ValueError("unusual filter chain around a JPEG")
    # With Flate around it, pypdf decodes down to the JPEG file (its JPEG "decoding" passes
    # the bytes through); alone, the raw stream is the JPEG file.
    jpeg = image.get_data() if len(filters) > 1 else image._data
    parameters = image.pop("/DecodeParms", None)
    if parameters is not None and len(filters) > 1:  # keep only the JPEG's own parameters
        parameters = parameters.get_object()
        own = parameters[-1].get_object() if isinstance(parameters, list) else None
        if isinstance(own, dict):
            image[NameObject("/DecodeParms")] = own
    elif parameters is not None:
        image[NameObject("/DecodeParms")] = parameters
    image[NameObject("/Filter")] = NameObject("/DCTDecode")
    # Set through the base class: pypdf re-encodes only Flate streams.
    StreamObject.set_data(image, strip_jpeg_metadata(jpeg))


def _clean_pdf(data: bytes, name: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValueError("encrypted")
        writer = PdfWriter()
        seen: set[int] = set()
        # Each page is cleaned before it is copied: what it no longer refers to is not copied.
        for page in reader.pages:
            for key in _PAGE_KEYS_DROPPED:
                page.pop(key, None)
            annotations = page.get("/Annots")
            if annotations is not None:  # files attached to the page travel with it
                page[NameObject("/Annots")] = ArrayObject(
                    a
                    for a in cast(ArrayObject, annotations.get_object())
                    if a.get_object().get("/Subtype") not in _ANNOTATIONS_DROPPED
                )
            _clean_xobjects(page.get("/Resources"), seen)
            writer.add_page(page)
        writer.add_metadata({"/Producer": "convenant"})
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ActionError(
            _(
                "“%(name)s” is not a PDF we can clean of hidden details (an encrypted or "
                "damaged PDF, or one with images we cannot check). Send the photos or a "
                "screenshot instead."
            )
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
