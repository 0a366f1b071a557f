"""URLs of outsourcing: the reporting requirements agreed per mandate, the provider reports
received per period and what is missing, and a fund's dashboard of the shares of its mandates
with clauses and with reporting in place, by count and by invested amount."""

from django.urls import URLPattern, path

from convenant.outsourcing.views import monitoring as views

urlpatterns: list[URLPattern] = [
    path("outsourcing/", views.dashboard, name="outsourcing_dashboard"),
    path("outsourcing/covenant/", views.covenant, name="outsourcing_covenant"),
    path(
        "outsourcing/mandates/<int:pk>/reporting/",
        views.mandate_reporting,
        name="outsourcing_mandate_reporting",
    ),
    path(
        "outsourcing/mandates/<int:pk>/reporting/requirements/new/",
        views.requirement_add,
        name="outsourcing_requirement_add",
    ),
    path(
        "outsourcing/mandates/<int:pk>/reporting/reports/new/",
        views.report_add,
        name="outsourcing_report_add",
    ),
    path("outsourcing/reports/<int:pk>/file/", views.report_file, name="outsourcing_report_file"),
]
