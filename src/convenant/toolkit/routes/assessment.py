"""URLs of toolkit: the requirement tree (a versioned library file) and a fund's yearly policy
self-assessment against it: answers with evidence, gaps with the model texts that close them,
each year started from the last, exported as XLSX and DOCX."""

from django.urls import URLPattern, path

from convenant.toolkit.views import assessment as views

urlpatterns: list[URLPattern] = [
    path("toolkit/requirements/", views.requirement_tree, name="requirement_tree"),
    path("toolkit/self-assessment/", views.self_assessment_home, name="self_assessment_home"),
    path(
        "toolkit/self-assessment/start/", views.self_assessment_start, name="self_assessment_start"
    ),
    path(
        "toolkit/self-assessment/overview/",
        views.self_assessment_overview,
        name="self_assessment_overview",
    ),
    path(
        "toolkit/self-assessment/compare/",
        views.self_assessment_compare,
        name="self_assessment_compare",
    ),
    path("toolkit/self-assessment/evidence/", views.evidence_list, name="evidence_list"),
    path("toolkit/self-assessment/evidence/new/", views.evidence_upload, name="evidence_upload"),
    path(
        "toolkit/self-assessment/evidence/<int:pk>/",
        views.evidence_document,
        name="evidence_document",
    ),
    path(
        "toolkit/self-assessment/<int:pk>/",
        views.self_assessment_detail,
        name="self_assessment_detail",
    ),
    path(
        "toolkit/self-assessment/<int:pk>/answers/<str:key>/",
        views.self_assessment_answer,
        name="self_assessment_answer",
    ),
    path(
        "toolkit/self-assessment/<int:pk>/answers/<str:key>/confirm/",
        views.self_assessment_confirm,
        name="self_assessment_confirm",
    ),
    path(
        "toolkit/self-assessment/<int:pk>/complete/",
        views.self_assessment_complete,
        name="self_assessment_complete",
    ),
    path(
        "toolkit/self-assessment/<int:pk>/export/<str:file_format>/",
        views.self_assessment_export,
        name="self_assessment_export",
    ),
]
