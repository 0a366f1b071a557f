"""URLs of engagement's overviews: a fund's funnel, the covenant's view, the bulk update."""

from django.urls import URLPattern, path

from convenant.engagement.views import overviews as views

urlpatterns: list[URLPattern] = [
    path("engagement/overview/", views.fund_overview, name="engagement_overview"),
    path(
        "engagement/overview/covenant/",
        views.covenant_overview,
        name="engagement_covenant_overview",
    ),
    path("engagement/import/", views.import_page, name="engagement_import"),
    path(
        "engagement/import/template.<str:file_format>",
        views.import_template,
        name="engagement_import_template",
    ),
]
