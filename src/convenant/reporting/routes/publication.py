"""URLs of reporting: what is published: disclosure control, the steering group's approval
(governance effects), the public report pages, the annual meeting pack and the trend across
cycles."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
