"""Typing help for views."""

from django.http import HttpRequest
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
