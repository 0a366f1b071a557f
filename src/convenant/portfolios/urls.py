from django.urls import path

from convenant.portfolios import holdings_views, views

urlpatterns = [
    path("issuers/", views.issuer_list, name="issuer_list"),
    path("issuers/<int:pk>/", views.issuer_detail, name="issuer_detail"),
    path("issuers/<int:pk>/merge/", views.issuer_merge, name="issuer_merge"),
    path("exchange-rates/", views.exchange_rates, name="exchange_rates"),
    path("holdings/", holdings_views.snapshot_list, name="snapshot_list"),
    path("holdings/import/", holdings_views.holdings_import, name="holdings_import"),
    path("holdings/jobs/<int:pk>/", holdings_views.import_job_detail, name="import_job_detail"),
    path(
        "holdings/jobs/<int:pk>/rejected/",
        holdings_views.import_job_rejected,
        name="import_job_rejected",
    ),
    path("holdings/<int:pk>/", holdings_views.snapshot_detail, name="snapshot_detail"),
    path("holdings/<int:pk>/review/", holdings_views.snapshot_review, name="snapshot_review"),
    path("holdings/<int:pk>/compare/", holdings_views.snapshot_compare, name="snapshot_compare"),
    path("holdings/<int:pk>/review/<int:row>/", holdings_views.review_decide, name="review_decide"),
    path(
        "holdings/<int:pk>/positions/", holdings_views.snapshot_positions, name="snapshot_positions"
    ),
]
