"""How every view hands out a stored upload (meeting documents, activity attachments,
evidence, provider reports): a download that the browser never renders, sniffs or caches,
and 404 once the file is gone."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404

from convenant.core.http import content_type_of, private_download

TYPES = {"application/pdf": "pdf", "application/vnd.oasis.opendocument.text": "odt"}


def test_a_stored_file_is_a_sandboxed_uncached_download(tmp_path: Path) -> None:
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("policy.pdf", ContentFile(b"%PDF-1.4 policy"))
    response = private_download(
        storage, name, filename="Beleid.pdf", content_type=content_type_of(name, TYPES)
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 policy"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_kind_is_plain_bytes_and_a_missing_file_is_404(tmp_path: Path) -> None:
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("notes.bin", ContentFile(b"x"))
    assert content_type_of(name, TYPES) == ""
    assert private_download(storage, name, filename="x.bin")["Content-Type"] == (
        "application/octet-stream"
    )
    with pytest.raises(Http404):
        private_download(storage, "gone.pdf", filename="gone.pdf")
    with pytest.raises(Http404):
        private_download(storage, "", filename="nothing")
