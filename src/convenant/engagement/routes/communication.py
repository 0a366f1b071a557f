"""URLs of the deep track: a case's communications (step E: generated from publishable fields,
approved by the group, published), the public case pages, yearly lessons, closure, and the case
report as HTML and PDF."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
