"""Files people upload (evidence, meeting documents, activity attachments, provider reports):
judged by their content, never by their name, within a size limit, and stored under a random
name outside the web root. They are served back only through ``core.http.private_download``,
after the access policy."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import filetype
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError


def checked_kind(
    data: bytes,
    *,
    types: Mapping[str, str],
    max_bytes: int,
    wrong_type: str,
    too_large: str | None = None,
    field: str = "file",
) -> str:
    """The file's content type, read from its bytes: one of ``types`` (content type →
    extension it is stored with), at most ``max_bytes``; otherwise an ActionError on
    ``field`` (``too_large`` takes ``%(mb)d``)."""
    if len(data) > max_bytes:
        message = too_large or _("A document may be at most %(mb)d MB.")
        raise ActionError(message % {"mb": max_bytes // 2**20}, field=field)
    kind = filetype.guess_mime(data)
    if kind not in types:
        raise ActionError(wrong_type, field=field)
    return kind


def store(
    storage: Storage, folder: str, data: bytes, *, kind: str, types: Mapping[str, str]
) -> str:
    """Save the file under a random name in ``folder``, with the extension of its checked
    content type; returns the stored name."""
    return storage.save(f"{folder}/{secrets.token_hex(16)}.{types[kind]}", ContentFile(data))
