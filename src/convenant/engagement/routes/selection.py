"""URLs of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``)."""

from django.urls import URLPattern, path

from convenant.engagement.views import selection as views

urlpatterns: list[URLPattern] = [
    path("cases/nominations/", views.nomination_list, name="nomination_list"),
    path("cases/nominations/new/", views.nomination_add, name="nomination_add"),
    path(
        "cases/nominations/<slug:reference>/",
        views.nomination_detail,
        name="nomination_detail",
    ),
    path(
        "cases/nominations/<slug:reference>/withdraw/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(
        "cases/nominations/<slug:reference>/enter/",
        views.nomination_enter,
        name="nomination_enter",
    ),
    path(
        "cases/nominations/<slug:reference>/score/",
        views.nomination_score,
        name="nomination_score",
    ),
    path("cases/rounds/", views.round_list, name="round_list"),
    path("cases/rounds/new/", views.round_add, name="round_add"),
    path("cases/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("cases/rounds/<int:pk>/ranking.csv", views.round_ranking_csv, name="round_ranking_csv"),
    path("cases/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("cases/rounds/<int:pk>/propose/", views.round_propose, name="round_propose"),
]
