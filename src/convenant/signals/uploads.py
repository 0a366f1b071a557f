"""Evidence never touches the disk before its metadata is stripped.

Django writes an upload above 2.5 MB to a temporary file; for evidence that file would hold
the photo with its EXIF (where it was taken) until the request ends, or longer after a crash
or in a backup. Views that receive evidence keep it in memory instead, and only as much as
the limits allow: at most one file more than may be sent, and of each at most one byte more
than its limit, so the form still says which limit was passed while a huge upload costs no
more memory than a permitted one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from convenant.signals.attachments import max_bytes, max_files


class EvidenceUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files_seen = 0
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        # Beyond one file too many the form already refuses; the rest is not kept at all.
        self.buffer = io.BytesIO() if self.files_seen <= max_files() + 1 else None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.buffer is not None:
            room = max_bytes() + 1 - self.buffer.tell()
            if room > 0:
                self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,  # the size sent, so the form can name the limit passed
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def evidence_in_memory(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Receive the view's uploads with EvidenceUploadHandler. The handlers must be set before
    anything reads the body, and the CSRF check reads it, so the check moves inside."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A plain form (no files: the receipt code) may already have been read at the edge,
        # which checks its fields; only a file upload needs the handler, and is read here.
        if request.content_type == "multipart/form-data" or not hasattr(request, "_files"):
            request.upload_handlers = [EvidenceUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return wrapper
