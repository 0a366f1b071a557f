"""Evidence is received in memory, never in a temporary file with its metadata still in it,
and no more of it is kept than the limits allow."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from PIL import Image

from convenant.core.testing import World
from convenant.signals import actions
from convenant.signals.models import Signal, SignalAttachment
from convenant.signals.tests.helpers import form_data
from convenant.signals.uploads import EvidenceUploadHandler

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any temporary upload file fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", refuse)
    cache.clear()


def large_photo() -> bytes:
    """A photo of about 3 MB (noise compresses badly), above Django's 2.5 MB in-memory limit."""
    image = Image.frombytes("RGB", (900, 800), os.urandom(900 * 800 * 3))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    image.save(out, format="JPEG", quality=100, subsampling=0, exif=exif)
    assert out.tell() > 2_621_440
    return out.getvalue()


def test_a_large_photo_reaches_the_intake_without_a_temporary_file(world: World) -> None:
    photo = SimpleUploadedFile("IMG_1.jpg", large_photo())
    response = Client().post("/report/en/", form_data(evidence=photo))
    assert response.status_code == 200
    attachment = SignalAttachment.objects.get()
    with actions.storage().open(attachment.stored_name) as handle:
        assert b"PhoneMaker" not in handle.read()


def test_a_member_files_a_large_photo_without_a_temporary_file(world: World) -> None:
    client = Client()
    client.force_login(world.users["union"])
    data = {
        **{k: v for k, v in form_data().items() if k != "addressed_to"},
        "party": world.union.pk,
        "evidence": SimpleUploadedFile("IMG_2.jpg", large_photo()),
    }
    response = client.post("/signals/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SignalAttachment.objects.filter(signal=Signal.objects.get()).count() == 1


def test_an_oversize_file_is_named_and_only_its_limit_is_kept(world: World, settings) -> None:
    settings.SIGNALS_MAX_ATTACHMENT_BYTES = 1024 * 1024
    response = Client().post(
        "/report/en/", form_data(evidence=SimpleUploadedFile("groot.jpg", large_photo()))
    )
    assert "is larger than 1 MB" in response.content.decode()
    assert not Signal.objects.exists()

    handler = EvidenceUploadHandler()
    handler.new_file("evidence", "groot.jpg", "image/jpeg", None)
    for start in range(0, 3 * 1024 * 1024, 64 * 1024):
        handler.receive_data_chunk(b"x" * 64 * 1024, start)
    upload = handler.file_complete(3 * 1024 * 1024)
    assert upload is not None
    assert upload.size == 3 * 1024 * 1024  # the size sent, for the message
    assert len(upload.read()) == 1024 * 1024 + 1  # what is kept: one byte over the limit


def test_files_beyond_one_too_many_are_not_kept(settings) -> None:
    settings.SIGNALS_MAX_ATTACHMENTS = 2
    handler = EvidenceUploadHandler()
    kept = []
    for n in range(6):
        handler.new_file("evidence", f"{n}.jpg", "image/jpeg", None)
        handler.receive_data_chunk(b"data", 0)
        kept.append(handler.file_complete(4))
    assert [upload is not None for upload in kept] == [True, True, True, False, False, False]


def test_the_csrf_check_still_guards_the_forms(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/report/en/", form_data()).status_code == 403
    assert browser.post("/report/en/follow-up/", {"code": "x"}).status_code == 403
    member = Client(enforce_csrf_checks=True)
    member.force_login(world.users["union"])
    assert member.post("/signals/new/", {"title": "x"}).status_code == 403
    assert not Signal.objects.exists()
    # With the token the form is processed (and here refused for what it lacks).
    browser.get("/report/en/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/report/en/", {**form_data(title=None), "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "The report was not sent" in response.content.decode()
