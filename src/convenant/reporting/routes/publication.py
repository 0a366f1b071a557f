"""URLs of reporting: what is published: the public monitoring pages and their downloads (no
log-in), the steering group's approval of a report and of its public summary, and the trend
across cycles."""

from django.urls import URLPattern, path

from convenant.reporting.views import publication as views

urlpatterns: list[URLPattern] = [
    path("monitoring/", views.monitoring_index, name="monitoring_index"),
    path("monitoring/<slug:label>/", views.monitoring_report, name="monitoring_report"),
    path(
        "monitoring/<slug:label>/monitoring-report.<str:fmt>",
        views.monitoring_download,
        name="monitoring_download",
    ),
    path(
        "reporting/report/<slug:label>/approval/",
        views.report_approval,
        name="reporting_report_approval",
    ),
    path(
        "reporting/report/<slug:label>/approval/propose/",
        views.report_approval_propose,
        name="reporting_report_approval_propose",
    ),
    path("reporting/trend/", views.trend_page, name="reporting_trend"),
]
