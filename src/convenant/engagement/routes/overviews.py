"""URLs of engagement's overviews."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
