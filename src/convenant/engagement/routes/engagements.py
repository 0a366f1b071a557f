"""URLs of engagement's engagements."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
