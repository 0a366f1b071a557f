"""URLs of governance's decisions (see views/decisions.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
