"""URLs of governance's bodies (see views/bodies.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
