"""The public intake: anonymous, in four languages, throttled, with bad input refused whole."""

import contextlib
import io
import logging
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image
from pypdf import PdfReader, PdfWriter

from convenant.core.testing import World
from convenant.signals import actions
from convenant.signals.models import Signal, SignalAttachment, SignalMessage
from convenant.signals.tests.helpers import form_data, jpeg_with_gps

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "Mozilla/5.0 (FingerprintTest; rv:999) UniqueAgent/4242"
MARKERS = (ADDRESS, FORWARDED, "UniqueAgent/4242", "FingerprintTest")


@pytest.fixture(autouse=True)
def fresh_throttles() -> Iterator[None]:
    cache.clear()
    storages._storages.pop("signals", None)  # type: ignore[attr-defined]  # a fresh store
    yield
    cache.clear()


def reporter(address: str = ADDRESS) -> Client:
    return Client(
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=f"{FORWARDED}, 10.0.0.1",
        HTTP_USER_AGENT=AGENT,
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )


def database_text() -> str:
    """Every row of every table, as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        dump: list[str] = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - our own table names
            dump.extend(row[0] for row in cursor.fetchall())
    return "\n".join(dump)


def test_anonymous_report_stores_no_address_anywhere(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = reporter()
    photo = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        "/report/en/", form_data(evidence=photo, addressed_to=world.union.pk), follow=False
    )
    assert response.status_code == 200, response.content
    assert b"receipt code" in response.content
    signal = Signal.objects.get()
    code = response.context["code"]
    # Follow up with a wrong code, then the right one; and a page that does not exist.
    client.post("/report/en/follow-up/", {"code": "WRONG-CODE"})
    client.post("/report/en/follow-up/", {"code": code, "text": "Extra informatie"})
    client.get("/report/xx/")
    assert signal.reported_by is None and signal.reporting_party is None
    assert SignalMessage.objects.get().text == "Extra informatie"
    stored = database_text()
    logged = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    for marker in MARKERS:
        assert marker not in stored, f"{marker} stored in the database"
        assert marker not in logged, f"{marker} in the log output"
    assert code not in stored and code.replace("-", "") not in stored  # only its hash
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_the_intake_loads_nothing_from_elsewhere(world: World) -> None:
    for lang in ("nl", "en", "fr", "es"):
        page = reporter().get(f"/report/{lang}/").content.decode()
        assert f'<html lang="{lang}">' in page
        for other in ("http://", "https://", "//cdn", "<script"):
            assert other not in page.replace("https://www.", ""), (lang, other)
        for code in ("nl", "en", "fr", "es"):  # the language switch offers all four
            assert f'href="/report/{code}/"' in page


def test_the_intake_speaks_french_and_spanish(world: World) -> None:
    french = reporter().get("/report/fr/").content.decode()
    spanish = reporter().get("/report/es/").content.decode()
    assert "Signaler un abus" in french and "Denunciar un abuso" in spanish
    response = reporter().post("/report/es/", form_data(title=""))
    assert "Este campo es obligatorio" in response.content.decode()
    assert not Signal.objects.exists()


def test_receipt_code_reads_questions_and_answers(world: World) -> None:
    response = reporter().post("/report/nl/", form_data())
    code = response.context["code"]
    signal = Signal.objects.get()
    actions.post_message(
        by=world.users["secretariat"], signal=signal, text="Sinds wanneer <b>speelt</b> dit?"
    )
    page = reporter().post("/report/nl/follow-up/", {"code": code.lower()})
    assert page.status_code == 200
    assert "Sinds wanneer &lt;b&gt;speelt&lt;/b&gt; dit?" in page.content.decode()
    reporter().post("/report/nl/follow-up/", {"code": code, "text": "Sinds maart."})
    assert signal.messages.filter(author="reporter", text="Sinds maart.").exists()


def test_guessing_receipt_codes_is_throttled(world: World, settings) -> None:
    settings.SIGNALS_RECEIPT_FAILURES_PER_CLIENT = 3
    response = reporter().post("/report/nl/", form_data())
    code = response.context["code"]
    for _attempt in range(3):
        assert reporter().post("/report/nl/follow-up/", {"code": "AAAA-BBBB"}).status_code == 404
    # Now even the right code is refused from this client, without being looked up.
    assert reporter().post("/report/nl/follow-up/", {"code": code}).status_code == 429
    # Another client is not held up by the first one's failures...
    assert reporter("192.0.2.9").post("/report/nl/follow-up/", {"code": code}).status_code == 200


def test_guessing_is_throttled_site_wide_too(world: World, settings) -> None:
    settings.SIGNALS_RECEIPT_FAILURES_SITE_WIDE = 4
    for i in range(4):
        reporter(f"192.0.2.{i}").post("/report/nl/follow-up/", {"code": "AAAA"})
    assert (
        reporter("192.0.2.200").post("/report/nl/follow-up/", {"code": "AAAA"}).status_code == 429
    )


def test_reports_are_rate_limited(world: World, settings) -> None:
    settings.SIGNALS_REPORTS_PER_CLIENT = 2
    for _i in range(2):
        assert reporter().post("/report/nl/", form_data()).status_code == 200
    assert reporter().post("/report/nl/", form_data()).status_code == 429
    assert Signal.objects.count() == 2


def test_receipt_code_has_high_entropy() -> None:
    codes = {actions.new_receipt_code() for _i in range(200)}
    assert len(codes) == 200
    assert all(len(c.replace("-", "")) == actions.RECEIPT_LENGTH for c in codes)
    assert len(actions.RECEIPT_ALPHABET) ** actions.RECEIPT_LENGTH > 2**128


# --- Bad input: a clear message, nothing saved -----------------------------------------------


def assert_nothing_saved() -> None:
    assert not Signal.objects.exists()
    assert not SignalAttachment.objects.exists()
    with contextlib.suppress(FileNotFoundError):
        assert actions.storage().listdir("signals") == ([], [])


def test_a_script_named_jpg_is_refused(world: World) -> None:
    script = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    response = reporter().post("/report/en/", form_data(evidence=script))
    assert (
        "is not a photo (JPEG, PNG, WebP) or a PDF, whatever its name says"
        in response.content.decode()
    )
    assert_nothing_saved()


def test_html_named_pdf_is_refused(world: World) -> None:
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>")
    response = reporter().post("/report/en/", form_data(evidence=fake))
    assert "whatever its name says" in response.content.decode()
    assert_nothing_saved()


def test_an_oversize_file_is_refused(world: World, settings) -> None:
    settings.SIGNALS_MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = SimpleUploadedFile("groot.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 1))
    response = reporter().post("/report/en/", form_data(evidence=big))
    assert "is larger than 1 MB" in response.content.decode()
    assert_nothing_saved()


def test_a_missing_required_field_saves_nothing(world: World) -> None:
    for missing in ("title", "company_name", "description", "themes", "impact"):
        response = reporter().post("/report/en/", form_data(**{missing: None}))
        assert response.status_code == 200
        assert "The report was not sent" in response.content.decode(), missing
    assert_nothing_saved()


def test_invalid_isin_and_future_date_are_explained(world: World) -> None:
    response = reporter().post("/report/en/", form_data(company_isin="NL0000009166"))
    assert "is not a valid ISIN" in response.content.decode()
    response = reporter().post("/report/en/", form_data(occurred_on="2999-01-01"))
    assert "The date lies in the future" in response.content.decode()
    assert_nothing_saved()


def test_exif_location_is_stripped_from_photos(world: World) -> None:
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif()  # the test photo has GPS
    photo = SimpleUploadedFile("IMG_0042.JPG", jpeg_with_gps())
    reporter().post("/report/en/", form_data(evidence=photo))
    attachment = SignalAttachment.objects.get()
    with actions.storage().open(attachment.stored_name) as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif() and "exif" not in stored.info
    assert attachment.filename == "IMG_0042.jpg" and attachment.content_type == "image/jpeg"


def test_pdf_document_information_is_stripped(world: World) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Maria Perez", "/Title": "Getuigenis"})
    out = io.BytesIO()
    writer.write(out)
    upload = SimpleUploadedFile("verklaring.pdf", out.getvalue())
    reporter().post("/report/en/", form_data(evidence=upload))
    attachment = SignalAttachment.objects.get()
    with actions.storage().open(attachment.stored_name) as handle:
        content = handle.read()
    assert b"Maria Perez" not in content
    assert "/Author" not in (PdfReader(io.BytesIO(content)).metadata or {})


def test_html_in_a_report_is_kept_but_shown_escaped(world: World) -> None:
    reporter().post(
        "/report/en/",
        form_data(
            title="<script>alert('x')</script>",
            description="<img src=x onerror=alert(1)>",
            addressed_to=world.union.pk,
        ),
    )
    signal = Signal.objects.get()
    assert signal.title == "<script>alert('x')</script>"
    client = Client()
    client.force_login(world.users["union"])
    page = client.get(signal.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_unknown_company_is_kept_and_flagged(world: World) -> None:
    reporter().post("/report/en/", form_data(company_name="Nergens Bekend Ltd"))
    signal = Signal.objects.get()
    assert signal.company_name == "Nergens Bekend Ltd" and signal.needs_linking


def test_the_reporter_adds_evidence_to_an_answer_stripped_and_checked(world: World) -> None:
    code = reporter().post("/report/en/", form_data()).context["code"]
    signal = Signal.objects.get()
    actions.post_message(by=world.users["secretariat"], signal=signal, text="Have you a photo?")
    # A disguised script is refused: neither the answer nor a file is kept.
    script = SimpleUploadedFile(
        "photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"
    )
    refused = reporter().post(
        "/report/en/follow-up/", {"code": code, "text": "Here it is.", "evidence": script}
    )
    assert "whatever its name says" in refused.content.decode()
    assert not signal.messages.filter(author="reporter").exists()
    assert not SignalAttachment.objects.exists()
    # A real photo is kept, without its location.
    photo = SimpleUploadedFile("IMG_0043.JPG", jpeg_with_gps())
    sent = reporter().post(
        "/report/en/follow-up/", {"code": code, "text": "Here it is.", "evidence": photo}
    )
    assert "Your answer was sent." in sent.content.decode()
    attachment = SignalAttachment.objects.get(signal=signal)
    with actions.storage().open(attachment.stored_name) as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
    assert signal.messages.filter(author="reporter", text="Here it is.").exists()


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "es"])
def test_countries_are_named_and_sorted_in_the_readers_language(db: None, lang: str) -> None:
    from convenant.signals.forms import IntakeForm
    from convenant.signals.readable import fold

    page = reporter().get(f"/report/{lang}/")
    form = page.context["form"]
    assert isinstance(form, IntakeForm)
    choices = form.fields["country"].choices  # type: ignore[attr-defined]
    names = [name for code, name in choices if code]
    assert names == sorted(names, key=lambda n: (fold(n), n))  # accents do not move a name
    countries = dict(choices)
    expected = {"nl": "Algerije", "en": "Algeria", "fr": "Algérie", "es": "Argelia"}
    assert countries["DZ"] == expected[lang]
    if lang == "fr":  # "Égypte" among the E's, not after "Zimbabwe"
        assert names.index("Djibouti") < names.index("Égypte") < names.index("Espagne")
    if lang == "es":
        assert countries["DE"] == "Alemania" and countries["NL"] == "Países Bajos"


def test_report_form_leads_with_what_a_local_partner_knows(db: None) -> None:
    html = reporter().get("/report/en/").content.decode()
    # What happened comes first; where and to whom follow; identifiers are an optional part.
    legends = ("The abuse", "Where, and at which company", "The people affected")
    order = [html.index(f"<legend>{text}</legend>") for text in legends]
    assert order == sorted(order)
    assert html.index('name="description"') < html.index('name="company_name"')
    optional = html[html.index('<details class="optional-part"') :]
    optional = optional[: optional.index("</details>")]
    assert 'name="company_isin"' in optional and 'name="company_lei"' in optional
    assert "(optional)" in optional and "required" not in optional
    # Required fields say so, visibly and to assistive technology.
    for name in ("title", "company_name", "description"):
        tag = html[html.index(f'name="{name}"') :]
        tag = tag[: tag.index(">")]
        assert "required" in tag and 'aria-required="true"' in tag, tag
    assert 'role="radiogroup" aria-required="true"' in html  # impact, visibility, sharing
    assert 'class="required-mark" aria-hidden="true">*<' in html
    assert "Fields marked with an asterisk are required" in html
