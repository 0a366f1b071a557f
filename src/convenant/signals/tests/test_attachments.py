"""Evidence files lose what could tell who or where their maker is, also inside PDFs: a photo
printed to PDF keeps its EXIF (with the place it was taken) unless it is stripped."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from convenant.core.errors import ActionError
from convenant.signals.attachments import clean_upload, strip_jpeg_metadata
from convenant.signals.tests.helpers import jpeg_with_gps

SECRETS = (b"PhoneMaker", b"GPS 52.36 4.88", b"secret attachment text", b"Maria Perez")


def pixels(jpeg: bytes) -> bytes:
    return Image.open(io.BytesIO(jpeg)).convert("RGB").tobytes()


def _stream(writer: PdfWriter, data: bytes, **entries: object) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return writer._add_object(stream)


def pdf_with_photo(
    jpeg: bytes,
    *,
    image_filter: str | list[str] = "/DCTDecode",
    in_form: bool = False,
    decode_parameters: list[dict[str, int] | None] | None = None,
):
    """A one-page PDF drawing the photo (directly or through a form), whose image, page
    thumbnail, private data and attached file carry details of its maker."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    image = StreamObject()
    StreamObject.set_data(image, jpeg)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(64),
            NameObject("/Height"): NumberObject(48),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): (
                NameObject(image_filter)
                if isinstance(image_filter, str)
                else ArrayObject(NameObject(f) for f in image_filter)
            ),
            NameObject("/Metadata"): _stream(writer, b"<x:xmpmeta>GPS 52.36 4.88</x:xmpmeta>"),
        }
    )
    if decode_parameters is not None:
        image[NameObject("/DecodeParms")] = ArrayObject(
            NullObject()
            if entry is None
            else DictionaryObject({NameObject(k): NumberObject(v) for k, v in entry.items()})
            for entry in decode_parameters
        )
    image_ref = writer._add_object(image)
    drawn = DictionaryObject({NameObject("/Im0"): image_ref})
    if in_form:
        form = DecodedStreamObject()
        form.set_data(b"q 64 0 0 48 0 0 cm /Im0 Do Q")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([NumberObject(n) for n in (0, 0, 64, 48)]),
                NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): drawn}),
            }
        )
        drawn = DictionaryObject({NameObject("/Im0"): writer._add_object(form)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): drawn})
    page[NameObject("/Contents")] = _stream(writer, b"q 1 0 0 1 10 10 cm /Im0 Do Q")
    page[NameObject("/Thumb")] = image_ref
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {NameObject("/Editor"): TextStringObject("Maria Perez")}
    )
    attached = _stream(writer, b"secret attachment text", Type=NameObject("/EmbeddedFile"))
    file_spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("notes.txt"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): attached}),
        }
    )
    rect = ArrayObject([NumberObject(n) for n in (0, 0, 20, 20)])
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): rect,
            NameObject("/FS"): file_spec,
        }
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): rect,
        }
    )
    screen = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Screen"),
            NameObject("/Rect"): rect,
        }
    )
    page[NameObject("/Annots")] = ArrayObject(
        [writer._add_object(attachment), writer._add_object(link), writer._add_object(screen)]
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_jpeg_metadata_is_stripped_without_touching_the_picture():
    for progressive in (False, True):
        photo = io.BytesIO()
        exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
        Image.new("RGB", (64, 48), (20, 120, 200)).save(
            photo, format="JPEG", exif=exif, progressive=progressive, comment=b"Maria Perez"
        )
        original = photo.getvalue() + b"appended after the end"
        stripped = strip_jpeg_metadata(original)
        assert b"PhoneMaker" in original and b"Maria Perez" in original
        assert not any(secret in stripped for secret in SECRETS)
        assert not stripped.endswith(b"appended after the end")
        assert not Image.open(io.BytesIO(stripped)).getexif()
        assert pixels(stripped) == pixels(original)  # lossless: the same picture


@pytest.mark.parametrize("broken", [b"", b"GIF89a", jpeg_with_gps()[:200], b"\xff\xd8\xff\xe1\x00"])
def test_a_broken_jpeg_is_not_passed_through(broken: bytes):
    with pytest.raises(ValueError):
        strip_jpeg_metadata(broken)


@pytest.mark.parametrize("in_form", [False, True])
def test_photos_and_attachments_inside_a_pdf_are_cleaned(in_form: bool):
    original = pdf_with_photo(jpeg_with_gps(), in_form=in_form)
    assert all(secret in original for secret in SECRETS)
    cleaned = clean_upload("verklaring.pdf", original)
    assert cleaned.content_type == "application/pdf"
    assert not any(secret in cleaned.content for secret in SECRETS)
    page = PdfReader(io.BytesIO(cleaned.content)).pages[0]
    assert "/Thumb" not in page and "/PieceInfo" not in page
    annotations: Any = page["/Annots"]
    assert [a.get_object()["/Subtype"] for a in annotations] == ["/Link"]
    xobject = page["/Resources"]["/XObject"]["/Im0"].get_object()
    if in_form:
        xobject = xobject["/Resources"]["/XObject"]["/Im0"].get_object()
    assert "/Metadata" not in xobject
    photo = xobject.get_data()
    assert not Image.open(io.BytesIO(photo)).getexif()
    assert pixels(photo) == pixels(jpeg_with_gps())


def test_a_pdf_with_a_photo_we_cannot_check_is_refused():
    for image_filter, photo in (("/JPXDecode", b"\x00\x00\x00\x0cjP  "), ("/DCTDecode", b"junk")):
        with pytest.raises(ActionError, match="is not a PDF we can clean of hidden details"):
            clean_upload("scan.pdf", pdf_with_photo(photo, image_filter=image_filter))


@pytest.mark.parametrize(
    ("parameters", "kept"),
    [(None, None), ([{"/Predictor": 1}, None], None), ([None, {"/ColorTransform": 1}], 1)],
)
def test_a_photo_wrapped_in_flate_is_unwrapped_and_cleaned(parameters, kept):
    wrapped = zlib.compress(jpeg_with_gps())
    original = pdf_with_photo(
        wrapped, image_filter=["/FlateDecode", "/DCTDecode"], decode_parameters=parameters
    )
    cleaned = clean_upload("scan.pdf", original).content
    assert b"PhoneMaker" not in cleaned
    image = PdfReader(io.BytesIO(cleaned)).pages[0]["/Resources"]["/XObject"]["/Im0"]
    image = image.get_object()
    assert image["/Filter"] == "/DCTDecode"
    assert (image["/DecodeParms"]["/ColorTransform"] if kept else image.get("/DecodeParms")) == kept
    assert not Image.open(io.BytesIO(image.get_data())).getexif()
    assert pixels(image.get_data()) == pixels(jpeg_with_gps())


def test_a_jpeg_inside_another_filter_chain_is_refused():
    with pytest.raises(ActionError, match="is not a PDF we can clean of hidden details"):
        clean_upload(
            "scan.pdf",
            pdf_with_photo(jpeg_with_gps(), image_filter=["/DCTDecode", "/FlateDecode"]),
        )
