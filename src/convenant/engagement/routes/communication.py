"""URLs of the deep track's step E and what others see of a case: a case's communications
(generated from publishable fields, approved by the group, published), the public case pages
(no log-in) and the case report as HTML and PDF."""

from django.urls import URLPattern, path

from convenant.engagement.views import communication as views

urlpatterns: list[URLPattern] = [
    path(
        "cases/<slug:reference>/communication/",
        views.case_communication,
        name="case_communication",
    ),
    path(
        "cases/<slug:reference>/communication/new/",
        views.communication_add,
        name="communication_add",
    ),
    path(
        "cases/<slug:reference>/communication/<int:pk>/update/",
        views.communication_update,
        name="communication_update",
    ),
    path(
        "cases/<slug:reference>/communication/<int:pk>/propose/",
        views.communication_propose,
        name="communication_propose",
    ),
    path(
        "cases/<slug:reference>/communication/<int:pk>/approve/",
        views.communication_approve,
        name="communication_approve",
    ),
    path(
        "cases/<slug:reference>/communication/<int:pk>/publish/",
        views.communication_publish,
        name="communication_publish",
    ),
    path(
        "cases/<slug:reference>/communication/<int:pk>/withdraw/",
        views.communication_withdraw,
        name="communication_withdraw",
    ),
    path("cases/<slug:reference>/report/", views.case_report, name="case_report"),
    path("cases/<slug:reference>/report.pdf", views.case_report_pdf, name="case_report_pdf"),
    path("deep-track/", views.case_public_list, name="case_public_list"),
    path("deep-track/<slug:reference>/", views.case_public, name="case_public"),
]
