"""URLs of the deep track: a case's consultations (step A, with the group-level confidentiality and
redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D)."""

from django.urls import URLPattern, path

from convenant.engagement.views import fieldwork as views

urlpatterns: list[URLPattern] = [
    path("cases/<slug:reference>/assessment/", views.case_assessment, name="case_assessment"),
    path(
        "cases/<slug:reference>/assessment/new/",
        views.consultation_add,
        name="consultation_add",
    ),
    path(
        "cases/consultations/<int:pk>/edit/",
        views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "cases/consultations/<int:pk>/note/",
        views.consultation_note,
        name="consultation_note",
    ),
    path("cases/<slug:reference>/remediation/", views.case_remediation, name="case_remediation"),
    path("cases/<slug:reference>/remediation/new/", views.remedy_add, name="remedy_add"),
    path("cases/remedies/<int:pk>/status/", views.remedy_update, name="remedy_update"),
    path("cases/<slug:reference>/monitoring/", views.case_monitoring, name="case_monitoring"),
    path(
        "cases/<slug:reference>/monitoring/grievance/",
        views.grievance_assess,
        name="grievance_assess",
    ),
]
