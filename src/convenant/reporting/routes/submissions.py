"""URLs of reporting: reporting cycles and each party's submission: opening a cycle, answering
(saved as the person types), evidence, validation, submitting, reminders and the secretariat's
overview."""

from django.urls import URLPattern, path

from convenant.reporting.views import submissions as views

urlpatterns: list[URLPattern] = [
    path("reporting/", views.reporting_home, name="reporting_home"),
    path("reporting/cycles/new/", views.cycle_new, name="cycle_new"),
    path("reporting/cycles/<slug:label>/", views.cycle_detail, name="cycle_detail"),
    path("reporting/cycles/<slug:label>/edit/", views.cycle_edit, name="cycle_edit"),
    path("reporting/cycles/<slug:label>/open/", views.cycle_open, name="cycle_open"),
    path("reporting/cycles/<slug:label>/close/", views.cycle_close, name="cycle_close"),
    path("reporting/cycles/<slug:label>/remind/", views.cycle_remind, name="cycle_remind"),
    path(
        "reporting/cycles/<slug:label>/export/<str:file_format>/",
        views.cycle_export,
        name="cycle_export",
    ),
    path("reporting/submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("reporting/submissions/<int:pk>/start/", views.submission_start, name="submission_start"),
    path(
        "reporting/submissions/<int:pk>/confirm/<str:code>/",
        views.submission_confirm,
        name="submission_confirm",
    ),
    path(
        "reporting/submissions/<int:pk>/evidence/<str:code>/upload/",
        views.submission_evidence_upload,
        name="submission_evidence_upload",
    ),
    path(
        "reporting/submissions/<int:pk>/evidence/<int:evidence_pk>/",
        views.submission_evidence,
        name="submission_evidence",
    ),
    path(
        "reporting/submissions/<int:pk>/publish/",
        views.submission_publish,
        name="submission_publish",
    ),
    path(
        "reporting/submissions/<int:pk>/submit/", views.submission_submit, name="submission_submit"
    ),
]
