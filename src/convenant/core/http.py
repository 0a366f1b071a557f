"""Typing help for views, and how a view hands out a stored upload."""

from collections.abc import Mapping

from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from convenant.core.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request, with the details django-htmx adds."""

    htmx: HtmxDetails
    LANGUAGE_CODE: str


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: ``user`` is a real person."""

    user: User
    LANGUAGE_CODE: str
    htmx: HtmxDetails


def private_download(
    storage: Storage, name: str, *, filename: str, content_type: str = ""
) -> FileResponse:
    """A stored upload, served by a view that has just applied the access policy: always as a
    download, never rendered in the page (sandboxed, not sniffed, not cached). 404 when the
    file is gone."""
    if not name or not storage.exists(name):
        raise Http404
    response = FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def content_type_of(name: str, types: Mapping[str, str]) -> str:
    """The content type a stored file was accepted as, from its extension (``types``: the
    accepted content types and the extension each is stored with)."""
    extension = name.rsplit(".", 1)[-1]
    return {ext: kind for kind, ext in types.items()}.get(extension, "")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1]
