"""URLs of governance's budget (see views/budget.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
