"""URLs of reporting: reporting cycles and each party's submission: opening a cycle, answering
(saved as the person types), evidence, validation, submitting, reminders and the secretariat's
overview."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
