"""URLs of reporting: the monitoring report: the figures per indicator by count and by invested
assets, frozen at sign-off, rendered as HTML, PDF and XLSX."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
