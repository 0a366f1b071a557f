"""URLs of reporting: the monitoring report: the figures per indicator by count and by invested
assets, frozen at sign-off, rendered as HTML, PDF and XLSX."""

from django.urls import URLPattern, path

from convenant.reporting.views import report as views

P = "reporting/report/<slug:label>/"

urlpatterns: list[URLPattern] = [
    path("reporting/report/", views.report_index, name="reporting_reports"),
    path(P, views.report_page, name="reporting_report"),
    path(P + "summary/", views.report_summary, name="reporting_report_summary"),
    path(P + "sign-off/", views.report_sign_off, name="reporting_report_sign_off"),
    path(
        P + "monitoring-report.<str:fmt>",
        views.report_download,
        name="reporting_report_download",
    ),
]
