"""URLs of reporting: the KPI framework: the versioned library file of indicators, sub-
indicators and questions, how answers score, and where pre-filled answers come from."""

from django.urls import URLPattern, path

from convenant.reporting.views import framework as views

urlpatterns: list[URLPattern] = [
    path("reporting/framework/", views.framework_list, name="kpi_framework_list"),
    path(
        "reporting/framework/<str:version>/",
        views.framework_detail,
        name="kpi_framework_detail",
    ),
]
