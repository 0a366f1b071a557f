"""The one check and store of uploaded files: the content decides the type, never the name;
too large or of another type is refused on its field; stored under a random name with the
checked type's extension."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from convenant.core import uploads
from convenant.core.errors import ActionError

TYPES = {"application/pdf": "pdf"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_named_anything_is_a_pdf_and_is_stored_under_a_random_name(tmp_path: Path) -> None:
    kind = uploads.checked_kind(PDF, types=TYPES, max_bytes=1_000, wrong_type="PDF only")
    assert kind == "application/pdf"
    storage = FileSystemStorage(location=tmp_path)
    first = uploads.store(storage, "evidence", PDF, kind=kind, types=TYPES)
    second = uploads.store(storage, "evidence", PDF, kind=kind, types=TYPES)
    assert first != second and first.startswith("evidence/") and first.endswith(".pdf")
    assert (tmp_path / first).read_bytes() == PDF


def test_another_type_is_refused_whatever_its_name_says() -> None:
    with pytest.raises(ActionError, match="PDF only") as refused:
        uploads.checked_kind(
            b"MZ\x90\x00" + b"\x00" * 60, types=TYPES, max_bytes=1_000, wrong_type="PDF only"
        )
    assert refused.value.field == "file"


def test_too_large_is_refused_before_its_content_is_read_with_the_callers_words() -> None:
    with pytest.raises(ActionError, match="A report may be at most 1 MB") as refused:
        uploads.checked_kind(
            PDF + b"0" * 2**20,
            types=TYPES,
            max_bytes=2**20,
            wrong_type="PDF only",
            too_large="A report may be at most %(mb)d MB.",
            field="report",
        )
    assert refused.value.field == "report"
