from django.urls import path

from convenant.risk import edition_views, fund_views, views
from convenant.risk.covenant import covenant_risks, export_covenant_risks

urlpatterns = [
    path("reference/", views.dataset_list, name="dataset_list"),
    path("reference/<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("holdings/<int:pk>/risks/", fund_views.snapshot_risks, name="snapshot_risks"),
    path("risks/covenant/", covenant_risks, name="covenant_risks"),
    path(
        "risks/covenant.<str:file_format>",
        export_covenant_risks,
        name="export_covenant_risks",
    ),
    path("holdings/<int:pk>/risks.<str:file_format>", fund_views.export_risks, name="export_risks"),
    path("holdings/<int:pk>/risks/<int:result_id>/judge/", fund_views.judge, name="judge_risk"),
    path("holdings/<int:pk>/sfdr/", views.snapshot_sfdr, name="snapshot_sfdr"),
    path(
        "holdings/<int:pk>/risks/editions/",
        edition_views.snapshot_editions,
        name="snapshot_editions",
    ),
]
