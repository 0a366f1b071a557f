"""URLs of outsourcing: service providers kept once for the covenant (the secretariat merges
duplicates), a fund's mandates with them, the model clauses each contract holds at which version
(verbatim, adapted with its diff, or not included with a reason), superseded clauses and renewal
tasks."""

from django.urls import URLPattern, path

from convenant.outsourcing.views import mandates as views

urlpatterns: list[URLPattern] = [
    path("outsourcing/providers/", views.provider_list, name="outsourcing_providers"),
    path("outsourcing/providers/new/", views.provider_add, name="outsourcing_provider_add"),
    path(
        "outsourcing/providers/<int:pk>/",
        views.provider_detail,
        name="outsourcing_provider_detail",
    ),
    path(
        "outsourcing/providers/<int:pk>/merge/",
        views.provider_merge,
        name="outsourcing_provider_merge",
    ),
    path("outsourcing/mandates/", views.mandate_list, name="outsourcing_mandates"),
    path("outsourcing/mandates/new/", views.mandate_add, name="outsourcing_mandate_add"),
    path("outsourcing/mandates/<int:pk>/", views.mandate_detail, name="outsourcing_mandate_detail"),
    path(
        "outsourcing/mandates/<int:pk>/edit/", views.mandate_edit, name="outsourcing_mandate_edit"
    ),
    path("outsourcing/mandates/<int:pk>/end/", views.mandate_end, name="outsourcing_mandate_end"),
    path(
        "outsourcing/mandates/<int:pk>/clauses/<slug:identifier>/",
        views.clause_record,
        name="outsourcing_clause_record",
    ),
    path(
        "outsourcing/clauses/<int:pk>/evidence/",
        views.clause_evidence,
        name="outsourcing_clause_evidence",
    ),
    path(
        "outsourcing/renewal-tasks/<int:pk>/done/",
        views.renewal_task_done,
        name="outsourcing_renewal_task_done",
    ),
]
