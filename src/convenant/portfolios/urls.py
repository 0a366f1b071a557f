from django.urls import path

from convenant.portfolios.views import holdings, issuers

urlpatterns = [
    path("issuers/", issuers.issuer_list, name="issuer_list"),
    path("issuers/<int:pk>/", issuers.issuer_detail, name="issuer_detail"),
    path("issuers/<int:pk>/merge/", issuers.issuer_merge, name="issuer_merge"),
    path("exchange-rates/", issuers.exchange_rates, name="exchange_rates"),
    path("holdings/", holdings.snapshot_list, name="snapshot_list"),
    path("holdings/import/", holdings.holdings_import, name="holdings_import"),
    path("holdings/jobs/<int:pk>/", holdings.import_job_detail, name="import_job_detail"),
    path(
        "holdings/jobs/<int:pk>/rejected/",
        holdings.import_job_rejected,
        name="import_job_rejected",
    ),
    path("holdings/<int:pk>/", holdings.snapshot_detail, name="snapshot_detail"),
    path("holdings/<int:pk>/review/", holdings.snapshot_review, name="snapshot_review"),
    path("holdings/<int:pk>/compare/", holdings.snapshot_compare, name="snapshot_compare"),
    path("holdings/<int:pk>/review/<int:row>/", holdings.review_decide, name="review_decide"),
    path(
        "holdings/<int:pk>/review/<int:row>/search/",
        holdings.review_search,
        name="review_search",
    ),
    path("holdings/<int:pk>/positions/", holdings.snapshot_positions, name="snapshot_positions"),
]
